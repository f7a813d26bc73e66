"""`manage.py up` prepares a database without ever resetting what people changed."""

from __future__ import annotations

import io
import re
from importlib.metadata import requires
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def prepare(*args: str) -> str:
    out = io.StringIO()
    call_command("up", "--prepare-only", *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=False)
def test_a_production_start_creates_no_demo_users() -> None:
    output = prepare()
    assert "demo" not in output
    assert not get_user_model().objects.exists()


@override_settings(DEBUG=False)
def test_demo_users_are_created_once_and_never_reset() -> None:
    output = prepare("--demo", "--demo-days", "1")
    assert "demo data (an empty database)" in output
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("demo-12345")
    admin.set_password("a-real-password-7731")
    admin.save()
    agent = users.get(username="agent")
    agent.set_password("agent-chose-this-8842")
    agent.save()

    again = prepare("--demo", "--demo-days", "1")
    assert "nothing created or changed" in again
    assert users.get(username="admin").check_password("a-real-password-7731")
    assert users.get(username="agent").check_password("agent-chose-this-8842")


def test_the_package_declares_what_the_redis_broker_imports() -> None:
    """kombu's redis transport imports ``packaging`` without declaring it; a plain
    ``pip install -e .`` must still give a worker that starts with a Redis broker."""
    import kombu.transport.redis as transport

    source = Path(transport.__file__).read_text(encoding="utf-8")
    assert "from packaging" in source or "import packaging" in source
    declared = {re.split(r"[\s;\[<>=~!]", r, maxsplit=1)[0].lower() for r in requires("hotline12345") or []}
    assert "packaging" in declared
