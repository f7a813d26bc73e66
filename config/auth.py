"""Authentication backend: Django's model backend, with each user's permission set cached."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from dispatch.directory.access_cache import access_get, access_set


class CachedPermissionsBackend(ModelBackend):
    """Reads role permissions once per ``ACCESS_CACHE_SECONDS`` per user instead of twice a request.

    Invalidation: see ``dispatch.access_cache`` (memberships and role groups change through
    services that forget the cached entries).
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            cached = access_get("perms", user_obj.pk)
            if cached is None:
                cached = super().get_all_permissions(user_obj)
                access_set("perms", user_obj.pk, cached)
            user_obj._perm_cache = cached
        return user_obj._perm_cache
