"""Closed tickets with known callback answers, for the evaluation tests."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from evaluation.models import Callback
from evaluation.services import callback_record
from orders.choices import TicketState
from orders.models import Ticket


def closed_with(cast: Any, *, contacted: bool, resolved: bool, satisfaction: str, **overrides: Any) -> Ticket:
    """A ticket led by the cast's unit, handled, called back with these answers and closed."""
    ticket = cast.ticket_in(TicketState.HANDLED, **overrides)
    callback_record(
        ticket=ticket,
        by=cast.callback,
        reached=True,
        contacted=contacted,
        resolved=resolved,
        satisfaction=satisfaction,
    )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    return ticket


def closed_unreachable(cast: Any) -> Ticket:
    ticket = cast.ticket_in(TicketState.HANDLED)
    for _ in range(settings.CALLBACK_MAX_ATTEMPTS):
        callback_record(ticket=ticket, by=cast.callback, reached=False, notes="无人接听")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    return ticket


def final_callback(ticket: Ticket) -> Callback:
    return Callback.objects.get(ticket=ticket, is_final=True)
