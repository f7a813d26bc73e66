"""回访: a callback round on a handled ticket — reached or not, the answers, close or reopen."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.directory.choices import AssessmentGroup, UnitKind
from dispatch.directory.models import Membership, Unit
from orders import clock
from orders import services as ticket_services
from orders.choices import AssignmentRole, TicketState
from orders.models import Assignment, Ticket
from orders.personal_text import redact

from ..choices import (
    CallbackOutcome,
    EvaluationEventKind,
    Resolution,
    Satisfaction,
)
from ..models import (
    Callback,
    CallbackAttempt,
)
from .freshness import scores_mark_stale


def _assessed(ticket: Ticket) -> tuple[Unit | None, Unit | None, str]:
    """The unit a callback assesses (the lead), its district government, and its group."""
    lead = ticket.lead_unit
    if lead is None:
        return None, None, ""
    # The district-level ranking (16 districts and 经开区) counts the tickets of the district's own
    # government or administration and of every unit under it.
    if lead.assessment_group == AssessmentGroup.DISTRICT:
        district = lead
    elif lead.parent is not None and lead.parent.assessment_group == AssessmentGroup.DISTRICT:
        district = lead.parent
    else:
        district = None
    return lead, district, lead.assessment_group


@transaction.atomic
def callback_record(
    *,
    ticket: Ticket | int,
    by: User,
    reached: bool,
    contacted: bool | None = None,
    resolved: bool | None = None,
    resolution: str = "",
    satisfaction: str = "",
    notes: str = "",
    action: str = "close",
    reopen_reason: str = "",
) -> Callback:
    """回访: record one call about a handled ticket, then close it, reopen it, or (not reached) wait.

    After ``CALLBACK_MAX_ATTEMPTS`` unanswered calls the ticket closes with no valid callback. A
    reached caller's answers make a valid callback; the callback staff close the ticket, or send it
    back for rework (重办) when the caller says it is unresolved or is unsatisfied.
    """
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    if Ticket.objects.filter(pk=pk, caller__isnull=True).exists():
        raise PermissionDenied(
            _("This ticket has no caller to call back: a supervisor verifies work without a caller.")
        )
    locked = ticket_services.ticket_check(ticket=ticket, transition="close", by=by)
    if locked.is_anonymous and not _is_platform(by):
        # 匿名诉求: the caller trusted the hotline with their number, not a district or a unit.
        raise PermissionDenied(_("Anonymous callers are called back by the hotline centre only."))
    now = clock.now()
    lead, district, group = _assessed(Ticket.objects.select_related("lead_unit__parent").get(pk=locked.pk))
    callback, _created = Callback.objects.select_for_update().get_or_create(
        ticket=locked,
        round=locked.rework_count,
        defaults={"unit": lead, "district_unit": district, "group": group, "started_at": now},
    )
    callback.attempts += 1
    # what the caller said is masked where it names them or a number; as typed, it is in the
    # event's encrypted note (callback staff and agents read it there)
    shown = redact(notes, ticket_services.ticket_caller_names(locked))[0]
    CallbackAttempt.objects.create(callback=callback, at=now, by=by, reached=reached, note=shown[:500])
    if not reached:
        limit = settings.CALLBACK_MAX_ATTEMPTS
        ticket_services.ticket_event_add(
            ticket=locked,
            by=by,
            kind=EvaluationEventKind.CALLBACK_ATTEMPT,
            note=notes,
            payload={"attempt": callback.attempts, "of": limit, "reached": False},
        )
        if callback.attempts < limit:
            callback.save()
            return callback
        callback.outcome, callback.valid, callback.is_final = CallbackOutcome.UNREACHABLE, False, True
        callback.reached, callback.completed_at, callback.recorded_by = False, now, by
        callback.notes = shown
        callback.save()
        scores_mark_stale(callback)
        ticket_services.ticket_close(
            ticket=locked,
            by=by,
            note=_("Caller unreachable after %(n)d calls.") % {"n": limit},
            payload={"callback": "unreachable", "attempts": callback.attempts},
        )
        _share_with_children(locked, callback, by)
        return callback

    errors: dict[str, str] = {}
    if not resolution and resolved is not None:
        resolution = Resolution.RESOLVED if resolved else Resolution.UNRESOLVED
    if contacted is None:
        errors["contacted"] = _("Ask whether the unit contacted the caller.")
    if resolution not in Resolution.values:
        errors["resolution"] = _("Ask whether the matter is resolved.")
    resolved = resolution in (Resolution.RESOLVED, Resolution.BASIC)
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = _("Ask how satisfied the caller is.")
    if action not in ("close", "reopen"):
        errors["action"] = _("Close the ticket or send it back for rework.")
    elif action == "reopen":
        if resolution == Resolution.RESOLVED and satisfaction != Satisfaction.UNSATISFIED:
            errors["action"] = _(
                "Only an unresolved matter or an unsatisfied caller is sent back for rework."
            )
        if not reopen_reason.strip():
            errors["reopen_reason"] = _("Say what is still wrong.")
    if errors:
        raise ValidationError(errors)
    callback.reached, callback.valid = True, True
    callback.contacted, callback.resolved, callback.satisfaction = contacted, resolved, satisfaction
    callback.resolution = resolution
    callback.notes, callback.completed_at, callback.recorded_by = shown, now, by
    answers = {
        "contacted": contacted,
        "resolved": resolved,
        "resolution": resolution,
        "satisfaction": satisfaction,
    }
    _check_against_record(locked, callback, by)
    if action == "reopen":
        callback.outcome, callback.is_final = CallbackOutcome.REOPENED, False
        callback.save()
        ticket_services.ticket_reopen(
            ticket=locked, by=by, reason=reopen_reason, payload={"callback": answers}
        )
        return callback
    callback.outcome, callback.is_final = CallbackOutcome.CLOSED, True
    callback.save()
    scores_mark_stale(callback)
    ticket_services.ticket_close(ticket=locked, by=by, note=notes, payload={"callback": answers})
    _share_with_children(locked, callback, by)
    return callback


def _check_against_record(ticket: Ticket, callback: Callback, by: User) -> None:
    """先行联系 vs the caller's word: the caller says nobody contacted them, but the unit recorded a
    first contact — flagged for review (the answer still counts as given)."""
    if callback.contacted is not False or callback.unit_id is None:
        return
    recorded = (
        Assignment.objects.filter(
            ticket=ticket, unit_id=callback.unit_id, role=AssignmentRole.LEAD, first_contact_at__isnull=False
        )
        .order_by("-assigned_at")
        .values_list("first_contact_at", flat=True)
        .first()
    )
    if recorded is None:
        return
    callback.contradicts_record = True
    ticket_services.ticket_event_add(
        ticket=ticket,
        by=by,
        kind=EvaluationEventKind.CONTRADICTION,
        note=_("The caller says nobody contacted them; the unit recorded a contact at %(at)s.")
        % {"at": timezone.localtime(recorded).strftime("%Y-%m-%d %H:%M")},
        payload={"first_contact_at": recorded.isoformat()},
        unit_id=callback.unit_id,
    )


def _is_platform(user: User) -> bool:
    return bool(
        user.is_superuser
        or Membership.objects.filter(user=user, is_active=True, unit__kind=UnitKind.HOTLINE_CENTRE).exists()
    )


def _share_with_children(parent: Ticket, callback: Callback, by: User) -> None:
    """并单: merged children share the parent's outcome (shown on them; counted once, on the parent)."""
    for child in Ticket.objects.filter(parent=parent, state=TicketState.MERGED):
        Callback.objects.update_or_create(
            ticket=child,
            round=child.rework_count,
            defaults={
                "unit": callback.unit,
                "district_unit": callback.district_unit,
                "group": callback.group,
                "reached": callback.reached,
                "valid": callback.valid,
                "contacted": callback.contacted,
                "resolved": callback.resolved,
                "resolution": callback.resolution,
                "satisfaction": callback.satisfaction,
                "outcome": CallbackOutcome.INHERITED,
                "is_final": True,
                "inherited_from": callback,
                "recorded_by": by,
                "completed_at": callback.completed_at,
                "notes": callback.notes,
            },
        )
