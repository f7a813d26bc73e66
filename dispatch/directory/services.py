"""Writers of the directory: memberships (who works for which unit, in which role)."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from .access_cache import access_changed
from .choices import MembershipRole
from .models import Membership, Unit


@transaction.atomic
def membership_grant(*, user: User, unit: Unit, role: str) -> Membership:
    """Let ``user`` work for ``unit`` in ``role``; the role's group carries its permissions."""
    role = MembershipRole(role)
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    transaction.on_commit(lambda: access_changed(user.pk))
    access_changed(user.pk)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    """End a membership; the user leaves the role's group when no active membership needs it."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    still_needed = Membership.objects.filter(
        user=membership.user, role=membership.role, is_active=True
    ).exists()
    if not still_needed:
        membership.user.groups.remove(*Group.objects.filter(name=membership.role))
    user_id = membership.user_id
    transaction.on_commit(lambda: access_changed(user_id))
    access_changed(user_id)
