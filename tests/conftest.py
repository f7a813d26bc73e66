"""Suite-wide fixtures.

The real reference data (regions, units, categories, catalog) is loaded once into the test
database, as the run command loads it, so tests work on real Beijing codes. Tests that need real
commits (``transaction=True``) flush the database afterwards; ``reference_data`` reloads it then.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from rest_framework.test import APIClient

from dispatch.choices import MembershipRole
from dispatch.models import Region, Unit
from dispatch.reference_data import categories_load, regions_load, units_load
from dispatch.services import membership_grant


def load_reference_data() -> None:
    regions_load()
    units_load()
    categories_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        if not Region.objects.exists():
            load_reference_data()


@pytest.fixture
def reference_data(db: None) -> None:
    """Make sure reference data is present (a transactional test before this one may have flushed it)."""
    if not Unit.objects.exists():
        load_reference_data()


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractUser]:
    """Create a user with a role in a unit (by unit code): make_user("handler", "S110105026")."""
    counter = {"n": 0}

    def make(role: str, unit_code: str = "HOTLINE", username: str | None = None) -> AbstractUser:
        counter["n"] += 1
        user = get_user_model().objects.create_user(
            username=username or f"{role}-{unit_code}-{counter['n']}", password="pw-test-12345"
        )
        membership_grant(user=user, unit=Unit.objects.get(code=unit_code), role=MembershipRole(role))
        return user

    return make


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for(make_user: Callable[..., AbstractUser]) -> Callable[..., APIClient]:
    """An API client authenticated as a new user with ``role`` in ``unit_code``."""

    def make(role: str, unit_code: str = "HOTLINE") -> APIClient:
        client = APIClient()
        client.force_authenticate(make_user(role, unit_code))
        return client

    return make
