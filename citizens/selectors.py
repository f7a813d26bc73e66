"""The citizens' reads: a ticket found by its number and the last four digits of the caller's phone."""

from __future__ import annotations

import hmac

from orders.models import Ticket, TicketEvent
from orders.partitions import events_floor
from orders.privacy import decrypt


def ticket_for_citizen(*, number: str, last4: str) -> Ticket | None:
    """The ticket, if the digits are the caller's; None alike for an unknown number, a ticket
    without a caller and wrong digits (so a guess learns nothing)."""
    ticket = (
        Ticket.objects.select_related("caller", "category", "lead_unit", "district", "street")
        .defer("district__boundary", "street__boundary")
        .filter(number=number.strip())
        .first()
    )
    if ticket is None or ticket.caller is None:
        hmac.compare_digest("0000", last4)  # the same work either way
        return None
    phone = decrypt(ticket.caller.phone_encrypted)
    return ticket if hmac.compare_digest(phone[-4:], last4) else None


def public_events(ticket: Ticket) -> list[TicketEvent]:
    events = ticket.events.filter(created_at__gte=events_floor(ticket.created_at))  # decision 37
    return list(events.select_related("actor_unit").order_by("created_at", "pk"))
