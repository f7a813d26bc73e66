"""Open311 reads: clients by key, the published requests, their public steps."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from dispatch.directory.models import Category
from dispatch.directory.reads import category_leaves
from orders.choices import Channel
from orders.models import Assignment, Ticket, TicketEvent

from .documents import PUBLIC_STEPS
from .models import ClientSystem


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def client_for_key(api_key: str) -> ClientSystem | None:
    if not api_key:
        return None
    return (
        ClientSystem.objects.select_related("user").filter(key_hash=key_hash(api_key), is_active=True).first()
    )


def services() -> QuerySet[Category]:
    """Every category a request may be filed under: the active leaves without an emergency line."""
    return category_leaves().filter(transfer_to="").select_related("parent__parent").order_by("code")


def service(code: str) -> Category | None:
    return services().filter(code=code).first()


def published() -> QuerySet[Ticket]:
    """The requests Open311 shows: those filed through it — or, with ``OPEN311_PUBLISH_ALL``, every
    citizen's ticket except anonymous ones, proactive work and the categories kept out (threats,
    group demands: ``OPEN311_WITHHELD_CATEGORIES``)."""
    tickets = Ticket.objects.all()
    if settings.OPEN311_PUBLISH_ALL:
        withheld = Q()
        for prefix in settings.OPEN311_WITHHELD_CATEGORIES:
            withheld |= Q(category__code__startswith=prefix)
        tickets = tickets.exclude(channel=Channel.PROACTIVE).exclude(is_anonymous=True).exclude(withheld)
    else:
        tickets = tickets.filter(open311__isnull=False)
    lead_due = Assignment.objects.filter(role="lead", ended_at__isnull=True).only(
        "ticket_id", "handle_due_at", "role", "ended_at"
    )
    return (
        tickets.select_related(
            "category", "lead_unit", "district", "street", "region", "parent", "open311", "caller"
        )
        .defer("district__boundary", "street__boundary", "region__boundary")
        .prefetch_related(Prefetch("assignments", queryset=lead_due, to_attr="open_leads"))
        .order_by("-created_at", "-pk")
    )


def updates(*, since: dt.datetime, until: dt.datetime, tickets: QuerySet[Ticket]) -> QuerySet[TicketEvent]:
    """The public steps of published requests in [since, until), oldest first."""
    kinds = [*PUBLIC_STEPS, "client_update"]
    return (
        TicketEvent.objects.filter(
            created_at__gte=since, created_at__lt=until, kind__in=kinds, ticket__in=tickets.values("pk")
        )
        .select_related("ticket__caller", "actor_unit")
        .order_by("created_at", "pk")
    )
