"""Reads of tickets, always scoped to what the user may see (404 outside it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from dispatch.directory.models import Membership

from .access import TicketScope, ticket_scope
from .choices import ReturnDecision
from .models import Assignment, ExtensionRequest, Notice, ReturnRequest, Ticket, TicketEvent
from .partitions import events_floor


def scope_q(scope: TicketScope) -> Q:
    """The tickets a scope sees: all, or those its units hold or held in any role (lead, assist,
    summoned by a whistle)."""
    if scope.everything:
        return Q()
    if not scope.visible_units:
        return Q(pk__in=[])
    return Q(
        Exists(Assignment.objects.filter(ticket=OuterRef("pk"), unit_id__in=sorted(scope.visible_units)))
    )


def ticket_list_for_user(*, user: Any) -> QuerySet[Ticket]:
    """Tickets the user may see, with what a list row shows joined in (a fixed number of queries)."""
    scope = ticket_scope(user)
    return (
        Ticket.objects.filter(scope_q(scope))
        .select_related("category__parent__parent", "region", "district", "street", "lead_unit", "caller")
        # District rows carry their boundary polygon; a ticket list never needs it.
        .defer("region__boundary", "district__boundary", "street__boundary")
        .order_by("-created_at", "-pk")
    )


def ticket_get_for_user(*, user: Any, pk: int) -> Ticket | None:
    return ticket_detail_queryset(user=user).filter(pk=pk).first()


def ticket_scoped(*, user: Any) -> QuerySet[Ticket]:
    """The user's tickets, without joins: for finding one to act on."""
    return Ticket.objects.filter(scope_q(ticket_scope(user)))


def ticket_detail_queryset(*, user: Any) -> QuerySet[Ticket]:
    return ticket_list_for_user(user=user).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("unit").order_by("assigned_at", "pk"),
        ),
        Prefetch("return_requests", queryset=ReturnRequest.objects.select_related("unit", "suggested_unit")),
        Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("unit")),
        Prefetch("children", queryset=Ticket.objects.only("pk", "number", "state", "parent_id")),
        # The parent is rare and small: read it apart rather than join a whole second ticket row.
        Prefetch("parent", queryset=Ticket.objects.only("pk", "number", "state")),
    )


def ticket_events(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    # The floor lets PostgreSQL skip the event partitions of months before the ticket (decision 37).
    return (
        TicketEvent.objects.filter(ticket=ticket, created_at__gte=events_floor(ticket.created_at))
        .select_related("actor", "actor_unit")
        .order_by("created_at", "pk")
    )


def units_with_approved_return(*, ticket: Ticket) -> list[int]:
    """Units whose return of this ticket was approved: routing does not choose them again."""
    return list(
        ReturnRequest.objects.filter(ticket=ticket, decision=ReturnDecision.APPROVED)
        .values_list("unit_id", flat=True)
        .distinct()
    )


def caller_contact_visible(*, user: Any) -> bool:
    """Agents and callback staff see callers' names and numbers; everyone else sees them masked."""
    return bool(user.has_perm("orders.view_caller_contact"))


def notices_for_user(*, user: Any) -> QuerySet[Notice]:
    """Notices to the units the user works for (any role), newest first."""
    units = Membership.objects.filter(user=user, is_active=True).values("unit_id")
    return (
        Notice.objects.filter(unit_id__in=units)
        .select_related("unit", "ticket")
        .order_by("-created_at", "-pk")
    )
