"""Steps that change no state: notes and other recorded events on a ticket, notices to units."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import clock
from ..choices import EventKind
from ..event_kinds import event_kind_check
from ..models import Notice, Ticket, TicketEvent
from .transitions import lock, record


@transaction.atomic
def ticket_event_add(
    *,
    ticket: Ticket | int,
    by: User | None,
    kind: str,
    note: str = "",
    payload: dict[str, Any] | None = None,
    unit_id: int | None = None,
) -> TicketEvent:
    """Record a step that does not change the state (a note, a department's whistle report …).

    ``kind`` is any registered event kind (``orders.event_kinds``): the apps above register theirs.
    """
    event_kind_check(kind)
    ticket = lock(ticket)
    return record(
        ticket,
        kind,
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=note,
        payload=payload,
        unit_id=unit_id,
    )


def ticket_note_add(*, ticket: Ticket | int, by: User, note: str) -> TicketEvent:
    """备注: a note on the ticket's record, without changing its state."""
    if not note.strip():
        raise ValidationError({"note": _("Write the note.")})
    return ticket_event_add(ticket=ticket, by=by, kind=EventKind.NOTE, note=note.strip())


def notify(
    unit_id: int | None, ticket: Ticket | None, kind: str, title: str, body: str = ""
) -> Notice | None:
    """通知 a unit (its inbox shows unread notices)."""
    if unit_id is None:
        return None
    return Notice.objects.create(
        unit_id=unit_id, ticket=ticket, kind=kind, title=title, body=body, created_at=clock.now()
    )


def notice_mark_read(*, notice: Notice, by: User) -> Notice:
    if notice.read_at is None:
        notice.read_at, notice.read_by = clock.now(), by
        notice.save(update_fields=["read_at", "read_by"])
    return notice
