"""A short-lived cache of who may do what, shared by the permission backend and ticket scopes.

Every API request needs the user's permissions (their role groups) and their memberships (their
units). Both change rarely, so they are cached for ``ACCESS_CACHE_SECONDS`` under a key that includes
an epoch: granting or revoking a membership forgets that user's entries at once, and re-syncing the
role groups (after a migrate) moves the epoch so every entry is forgotten. With a per-process cache
(the default) another process may see a change up to ``ACCESS_CACHE_SECONDS`` later; with Redis as
the cache, at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache

EPOCH_KEY = "access:epoch"


def _epoch() -> int:
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        epoch = 1
        cache.add(EPOCH_KEY, epoch, None)
    return int(epoch)


def access_key(kind: str, user_id: int) -> str:
    return f"access:{_epoch()}:{kind}:{user_id}"


def access_get(kind: str, user_id: int) -> Any:
    if settings.ACCESS_CACHE_SECONDS <= 0:
        return None
    return cache.get(access_key(kind, user_id))


def access_set(kind: str, user_id: int, value: Any) -> None:
    if settings.ACCESS_CACHE_SECONDS > 0:
        cache.set(access_key(kind, user_id), value, settings.ACCESS_CACHE_SECONDS)


def access_changed(user_id: int) -> None:
    """Forget one user's cached permissions and scope (their memberships changed)."""
    cache.delete_many([access_key(kind, user_id) for kind in ("perms", "scope")])


def access_changed_for_everyone() -> None:
    """Forget everyone's (role groups changed)."""
    try:
        cache.incr(EPOCH_KEY)
    except ValueError:
        cache.set(EPOCH_KEY, 2, None)
