"""退单: the lead unit asks to give a mis-dispatched ticket back; the hotline approves or denies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.directory.models import Unit

from .. import sla
from ..choices import AssignmentEnd, AssignmentRole, DeadlineClock, EventKind, ReturnDecision, ReturnReason
from ..deadline_clocks import clock_resume, clock_start, stopped_fields
from ..exceptions import TicketConflict
from ..models import ReturnRequest, Ticket
from .assignments import active_assignments, end_assignments, lead_assignment
from .transitions import run_transition


@transaction.atomic
def ticket_request_return(
    *, ticket: Ticket | int, by: User, reason: str, note: str, suggested_unit: Unit | None = None
) -> Ticket:
    """申请退单: the lead unit asks to give the ticket back, with a reason code."""
    reason = ReturnReason(reason)

    def file(t: Ticket, now: dt.datetime) -> None:
        assert t.lead_unit is not None  # guaranteed by the has_lead_unit condition
        # While the hotline decides, the ball is not with the unit: its escalations pause.
        active_assignments(t).filter(role=AssignmentRole.LEAD).update(
            **stopped_fields(DeadlineClock.SIGN), **stopped_fields(DeadlineClock.HANDLE)
        )
        ReturnRequest.objects.create(
            ticket=t,
            unit=t.lead_unit,
            reason=reason,
            note=note.strip(),
            suggested_unit=suggested_unit,
            requested_by=by,
            requested_at=now,
        )

    def validate(t: Ticket) -> None:
        if not note.strip():
            raise ValidationError({"note": _("Explain why the ticket is not your unit's.")})

    return run_transition(
        ticket,
        name="request_return",
        by=by,
        kind=EventKind.REQUEST_RETURN,
        validate=validate,
        after=file,
        note=note,
        payload={"reason": reason.value, "suggested_unit": suggested_unit.code if suggested_unit else None},
    )


def _pending_return(ticket: Ticket) -> ReturnRequest:
    request = (
        ReturnRequest.objects.select_for_update()
        .filter(ticket=ticket, decision=ReturnDecision.PENDING)
        .first()
    )
    if request is None:  # state and request always change together; this would be a data error
        raise TicketConflict(_("No pending return request."), code="no_pending_return")
    return request


def _decide(request: ReturnRequest, decision: str, by: User, at: dt.datetime, note: str) -> None:
    request.decision, request.decided_by, request.decided_at, request.review_note = decision, by, at, note
    request.save()


@transaction.atomic
def ticket_approve_return(*, ticket: Ticket | int, by: User, note: str = "") -> Ticket:
    """同意退单: the ticket goes back to ``received``; the returning unit is not chosen again."""
    pending: dict[str, Any] = {}

    def validate(t: Ticket) -> None:
        pending["request"] = _pending_return(t)
        pending["unit"] = t.lead_unit.code if t.lead_unit else None

    def release(t: Ticket, now: dt.datetime) -> dict[str, Any]:
        request = pending["request"]
        _decide(request, ReturnDecision.APPROVED, by, now, note)
        # The lead returned the ticket; the other units let go of it too (it is dispatched afresh).
        active_assignments(t).filter(role=AssignmentRole.LEAD).update(
            ended_at=now, end_reason=AssignmentEnd.RETURNED
        )
        end_assignments(t, AssignmentEnd.REASSIGNED, now)
        return {"returned_by": pending["unit"], "reason": request.reason}

    def due_again(t: Ticket, now: dt.datetime) -> None:
        t.dispatch_due_at = now + sla.policy_at(now).dispatch_within  # back with the hotline

    return run_transition(
        ticket,
        name="approve_return",
        by=by,
        kind=EventKind.APPROVE_RETURN,
        validate=validate,
        prepare=due_again,
        after=release,
        note=note,
    )


@transaction.atomic
def ticket_deny_return(*, ticket: Ticket | int, by: User, note: str) -> Ticket:
    """驳回退单: the unit keeps the ticket and signs for it again."""
    pending: dict[str, ReturnRequest] = {}

    def validate(t: Ticket) -> None:
        if not note.strip():
            raise ValidationError({"note": _("Tell the unit why it keeps the ticket.")})
        pending["request"] = _pending_return(t)

    def keep(t: Ticket, now: dt.datetime) -> dict[str, Any]:
        request = pending["request"]
        _decide(request, ReturnDecision.DENIED, by, now, note)
        lead = lead_assignment(t)
        if lead is not None:  # the unit signs again, from now; its handling clock runs on
            lead.signed_at = None
            clock_start(lead, DeadlineClock.SIGN, urgency=t.urgency, start=now)
            if lead.handle_started_at is not None:
                clock_resume(lead, DeadlineClock.HANDLE, start=lead.handle_started_at, now=now)
            lead.save()
        return {"reason": request.reason}

    return run_transition(
        ticket,
        name="deny_return",
        by=by,
        kind=EventKind.DENY_RETURN,
        validate=validate,
        after=keep,
        note=note,
    )
