"""The ticket's own steps: answered or refused at intake, merged, signed for, escalated and back,
the result submitted, closed, reopened for rework. Each is one ``run_transition``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.directory.choices import EmergencyLine

from .. import sla
from ..choices import (
    TERMINAL_STATES,
    AssignmentEnd,
    AssignmentRole,
    ClockStart,
    DeadlineClock,
    EventKind,
    RejectReason,
    TicketState,
)
from ..deadline_clocks import clock_start, clock_stop, stopped_fields
from ..models import Ticket
from .assignments import active_assignments, end_assignments, end_summoned, lead_assignment
from .transitions import protect_texts, record, run_transition


def _required(field: str, value: str, message: str) -> None:
    if not value.strip():
        raise ValidationError({field: message})


@transaction.atomic
def ticket_answer(
    *, ticket: Ticket | int, by: User, answer: str, payload: dict[str, Any] | None = None
) -> Ticket:
    """直接答复: close a received ticket with the agent's answer."""
    return run_transition(
        ticket,
        name="answer_directly",
        by=by,
        kind=EventKind.ANSWER,
        arguments={"answer": answer.strip()},
        validate=lambda t: _required("answer", answer, _("Write the answer given to the caller.")),
        prepare=protect_texts("answer"),
        note=answer.strip(),
        payload=payload,
    )


@transaction.atomic
def ticket_reject(
    *, ticket: Ticket | int, by: User, reason: str, note: str = "", transfer_to: str = ""
) -> Ticket:
    """不予受理: refuse a received ticket with a reason code. An emergency names the line it was
    transferred to at once (110/119/120/122: 即时转至相应热线)."""
    reason = RejectReason(reason)

    def validate(t: Ticket) -> None:
        if reason == RejectReason.EMERGENCY and transfer_to not in EmergencyLine.values:
            raise ValidationError({"transfer_to": _("Say which emergency line the call went to.")})
        if reason != RejectReason.EMERGENCY and transfer_to:
            raise ValidationError({"transfer_to": _("Only an emergency is transferred to another line.")})

    return run_transition(
        ticket,
        name="reject",
        by=by,
        kind=EventKind.REJECT,
        arguments={"reason": reason, "transferred_to": transfer_to},
        validate=validate,
        note=note,
        payload={"reason": reason.value, **({"transfer_to": transfer_to} if transfer_to else {})},
    )


MERGEABLE_PARENT_STATES = tuple(s for s in TicketState if s not in TERMINAL_STATES)


@transaction.atomic
def ticket_merge(*, ticket: Ticket | int, by: User, parent: Ticket | int, note: str = "") -> Ticket:
    """并单: make a duplicate the child of an open parent ticket."""
    parent_pk = parent.pk if isinstance(parent, Ticket) else parent
    locked: dict[str, Ticket] = {}

    def validate(t: Ticket) -> None:
        if parent_pk == t.pk:
            raise ValidationError({"parent": _("A ticket cannot be merged into itself.")})
        row = Ticket.objects.select_for_update(of=("self",)).filter(pk=parent_pk).first()
        if row is None:
            raise ValidationError({"parent": _("No such ticket.")})
        if row.state not in MERGEABLE_PARENT_STATES:
            raise ValidationError({"parent": _("Merge only into an open ticket.")})
        locked["parent"] = row

    def tell_parent(t: Ticket, now: dt.datetime) -> dict[str, Any]:
        end_assignments(t, AssignmentEnd.MERGED, now)
        row = locked["parent"]
        record(
            row,
            EventKind.NOTE,
            by=by,
            from_state=row.state,
            to_state=row.state,
            note=_("Ticket %(number)s merged into this one.") % {"number": t.number},
            payload={"merged_child": t.number},
        )
        return {"parent": row.number}

    return run_transition(
        ticket,
        name="merge",
        by=by,
        kind=EventKind.MERGE,
        arguments={"parent_id": parent_pk},
        validate=validate,
        after=tell_parent,
        note=note,
    )


@transaction.atomic
def ticket_accept(*, ticket: Ticket | int, by: User, note: str = "") -> Ticket:
    """签收: the lead unit signs for the ticket."""

    def sign(t: Ticket, now: dt.datetime) -> None:
        lead = lead_assignment(t)
        if lead is not None:
            lead.signed_at = now
            clock_stop(lead, DeadlineClock.SIGN)
            if sla.policy_at(now).clock_starts == ClockStart.SIGN:
                clock_start(lead, DeadlineClock.HANDLE, urgency=t.urgency, start=now)
            lead.save()

    return run_transition(ticket, name="accept", by=by, kind=EventKind.ACCEPT, after=sign, note=note)


@transaction.atomic
def ticket_escalate(
    *, ticket: Ticket | int, by: User, note: str = "", payload: dict[str, Any] | None = None
) -> Ticket:
    """吹哨: move an accepted ticket to ``escalated`` (called by ``dispatch.services.whistle_raise``)."""
    return run_transition(ticket, name="whistle", by=by, kind=EventKind.WHISTLE, note=note, payload=payload)


@transaction.atomic
def ticket_deescalate(
    *, ticket: Ticket | int, by: User, note: str = "", payload: dict[str, Any] | None = None
) -> Ticket:
    """结束吹哨: back to ``accepted``; the summoned departments let go (called by
    ``dispatch.services.whistle_end``)."""
    return run_transition(
        ticket,
        name="end_whistle",
        by=by,
        kind=EventKind.END_WHISTLE,
        after=lambda t, now: end_summoned(t, now),
        note=note,
        payload=payload,
    )


@transaction.atomic
def ticket_reply(*, ticket: Ticket | int, by: User, result: str) -> Ticket:
    """办理反馈: the lead unit submits what it did; the ticket waits for callback. Replied while
    escalated, the summoned departments let go too (``dispatch`` closes the whistle record)."""

    def start_callback(t: Ticket, now: dt.datetime) -> None:
        protect_texts("result")(t, now)
        clock_start(t, DeadlineClock.CALLBACK, urgency=t.urgency, start=now)

    def stop_units(t: Ticket, now: dt.datetime) -> None:
        active_assignments(t).filter(role=AssignmentRole.LEAD).update(
            replied_at=now, **stopped_fields(DeadlineClock.HANDLE), **stopped_fields(DeadlineClock.SIGN)
        )
        # The result is in: assisting units' clocks stop (they hold the ticket until it closes).
        active_assignments(t).filter(role=AssignmentRole.ASSIST).update(
            **stopped_fields(DeadlineClock.HANDLE)
        )
        end_summoned(t, now)

    return run_transition(
        ticket,
        name="reply",
        by=by,
        kind=EventKind.REPLY,
        arguments={"result": result.strip()},
        validate=lambda t: _required("result", result, _("Describe what was done.")),
        prepare=start_callback,
        after=stop_units,
        note=result.strip(),
    )


@transaction.atomic
def ticket_close(
    *, ticket: Ticket | int, by: User, note: str = "", payload: dict[str, Any] | None = None
) -> Ticket:
    """办结: close a handled ticket once the callback is recorded."""
    return run_transition(
        ticket,
        name="close",
        by=by,
        kind=EventKind.CLOSE,
        prepare=lambda t, now: clock_stop(t, DeadlineClock.CALLBACK),
        after=lambda t, now: end_assignments(t, AssignmentEnd.CLOSED, now),
        note=note,
        payload=payload,
    )


@transaction.atomic
def ticket_reopen(
    *, ticket: Ticket | int, by: User, reason: str, payload: dict[str, Any] | None = None
) -> Ticket:
    """重办: send a handled ticket back to its lead unit; the rework count goes up."""

    def stop_callback(t: Ticket, now: dt.datetime) -> None:
        clock_stop(t, DeadlineClock.CALLBACK)
        t.callback_due_at = None

    def new_deadline(t: Ticket, now: dt.datetime) -> dict[str, Any]:
        lead = lead_assignment(t)
        if lead is not None:  # a new handling deadline for the rework
            lead.replied_at = None
            clock_start(lead, DeadlineClock.HANDLE, urgency=t.urgency, start=now)
            lead.save()
        return {"rework_count": t.rework_count}

    return run_transition(
        ticket,
        name="reopen",
        by=by,
        kind=EventKind.REOPEN,
        validate=lambda t: _required("reason", reason, _("Say what is still wrong.")),
        prepare=stop_callback,
        after=new_deadline,
        note=reason,
        payload=payload,
    )
