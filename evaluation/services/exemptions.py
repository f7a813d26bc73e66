"""不纳入考评: at intake or dispatch a ticket is proposed for exclusion from the assessment with a
reason (an unreasonable demand, beyond policy …); an assessor decides. Approved, the ticket is exempt
(``orders.services.ticket_assessment_exempt_set``) and its periods are refreshed."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.directory.choices import AssessmentGroup
from orders import clock
from orders import services as ticket_services
from orders.choices import TicketState
from orders.exceptions import Conflict, TicketConflict
from orders.models import Ticket

from ..choices import AppealStatus, EvaluationEventKind, ExemptionReason
from ..models import Callback, ExemptionRequest
from .freshness import periods_mark_stale

FINISHED = (TicketState.REJECTED, TicketState.ANSWERED, TicketState.MERGED)


@transaction.atomic
def exemption_request(*, ticket: Ticket | int, by: User, reason: str, note: str) -> ExemptionRequest:
    """申请不纳入考评: an agent at intake or a dispatcher proposes it, with the reason."""
    if not by.has_perm("evaluation.request_exemption"):
        raise PermissionDenied(_("Your role may not do this."))
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    locked = Ticket.objects.select_for_update(of=("self",)).get(pk=pk)
    if locked.state in FINISHED:
        raise TicketConflict(
            _("A refused, answered or merged ticket is not assessed anyway."), code="not_assessed"
        )
    if locked.assessment_exempt:
        raise TicketConflict(_("This ticket is already exempt from the assessment."), code="already_exempt")
    if ExemptionRequest.objects.filter(ticket=locked, status=AppealStatus.PENDING).exists():
        raise Conflict(
            _("An exemption request for this ticket is already pending."),
            code="exemption_pending",
            subject="exemption",
        )
    errors = {}
    if reason not in ExemptionReason.values:
        errors["reason"] = _("Choose a reason.")
    if not note.strip():
        errors["note"] = _("Explain why the ticket should not be assessed.")
    if errors:
        raise ValidationError(errors)
    request = ExemptionRequest.objects.create(
        ticket=locked, reason=reason, note=note.strip(), requested_by=by, requested_at=clock.now()
    )
    ticket_services.ticket_event_add(
        ticket=locked,
        by=by,
        kind=EvaluationEventKind.EXEMPTION_REQUEST,
        note=note.strip(),
        payload={"reason": reason},
    )
    return request


@transaction.atomic
def exemption_decide(
    *, request: ExemptionRequest | int, by: User, approve: bool, note: str = ""
) -> ExemptionRequest:
    """不纳入考评审核: an assessor approves (the ticket leaves the rates) or denies with a note."""
    pk = request.pk if isinstance(request, ExemptionRequest) else request
    row = ExemptionRequest.objects.select_for_update().get(pk=pk)
    if not by.has_perm("orders.set_assessment_exempt"):
        raise PermissionDenied(_("Only assessors decide exemptions."))
    if row.status != AppealStatus.PENDING:
        raise Conflict(_("This request has been decided."), code="exemption_decided", subject="exemption")
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the ticket stays in the assessment.")})
    row.status = AppealStatus.APPROVED if approve else AppealStatus.DENIED
    row.decided_by, row.decided_at, row.decision_note = by, clock.now(), note.strip()
    row.save()
    if approve:
        reason = f"{row.get_reason_display()}：{row.note}" + (f"（{note.strip()}）" if note.strip() else "")
        ticket_services.ticket_assessment_exempt_set(ticket=row.ticket_id, by=by, exempt=True, note=reason)
    ticket_services.ticket_event_add(
        ticket=row.ticket_id,
        by=by,
        kind=EvaluationEventKind.EXEMPTION_DECISION,
        note=note.strip(),
        payload={"approved": approve},
    )
    if approve:
        for callback in Callback.objects.filter(ticket_id=row.ticket_id, completed_at__isnull=False):
            groups = {callback.group, AssessmentGroup.DISTRICT if callback.district_unit_id else ""}
            periods_mark_stale(groups={g for g in groups if g}, day=timezone.localdate(callback.completed_at))
    return row
