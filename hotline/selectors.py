"""Reads for the desk pages, scoped like every read: a unit's inbox holds its own assignments, the
supervision view the units a supervisor oversees (every unit for hotline roles)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, When

from dispatch.models import WhistleSummons
from orders.access import ticket_scope
from orders.choices import TicketState
from orders.models import Assignment, Notice, Ticket
from orders.selectors import scope_q

OPEN_STATES = [
    TicketState.DISPATCHED,
    TicketState.ACCEPTED,
    TicketState.RETURN_REQUESTED,
    TicketState.ESCALATED,
]


def inbox(*, user: Any) -> QuerySet[Assignment]:
    """The open assignments of the user's units, the most urgent first: the sign-for deadline until
    signed, then the handling deadline."""
    units = sorted(ticket_scope(user).handler_units)
    return (
        Assignment.objects.filter(unit_id__in=units, ended_at__isnull=True, ticket__state__in=OPEN_STATES)
        .select_related("ticket__category", "ticket__street", "ticket__district", "unit")
        .defer("ticket__street__boundary", "ticket__district__boundary")
        .annotate(
            due_at=Case(
                When(signed_at__isnull=True, then=F("sign_due_at")),
                default=F("handle_due_at"),
            )
        )
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def pending_summons(*, user: Any) -> QuerySet[WhistleSummons]:
    """Whistles the user's units must still report to (部门报到)."""
    units = sorted(ticket_scope(user).handler_units)
    return (
        WhistleSummons.objects.filter(unit_id__in=units, reported_at__isnull=True, whistle__status="open")
        .select_related("whistle__ticket__category", "whistle__ticket__street", "unit")
        .defer("whistle__ticket__street__boundary")
        .order_by("report_by", "pk")
    )


def unread_notices(*, user: Any, limit: int = 20) -> list[Notice]:
    units = sorted(ticket_scope(user).visible_units)
    return list(
        Notice.objects.filter(unit_id__in=units, read_at__isnull=True)
        .select_related("ticket")
        .order_by("-created_at")[:limit]
    )


def supervision(*, user: Any, now: dt.datetime) -> QuerySet[Ticket]:
    """督办: open tickets whose lead unit is past a deadline, and escalated ones, across the units the
    user oversees."""
    overdue = Q(
        assignments__ended_at__isnull=True,
        assignments__role="lead",
    ) & (
        Q(assignments__signed_at__isnull=True, assignments__sign_due_at__lt=now)
        | Q(assignments__replied_at__isnull=True, assignments__handle_due_at__lt=now)
    )
    lead = Assignment.objects.filter(ticket=OuterRef("pk"), role="lead", ended_at__isnull=True)
    return (
        Ticket.objects.filter(scope_q(ticket_scope(user)), state__in=OPEN_STATES)
        .filter(overdue | Q(state=TicketState.ESCALATED))
        .annotate(
            sign_due_at=Subquery(lead.filter(signed_at__isnull=True).values("sign_due_at")[:1]),
            handle_due_at=Subquery(lead.filter(replied_at__isnull=True).values("handle_due_at")[:1]),
        )
        .select_related("category", "street", "district", "lead_unit")
        .defer("street__boundary", "district__boundary")
        .distinct()
        .order_by("created_at", "pk")
    )
