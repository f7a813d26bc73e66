"""延期: the lead unit asks for a later handling deadline; a dispatcher or its supervisor decides."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import clock, sla
from ..access import ticket_scope
from ..choices import DeadlineClock, EventKind, ExtensionDecision, TicketState
from ..deadline_clocks import clock_due_set, clock_resume
from ..exceptions import TicketConflict, transition_not_allowed
from ..models import Assignment, ExtensionRequest, Ticket
from .assignments import lead_assignment
from .events import notify
from .transitions import lock, record


@transaction.atomic
def ticket_extension_request(
    *, ticket: Ticket | int, by: User, reason: str, proposed_due_at: dt.datetime
) -> ExtensionRequest:
    """延期申请: the lead unit asks, before its handling deadline, for a later one."""
    ticket = lock(ticket)
    if not by.has_perm("orders.request_extension"):
        raise PermissionDenied(_("Your role may not do this."))
    if ticket.state not in (TicketState.DISPATCHED, TicketState.ACCEPTED, TicketState.ESCALATED):
        raise transition_not_allowed(_("ask for an extension"), ticket.get_state_display())
    if ticket.lead_unit_id is None or ticket.lead_unit_id not in ticket_scope(by).handler_units:
        raise PermissionDenied(_("This ticket is not your unit's to act on."))
    lead = lead_assignment(ticket)
    now = clock.now()
    if lead is None or lead.handle_due_at is None:
        raise TicketConflict(_("The handling clock has not started yet."), code="no_handling_deadline")
    if now >= lead.handle_due_at:
        raise TicketConflict(
            _("Ask for an extension before the deadline, not after it."), code="deadline_passed"
        )
    if ExtensionRequest.objects.filter(ticket=ticket, decision=ExtensionDecision.PENDING).exists():
        raise TicketConflict(
            _("An extension request is already waiting for a decision."), code="extension_pending"
        )
    allowed = sla.policy_at(now).max_extensions
    granted = ExtensionRequest.objects.filter(ticket=ticket, decision=ExtensionDecision.APPROVED).count()
    if granted >= allowed:
        raise TicketConflict(
            _("This ticket has had the %(n)d extension(s) the policy allows.") % {"n": allowed},
            code="extensions_exhausted",
        )
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why more time is needed.")
    if proposed_due_at <= lead.handle_due_at:
        errors["proposed_due_at"] = _("Propose a deadline later than the current one.")
    if errors:
        raise ValidationError(errors)
    request = ExtensionRequest.objects.create(
        ticket=ticket,
        assignment=lead,
        unit_id=lead.unit_id,
        reason=reason.strip(),
        current_due_at=lead.handle_due_at,
        proposed_due_at=proposed_due_at,
        requested_by=by,
        requested_at=now,
    )
    record(
        ticket,
        EventKind.EXTENSION_REQUEST,
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=reason,
        payload={
            "current_due_at": lead.handle_due_at.isoformat(),
            "proposed_due_at": proposed_due_at.isoformat(),
        },
    )
    return request


@transaction.atomic
def ticket_extension_decide(
    *, ticket: Ticket | int, by: User, approve: bool, note: str = "", due_at: dt.datetime | None = None
) -> ExtensionRequest:
    """延期审核: a dispatcher, or a supervisor of the lead unit, approves (moving the deadline) or denies."""
    ticket = lock(ticket)
    scope = ticket_scope(by)
    if not by.has_perm("orders.decide_extension"):
        raise PermissionDenied(_("Your role may not do this."))
    if not scope.everything and ticket.lead_unit_id not in scope.supervised_units:
        raise PermissionDenied(_("Only a dispatcher or the lead unit's supervisor decides."))
    request = (
        ExtensionRequest.objects.select_for_update()
        .filter(ticket=ticket, decision=ExtensionDecision.PENDING)
        .first()
    )
    if request is None:
        raise TicketConflict(
            _("No extension request is waiting for a decision."), code="no_pending_extension"
        )
    now = clock.now()
    lead = Assignment.objects.select_for_update().get(pk=request.assignment_id)
    if approve:
        granted = due_at or request.proposed_due_at
        if lead.handle_due_at is not None and granted <= lead.handle_due_at:
            raise ValidationError({"due_at": _("The new deadline must be later than the current one.")})
        clock_due_set(lead, DeadlineClock.HANDLE, due=granted)
        lead.extensions_granted += 1
        if lead.ended_at is None and lead.replied_at is None and lead.handle_started_at is not None:
            clock_resume(lead, DeadlineClock.HANDLE, start=lead.handle_started_at, now=now)
        lead.save()
        request.decision, request.granted_due_at = ExtensionDecision.APPROVED, granted
    else:
        if not note.strip():
            raise ValidationError({"note": _("Tell the unit why the extension is denied.")})
        request.decision = ExtensionDecision.DENIED
    request.decided_by, request.decided_at, request.review_note = by, now, note.strip()
    request.save()
    kind = EventKind.EXTENSION_APPROVE if approve else EventKind.EXTENSION_DENY
    payload = {"granted_due_at": request.granted_due_at.isoformat()} if request.granted_due_at else {}
    record(ticket, kind, by=by, from_state=ticket.state, to_state=ticket.state, note=note, payload=payload)
    title = (
        _("Extension approved for ticket %(number)s: new deadline %(due)s")
        % {"number": ticket.number, "due": timezone.localtime(request.granted_due_at).strftime("%m-%d %H:%M")}
        if approve and request.granted_due_at
        else _("Extension denied for ticket %(number)s") % {"number": ticket.number}
    )
    notify(request.unit_id, ticket, f"extension_{request.decision}", title, note.strip())
    return request
