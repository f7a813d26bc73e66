"""Suite-wide fixtures.

The real reference data (regions, units, categories, catalog) is loaded once into the test
database, as the run command loads it, so tests work on real codes: Beijing's by default, those of
the city named by ``JURISDICTION`` otherwise (tests/cities.py). Tests that need real commits use
``committed_db``, which truncates everything but the reference data afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from rest_framework.test import APIClient

from dispatch.directory.choices import MembershipRole
from dispatch.directory.loaders import categories_load, regions_load, units_load
from dispatch.directory.models import Region, Unit
from dispatch.directory.services import membership_grant
from tests.cities import active_city

# Every test runs at this moment, with the clock ticking from there: inside the official 2026
# calendar (the State Council had not published 2027's when this was written), on a weekday,
# in the heating season. Working-day deadlines then never depend on the day the suite runs.
SUITE_NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fixed_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(SUITE_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_directory_cache():  # type: ignore[no-untyped-def]
    """Each test sees the directory as its own database has it."""
    from citizens.services import templates_forget
    from dispatch.directory.cache import directory_cache_clear
    from orders.hints import hints_forget

    directory_cache_clear()
    templates_forget()
    hints_forget()
    yield
    directory_cache_clear()
    templates_forget()
    hints_forget()


def load_reference_data() -> None:
    """The active city's reference data (settings.JURISDICTION), as ``load_reference`` loads it."""
    from orders.sla import calendar_load_from_package, policy_load_from_profile

    regions_load()
    units_load()
    categories_load()
    calendar_load_from_package()
    policy_load_from_profile()


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):  # type: ignore[no-untyped-def]
    """Create the test database once (even when only ``committed_db`` tests run) and load the
    reference data into it."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose, interactive=False, aliases={"default"}
        )
        if not Region.objects.exists():
            load_reference_data()
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture
def reference_data(db: None) -> None:
    """Make sure reference data is present (a transactional test before this one may have flushed it)."""
    if not Unit.objects.exists():
        load_reference_data()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``city``: the city this run's database holds (tests/cities.py), named in the test id
    (test_x[hangzhou])."""
    if "city" in metafunc.fixturenames:
        case = active_city()
        metafunc.parametrize("city", [case], ids=[case.jurisdiction])


@pytest.fixture
def make_user() -> Callable[..., AbstractUser]:
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


@pytest.fixture
def cast(make_user: Callable[..., AbstractUser], city):  # type: ignore[no-untyped-def]
    """The people of a ticket's life, at the run's city's street office (tests/cities.py)."""
    from tests.factories import Cast

    return Cast(make_user=make_user, lead_code=city.street)


# Reference tables survive committed tests; everything else is truncated after each one.
KEEP_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "dispatch_region",
    "dispatch_regionalias",
    "dispatch_regioncodehistory",
    "dispatch_unit",
    "dispatch_category",
    "dispatch_catalogentry",
    "dispatch_catalogassist",
    "orders_slapolicy",
    "orders_slatier",
    "orders_calendaryear",
    "orders_calendarday",
    "hotline_sensitiverule",
    "evaluation_assessmentscheme",
    "citizens_messagetemplate",
}


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Database access without the test's wrapping transaction: work really commits, so other
    threads and processes (a Celery worker) see it. Afterwards every table but the reference
    data is truncated, so the next test starts clean without reloading 7,900 regions."""
    from django.db import connection

    with django_db_blocker.unblock():
        yield
        tables = [
            t for t in connection.introspection.django_table_names(only_existing=True) if t not in KEEP_TABLES
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        connection.close()
