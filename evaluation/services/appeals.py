"""申诉: a unit appeals one ticket's assessment; an assessor decides, and an approved appeal
takes the ticket out of the rates (its period is recomputed)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.directory.choices import AssessmentGroup
from orders import clock
from orders import services as ticket_services
from orders.access import ticket_scope
from orders.exceptions import Conflict, TicketConflict
from orders.models import Ticket

from .. import selectors
from ..choices import (
    AppealReason,
    AppealStatus,
    CallbackOutcome,
    EvaluationEventKind,
)
from ..models import (
    Appeal,
    Callback,
)
from .freshness import periods_mark_stale


@transaction.atomic
def appeal_file(*, ticket: Ticket | int, by: User, reason: str, evidence: str) -> Appeal:
    """申诉: the assessed unit disputes a ticket's assessment within the scheme's window."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    locked = Ticket.objects.select_for_update(of=("self",)).get(pk=pk)
    if not by.has_perm("evaluation.file_appeal"):
        raise PermissionDenied(_("Your role may not do this."))
    callback = (
        Callback.objects.filter(ticket=locked, is_final=True)
        .exclude(outcome=CallbackOutcome.INHERITED)
        .first()
    )
    if callback is None or callback.unit_id is None:
        raise TicketConflict(_("Only a ticket with a recorded callback can be appealed."), code="no_callback")
    if callback.unit_id not in ticket_scope(by).handler_units:
        raise PermissionDenied(_("Only the assessed unit appeals its assessment."))
    if locked.assessment_exempt:
        raise TicketConflict(_("This ticket is already exempt from the assessment."), code="already_exempt")
    if Appeal.objects.filter(ticket=locked, status=AppealStatus.PENDING).exists():
        raise Conflict(
            _("An appeal for this ticket is already pending."), code="appeal_pending", subject="appeal"
        )
    assert callback.completed_at is not None
    scheme = selectors.scheme_for(callback.group, timezone.localdate(callback.completed_at))
    window = scheme.appeal_window_days
    if clock.now() > callback.completed_at + dt.timedelta(days=window):
        raise TicketConflict(
            _("The %(days)d days to appeal after the callback have passed.") % {"days": window},
            code="appeal_window_closed",
        )
    errors = {}
    if reason not in AppealReason.values:
        errors["reason"] = _("Choose a reason.")
    if not evidence.strip():
        errors["evidence"] = _("Give the evidence for the appeal.")
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(
        ticket=locked,
        callback=callback,
        unit_id=callback.unit_id,
        reason=reason,
        evidence=evidence.strip(),
        filed_by=by,
        filed_at=clock.now(),
    )
    ticket_services.ticket_event_add(
        ticket=locked,
        by=by,
        kind=EvaluationEventKind.APPEAL,
        note=evidence.strip(),
        payload={"reason": reason},
        unit_id=callback.unit_id,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal | int, by: User, approve: bool, note: str = "") -> Appeal:
    """申诉审核: an assessor approves (the ticket leaves the rates) or denies; the period is recomputed."""
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    appeal = Appeal.objects.select_for_update().select_related("callback").get(pk=pk)
    if not by.has_perm("evaluation.decide_appeal"):
        raise PermissionDenied(_("Only assessors decide appeals."))
    if appeal.status != AppealStatus.PENDING:
        raise Conflict(_("This appeal has been decided."), code="appeal_decided", subject="appeal")
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tell the unit why the appeal is denied.")})
    appeal.status = AppealStatus.APPROVED if approve else AppealStatus.DENIED
    appeal.decided_by, appeal.decided_at, appeal.decision_note = by, clock.now(), note.strip()
    appeal.save()
    if approve:
        ticket_services.ticket_assessment_exempt_set(ticket=appeal.ticket_id, by=by, exempt=True, note=note)
    ticket_services.ticket_event_add(
        ticket=appeal.ticket_id,
        by=by,
        kind=EvaluationEventKind.APPEAL_DECISION,
        note=note,
        payload={"approved": approve, "exempt": approve},
    )
    completed = appeal.callback.completed_at
    if approve and completed is not None:
        groups = {appeal.callback.group, AssessmentGroup.DISTRICT if appeal.callback.district_unit_id else ""}
        periods_mark_stale(groups={g for g in groups if g}, day=timezone.localdate(completed))
    return appeal
