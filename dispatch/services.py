"""Writers of the directory and of dispatch: memberships, routed dispatch, returns, whistles.

Ticket state changes go through ``orders.services``; this module decides *which* unit (routing)
and keeps the whistle records (吹哨报到) beside the ticket.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.choices import AutoDispatchFailureReason, WhistleCloseReason, WhistleGrade, WhistleStatus
from dispatch.directory.choices import MembershipRole, UnitKind
from dispatch.directory.models import Unit
from dispatch.directory.services import membership_grant
from dispatch.models import AutoDispatchFailure, Whistle, WhistleSummons
from dispatch.selectors import route_for
from orders import clock, sla
from orders import services as ticket_services
from orders.access import ticket_scope
from orders.choices import DeadlineClock, EventKind, TicketState
from orders.deadline_clocks import clock_start, clock_stop, stopped_fields
from orders.exceptions import TicketConflict
from orders.models import Ticket
from orders.selectors import units_with_approved_return

from .routing import Decision

logger = logging.getLogger(__name__)

SYSTEM_USERNAME = "hotline-system"
AUTO_DISPATCH_MAX_BACKOFF = dt.timedelta(hours=1)
SUMMONABLE_KINDS = (UnitKind.DISTRICT_DEPARTMENT, UnitKind.MUNICIPAL_DEPARTMENT, UnitKind.ENTERPRISE)


def system_user() -> User:
    """The account automatic steps act as (auto-dispatch): a dispatcher of the hotline centre.

    It cannot sign in (unusable password); its name on an event says the system did it.
    """
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, first_name="系统自动派单")
        user.set_unusable_password()
        user.save()
        membership_grant(
            user=user, unit=Unit.objects.get(code=settings.HOTLINE_UNIT_CODE), role=MembershipRole.DISPATCHER
        )
    return user


# ----------------------------------------------------------------------------------- routing


def ticket_route_suggest(*, ticket: Ticket) -> Decision:
    """The unit the catalog names for this ticket now, excluding units whose return was approved."""
    return route_for(
        category=ticket.category, region=ticket.region, exclude=units_with_approved_return(ticket=ticket)
    )


@transaction.atomic
def ticket_route_dispatch(
    *,
    ticket: Ticket,
    by: User,
    lead_unit: Unit | None = None,
    assist_units: Sequence[Unit] | None = None,
    override_reason: str = "",
    note: str = "",
) -> Ticket:
    """派单 with the routing suggestion, or an override of it with a recorded reason.

    Without ``lead_unit`` the suggestion is taken as it is (lead and assists). A different lead
    unit is an override and needs ``override_reason``.
    """
    ticket = ticket_services.ticket_check(ticket=ticket, transition="dispatch", by=by)
    decision = ticket_route_suggest(ticket=ticket)
    route = decision.as_payload()
    if lead_unit is None:
        if decision.lead is None:
            raise ValidationError({"lead_unit": decision.explanation})
        lead_unit = Unit.objects.get(pk=decision.lead.id)
        if assist_units is None:
            assist_units = list(Unit.objects.filter(pk__in=[u.id for u in decision.assists]))
    overridden = decision.lead is None or lead_unit.pk != decision.lead.id
    if overridden and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": _("The suggested lead unit is %(unit)s; say why you choose another.")
                % {"unit": decision.lead.name if decision.lead else _("none")}
            }
        )
    payload: dict[str, Any] = {"route": route, "overridden": overridden}
    if overridden:
        payload["override_reason"] = override_reason.strip()
    return ticket_services.ticket_dispatch(
        ticket=ticket,
        by=by,
        lead_unit=lead_unit,
        assist_units=list(assist_units or []),
        note=note or (override_reason if overridden else ""),
        payload=payload,
    )


def ticket_auto_dispatch(*, ticket_id: int) -> Ticket | None:
    """Dispatch a received ticket of an auto-dispatch category by its route, as the system.

    Idempotent: a ticket no longer ``received`` (dispatched by someone, answered, merged …) is left
    alone. One the catalog cannot place — no unit, or only the fallback (a judgement call for a
    dispatcher, not for the machine) — is recorded with why, for the dispatcher's list. Returns the
    ticket if it was dispatched.
    """
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("category", "region")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None or ticket.state != TicketState.RECEIVED or not ticket.category.auto_dispatch:
            return None
        decision = ticket_route_suggest(ticket=ticket)
        if decision.lead is None or decision.fallback:
            reason = (
                AutoDispatchFailureReason.NO_ROUTE
                if decision.lead is None
                else AutoDispatchFailureReason.FALLBACK
            )
            _auto_dispatch_failure_record(ticket_id, reason, decision.explanation)
            return None
        dispatched = ticket_route_dispatch(
            ticket=ticket, by=system_user(), note=_("Dispatched automatically by the catalog.")
        )
        AutoDispatchFailure.objects.filter(ticket_id=ticket_id).delete()
        return dispatched


def ticket_auto_dispatch_isolated(*, ticket_id: int) -> Ticket | None:
    """``ticket_auto_dispatch`` that never raises: a failure (any reason) is logged, recorded with
    its reason for the dispatcher, and retried later; its transaction is rolled back whole."""
    try:
        return ticket_auto_dispatch(ticket_id=ticket_id)
    except Exception as error:  # one bad ticket must not stop the others
        detail = _error_text(error)
        logger.warning("auto-dispatch of ticket %s failed: %s", ticket_id, detail, exc_info=True)
        with transaction.atomic():
            if Ticket.objects.filter(pk=ticket_id, state=TicketState.RECEIVED).exists():
                _auto_dispatch_failure_record(ticket_id, AutoDispatchFailureReason.ERROR, detail)
        return None


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        return "; ".join(
            f"{field}: {' '.join(map(str, texts))}" if field else " ".join(map(str, texts))
            for field, texts in messages.items()
        )
    return f"{type(error).__name__}: {error}"[:2000]


def _auto_dispatch_failure_record(ticket_id: int, reason: str, detail: str) -> AutoDispatchFailure:
    """Upsert the ticket's failure row; the next attempt backs off (2, 4, 8 … minutes, at most 1 h)."""
    now = clock.now()
    row = AutoDispatchFailure.objects.select_for_update().filter(ticket_id=ticket_id).first()
    if row is None:
        row = AutoDispatchFailure(ticket_id=ticket_id, first_failed_at=now, attempts=0)
    row.attempts += 1
    row.reason, row.detail, row.last_failed_at = reason, str(detail)[:2000], now
    row.next_attempt_at = now + min(AUTO_DISPATCH_MAX_BACKOFF, dt.timedelta(minutes=2**row.attempts))
    row.save()
    return row


def tickets_auto_dispatch_pending(*, older_than: dt.timedelta, limit: int = 500) -> int:
    """Dispatch auto-dispatch tickets whose task message was lost (broker down, worker crash), and
    retry earlier failures whose back-off has passed — each ticket on its own, so that one failing
    ticket never holds up the rest.

    The database says what is pending; the message was only a hint. Returns how many were dispatched.
    """
    now = clock.now()
    cutoff = now - older_than
    # Failures of tickets someone has since dispatched, answered or merged are no longer pending.
    AutoDispatchFailure.objects.exclude(ticket__state=TicketState.RECEIVED).delete()
    pending = list(
        Ticket.objects.filter(
            state=TicketState.RECEIVED, category__auto_dispatch=True, created_at__lte=cutoff
        )
        .exclude(auto_dispatch_failure__next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in pending if ticket_auto_dispatch_isolated(ticket_id=pk) is not None)


@transaction.atomic
def ticket_return_approve(*, ticket: Ticket, by: User, note: str = "", redispatch: bool = False) -> Ticket:
    """同意退单, and optionally dispatch again at once by the route (which excludes the returning unit)."""
    ticket = ticket_services.ticket_approve_return(ticket=ticket, by=by, note=note)
    if redispatch:
        decision = ticket_route_suggest(ticket=ticket)
        if decision.lead is not None:
            ticket = ticket_route_dispatch(
                ticket=ticket, by=by, note=_("Dispatched again after an approved return.")
            )
    return ticket


# ---------------------------------------------------------------------------------- whistles


def report_deadline(grade: str, raised_at: dt.datetime) -> dt.datetime:
    """报到时限: the hours the SLA policy gives for the whistle's grade."""
    hours = sla.policy_at(raised_at).whistle_hours[WhistleGrade(grade)]
    return raised_at + dt.timedelta(hours=hours)


@transaction.atomic
def whistle_raise(
    *, ticket: Ticket, by: User, grade: str, reason: str, departments: Sequence[Unit]
) -> Whistle:
    """街乡吹哨: the lead street office summons departments; the ticket becomes ``escalated``."""
    ticket = ticket_services.ticket_check(ticket=ticket, transition="whistle", by=by)
    grade = WhistleGrade(grade)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say what the street cannot solve alone.")
    if not departments:
        errors["departments"] = _("Summon at least one department.")
    wrong = [u.name for u in departments if u.kind not in SUMMONABLE_KINDS or not u.is_active]
    if wrong:
        errors["departments"] = _(
            "Only departments and public-service enterprises are summoned: %s"
        ) % "、".join(wrong)
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    ticket = ticket_services.ticket_escalate(
        ticket=ticket,
        by=by,
        note=reason.strip(),
        payload={"grade": grade.value, "departments": [u.code for u in departments]},
    )
    assert ticket.lead_unit is not None  # a whistle needs a lead street office (transition permission)
    whistle = Whistle.objects.create(
        ticket=ticket,
        street_unit=ticket.lead_unit,
        grade=grade,
        reason=reason.strip(),
        raised_by=by,
        raised_at=now,
    )
    summons = []
    for unit in {u.pk: u for u in departments}.values():
        row = WhistleSummons(whistle=whistle, unit=unit)
        clock_start(
            row, DeadlineClock.REPORT, urgency=ticket.urgency, start=now, due=report_deadline(grade, now)
        )
        summons.append(row)
    WhistleSummons.objects.bulk_create(summons)
    return whistle


def _open_whistle(ticket: Ticket) -> Whistle:
    whistle = Whistle.objects.select_for_update().filter(ticket=ticket, status=WhistleStatus.OPEN).first()
    if whistle is None:
        raise TicketConflict(_("The ticket has no open whistle."), code="no_open_whistle")
    return whistle


@transaction.atomic
def whistle_end(*, ticket: Ticket, by: User, note: str = "") -> Whistle:
    """结束吹哨: the departments have done their part; the street goes on handling the ticket."""
    ticket = ticket_services.ticket_deescalate(ticket=ticket, by=by, note=note)
    whistle = _open_whistle(ticket)
    whistle.status, whistle.closed_at, whistle.closed_by = WhistleStatus.CLOSED, clock.now(), by
    whistle.close_reason, whistle.close_note = WhistleCloseReason.ENDED, note
    whistle.save()
    whistle.summons.update(**stopped_fields(DeadlineClock.REPORT))
    return whistle


def whistles_close_on_reply(ticket: Ticket, at: dt.datetime) -> None:
    """A ticket replied while escalated ends its open whistle (registered as an orders reply hook)."""
    open_whistles = Whistle.objects.filter(ticket=ticket, status=WhistleStatus.OPEN)
    WhistleSummons.objects.filter(whistle__in=open_whistles).update(**stopped_fields(DeadlineClock.REPORT))
    open_whistles.update(status=WhistleStatus.CLOSED, closed_at=at, close_reason=WhistleCloseReason.REPLIED)


def _summons_locked(summons: WhistleSummons | int) -> WhistleSummons:
    pk = summons.pk if isinstance(summons, WhistleSummons) else summons
    return (
        WhistleSummons.objects.select_for_update(of=("self",))
        .select_related("whistle__ticket", "whistle__street_unit", "unit")
        .get(pk=pk)
    )


@transaction.atomic
def whistle_report(
    *, summons: WhistleSummons | int, by: User, note: str, arrived_on_site: bool | None = None
) -> WhistleSummons:
    """部门报到: a summoned department records what it did (on time or late: the deadline says)."""
    summons = _summons_locked(summons)
    if not by.has_perm("dispatch.report_whistle") or summons.unit_id not in ticket_scope(by).handler_units:
        raise PermissionDenied(_("Only the summoned unit reports to this whistle."))
    if summons.reported_at is not None:
        raise TicketConflict(_("This department has already reported."), code="already_reported")
    if summons.whistle.status != WhistleStatus.OPEN:
        raise TicketConflict(_("The whistle has ended."), code="whistle_closed")
    if not note.strip():
        raise ValidationError({"note": _("Describe what the department did.")})
    now = clock.now()
    summons.reported_at, summons.reported_by, summons.report_note = now, by, note.strip()
    summons.arrived_on_site = arrived_on_site
    clock_stop(summons, DeadlineClock.REPORT)
    summons.save()
    ticket_services.ticket_event_add(
        ticket=summons.whistle.ticket,
        by=by,
        kind=EventKind.WHISTLE_REPORT,
        note=note.strip(),
        unit_id=summons.unit_id,
        payload={
            "unit": summons.unit.code,
            "on_time": now <= summons.report_by,
            "arrived_on_site": arrived_on_site,
        },
    )
    return summons


@transaction.atomic
def whistle_rate(
    *, summons: WhistleSummons | int, by: User, rating: int, comment: str = ""
) -> WhistleSummons:
    """吹哨报到双考核: the whistling street rates a department's response (1–5)."""
    summons = _summons_locked(summons)
    street = summons.whistle.street_unit
    if not by.has_perm("orders.whistle_ticket") or street.pk not in ticket_scope(by).handler_units:
        raise PermissionDenied(_("Only the street office that blew the whistle rates the departments."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    if summons.reported_at is None and clock.now() < summons.report_by:
        raise TicketConflict(
            _("Rate a department after it has reported or its deadline has passed."),
            code="not_yet_reportable",
        )
    if summons.rating is not None:
        raise TicketConflict(_("This department has already been rated."), code="already_rated")
    summons.rating, summons.rating_comment, summons.rated_at, summons.rated_by = (
        rating,
        comment.strip(),
        clock.now(),
        by,
    )
    summons.save()
    ticket_services.ticket_event_add(
        ticket=summons.whistle.ticket,
        by=by,
        kind=EventKind.WHISTLE_RATING,
        note=comment.strip(),
        unit_id=street.pk,
        payload={"unit": summons.unit.code, "rating": rating},
    )
    return summons
