"""The system's own account: the dispatcher automatic steps act as."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User

from dispatch.directory.choices import MembershipRole
from dispatch.directory.models import Unit
from dispatch.directory.services import membership_grant

SYSTEM_USERNAME = "hotline-system"


def system_user() -> User:
    """The account automatic steps act as (auto-dispatch): a dispatcher of the hotline centre.

    It cannot sign in (unusable password); its name on an event says the system did it.
    """
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, first_name="系统自动派单")
        user.set_unusable_password()
        user.save()
        membership_grant(
            user=user, unit=Unit.objects.get(code=settings.HOTLINE_UNIT_CODE), role=MembershipRole.DISPATCHER
        )
    return user
