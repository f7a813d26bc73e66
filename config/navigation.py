"""Which pages each role opens. The templates' navigation and the landing page read this."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Page:
    url_name: str
    title: str | Promise
    description: str | Promise
    permission: str | None  # None: any signed-in user; "staff": users who may open the admin

    @property
    def url(self) -> str:
        return reverse(self.url_name)


PAGES: list[Page] = [
    Page(
        "admin:index", _("Administration"), _("Reference data, catalog, users and the audit trail."), "staff"
    ),
    Page("api-docs", _("API documentation"), _("The REST API with its OpenAPI schema."), None),
]


def pages_for(user: AbstractBaseUser | AnonymousUser) -> list[Page]:
    visible = []
    for page in PAGES:
        if page.permission is None:
            visible.append(page)
        elif page.permission == "staff":
            if getattr(user, "is_staff", False):
                visible.append(page)
        elif user.has_perm(page.permission):
            visible.append(page)
    return visible
