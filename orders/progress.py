"""What a citizen is told of a ticket's life (the progress page, notifications, Open311's updates):
the public steps, in their words — never the caller's data, internal notes or handlers' names.

A step names the unit that has the ticket, and for a result the unit's public reply (masked for
personal data as every handler-facing text is)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import EventKind, TicketState
from .models import Ticket, TicketEvent

# event kind → the step a citizen sees
PUBLIC_STEPS: dict[str, str] = {
    EventKind.CREATE: "received",
    EventKind.DISPATCH: "dispatched",
    EventKind.REASSIGN: "dispatched",
    EventKind.ACCEPT: "signed",
    EventKind.ANSWER: "answered",
    EventKind.REJECT: "rejected",
    EventKind.MERGE: "merged",
    EventKind.REPLY: "handled",
    EventKind.REOPEN: "reopened",
    EventKind.CLOSE: "closed",
}
# the steps worth a message to the caller (通知): received with the number, dispatched, handled,
# reopened, closed
TOLD_STEPS = ("received", "dispatched", "handled", "reopened", "closed")
CLOSED_STATES = {TicketState.CLOSED, TicketState.ANSWERED, TicketState.REJECTED, TicketState.MERGED}


@dataclass(frozen=True)
class Step:
    step: str
    at: dt.datetime
    title: str
    text: str
    closed: bool


def unit_of(event: TicketEvent) -> str:
    lead = (event.payload or {}).get("lead_unit") or {}
    if lead.get("name"):
        return str(lead["name"])
    return event.actor_unit.name if event.actor_unit_id and event.actor_unit else ""


def step_of(event: TicketEvent, ticket: Ticket) -> Step | None:
    """The public step an event is, or None for the internal ones (notes, deadlines, whistles …)."""
    step = PUBLIC_STEPS.get(event.kind)
    if step is None:
        return None
    unit = unit_of(event)
    if step == "reopened":
        unit = ticket.lead_unit.name if ticket.lead_unit_id and ticket.lead_unit else unit
    titles = {
        "received": _("Received"),
        "dispatched": _("Dispatched"),
        "signed": _("Signed for"),
        "answered": _("Answered"),
        "rejected": _("Not accepted"),
        "merged": _("Merged"),
        "handled": _("Handled"),
        "reopened": _("Sent back for rework"),
        "closed": _("Closed"),
    }
    texts = {
        "received": _("The hotline received your demand, number %(number)s.") % {"number": ticket.number},
        "dispatched": _("Sent to %(unit)s to handle.") % {"unit": unit},
        "signed": _("%(unit)s took it on.") % {"unit": unit},
        "answered": _("The hotline answered it directly: %(text)s") % {"text": event.note},
        "rejected": _("The hotline could not take it on: %(reason)s")
        % {"reason": ticket.get_reject_reason_display() or "—"},
        "merged": _("Merged with a demand on the same matter."),
        "handled": _("%(unit)s replied: %(text)s") % {"unit": unit, "text": event.note},
        "reopened": _("After the callback it went back to %(unit)s to be done again.") % {"unit": unit},
        "closed": _("Closed after the callback."),
    }
    return Step(step, event.created_at, str(titles[step]), str(texts[step]), event.to_state in CLOSED_STATES)


def steps(ticket: Ticket, events: list[TicketEvent]) -> list[Step]:
    out = []
    for event in events:
        step = step_of(event, ticket)
        if step is not None:
            out.append(step)
    return out
