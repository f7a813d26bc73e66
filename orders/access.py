"""Who may see and do what with tickets.

Two questions, answered separately (style.md §2.2):
- *what* a user may do is a Django permission carried by their role group (``orders.accept_ticket``);
- *where* — which tickets — comes from their memberships: hotline-wide roles see every ticket, a
  handler sees the tickets of their own units, a supervisor those of the units under theirs.

The transition permission callables below combine the two; ``TicketScope`` feeds the selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from dispatch.directory.access_cache import access_get, access_set
from dispatch.directory.choices import MembershipRole, UnitKind

SCOPE_CACHE_ATTRIBUTE = "_ticket_scope"
WHISTLING_UNIT_KINDS = (UnitKind.STREET_OFFICE, UnitKind.ZONE_ADMIN)


@dataclass(frozen=True)
class TicketScope:
    """The tickets one user may see, as unit ids (or everything)."""

    everything: bool
    handler_units: frozenset[int]
    supervised_units: frozenset[int]
    home_unit: int | None = None  # the unit recorded on events as the acting unit

    @property
    def visible_units(self) -> frozenset[int]:
        return self.handler_units | self.supervised_units

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.visible_units


def ticket_scope(user: Any) -> TicketScope:
    """The user's scope, computed once per user object (one request)."""
    cached = getattr(user, SCOPE_CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if user is None or not getattr(user, "is_authenticated", False):
        return _compute_scope(user)
    scope = access_get("scope", user.pk)
    if scope is None:
        scope = _compute_scope(user)
        access_set("scope", user.pk, scope)
    setattr(user, SCOPE_CACHE_ATTRIBUTE, scope)
    return scope


def _compute_scope(user: Any) -> TicketScope:
    from dispatch.directory.models import Membership, Unit

    if user is None or not getattr(user, "is_authenticated", False):
        return TicketScope(False, frozenset(), frozenset())
    memberships = list(
        Membership.objects.filter(user=user, is_active=True, unit__is_active=True)
        .order_by("pk")
        .values_list("unit_id", "role", "unit__kind")
    )
    home_unit = memberships[0][0] if memberships else None
    handler_units = frozenset(unit for unit, role, _ in memberships if role == MembershipRole.HANDLER)
    if user.is_superuser or user.has_perm("orders.view_all_tickets"):
        return TicketScope(True, handler_units, frozenset(), home_unit)
    supervisor_units = {unit for unit, role, _ in memberships if role == MembershipRole.SUPERVISOR}
    if any(
        role == MembershipRole.SUPERVISOR and kind == UnitKind.HOTLINE_CENTRE for _, role, kind in memberships
    ):
        return TicketScope(True, handler_units, frozenset(), home_unit)
    supervised: set[int] = set()
    if supervisor_units:
        # The supervision chain is the unit tree: a district government supervises its street
        # offices and departments (two levels are all the tree has below a district).
        supervised = set(supervisor_units) | set(
            Unit.objects.filter(
                Q(parent_id__in=supervisor_units) | Q(parent__parent_id__in=supervisor_units)
            ).values_list("pk", flat=True)
        )
    return TicketScope(False, handler_units, frozenset(supervised), home_unit)


# ------------------------------------------------------------------ transition permissions


def by_role(permission: str) -> Callable[[Any, Any], bool]:
    """Hotline-wide actions (dispatch, answer, close …): the role's permission is enough."""

    def check(ticket: Any, user: Any) -> bool:
        return bool(user.has_perm(permission))

    check.permission = permission  # type: ignore[attr-defined]
    return check


def by_role_or_proactive_creator(permission: str) -> Callable[[Any, Any], bool]:
    """Dispatch: dispatchers; and for proactive work (主动治理) the supervisors who raise it, since
    who raises proactive work assigns it."""

    def check(ticket: Any, user: Any) -> bool:
        if user.has_perm(permission):
            return True
        return bool(ticket.channel == "proactive" and user.has_perm("orders.create_proactive_ticket"))

    check.permission = permission  # type: ignore[attr-defined]
    return check


def by_callback_or_verifier(permission: str) -> Callable[[Any, Any], bool]:
    """Closing and reworking a handled ticket: callback staff when there is a caller to call back;
    for work without one (proactive, media …) a supervisor who verifies it (核实), never callback."""

    def check(ticket: Any, user: Any) -> bool:
        if ticket.caller_id is None:
            return bool(user.has_perm("orders.verify_ticket"))
        return bool(user.has_perm(permission))

    check.permission = permission  # type: ignore[attr-defined]
    return check


def by_lead_handler(permission: str) -> Callable[[Any, Any], bool]:
    """Unit actions (sign, return, reply): a handler of the ticket's current lead unit."""

    def check(ticket: Any, user: Any) -> bool:
        if not user.has_perm(permission):
            return False
        return ticket.lead_unit_id is not None and ticket.lead_unit_id in ticket_scope(user).handler_units

    check.permission = permission  # type: ignore[attr-defined]
    return check


def by_lead_street_handler(permission: str) -> Callable[[Any, Any], bool]:
    """街乡吹哨: only a street office (or zone administration) that leads the ticket may whistle."""
    lead_handler = by_lead_handler(permission)

    def check(ticket: Any, user: Any) -> bool:
        return (
            lead_handler(ticket, user)
            and ticket.lead_unit is not None
            and (ticket.lead_unit.kind in WHISTLING_UNIT_KINDS)
        )

    check.permission = permission  # type: ignore[attr-defined]
    return check


def by_role_or_lead_supervisor(permission: str) -> Callable[[Any, Any], bool]:
    """改派: a dispatcher anywhere, or a supervisor of the unit that leads the ticket."""

    def check(ticket: Any, user: Any) -> bool:
        if user.has_perm(permission) and ticket_scope(user).everything:
            return True
        return ticket.lead_unit_id in ticket_scope(user).supervised_units and user.has_perm(permission)

    check.permission = permission  # type: ignore[attr-defined]
    return check


def required_permission(check: Callable[[Any, Any], bool]) -> str:
    """The role permission a transition's permission callable requires."""
    return str(check.permission)  # type: ignore[attr-defined]
