"""街乡吹哨、部门报到: a street office leading a ticket summons departments, which must report by a
deadline; the street rates each department's response (the double assessment).

The whistle and its summons are dispatch's records. The ticket's side goes through ``orders``: the
ticket becomes ``escalated``, and each summoned department holds a ``summoned`` assignment — the
ticket is in its scope, and its report deadline runs on that row (swept like any other clock). A
whistle ends by ``whistle_end``, or with the result (``ticket_reply``), both dispatch's steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.choices import DispatchEventKind, WhistleCloseReason, WhistleGrade, WhistleStatus
from dispatch.directory.choices import UnitKind
from dispatch.directory.models import Region, Unit
from dispatch.models import Whistle, WhistleSummons
from orders import clock, sla
from orders import services as ticket_services
from orders.access import ticket_scope
from orders.choices import AssignmentRole, TicketState
from orders.exceptions import Conflict
from orders.models import Ticket

SUMMONABLE_KINDS = (UnitKind.DISTRICT_DEPARTMENT, UnitKind.MUNICIPAL_DEPARTMENT, UnitKind.ENTERPRISE)


def summon_district(ticket: Ticket) -> Region | None:
    """The district whose departments a whistle may summon: the lead street office's (the ticket's
    own district when no street office leads)."""
    lead = ticket.lead_unit
    if lead is not None and lead.kind == UnitKind.STREET_OFFICE and lead.region.parent_id is not None:
        return lead.region.parent
    return ticket.district


def report_deadline(grade: str, raised_at: dt.datetime) -> dt.datetime:
    """报到时限: the hours the SLA policy gives for the whistle's grade."""
    hours = sla.policy_at(raised_at).whistle_hours[WhistleGrade(grade)]
    return raised_at + dt.timedelta(hours=hours)


def _conflict(message: str, code: str) -> Conflict:
    return Conflict(message, code=code, subject="whistle")


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
    district = summon_district(ticket)
    elsewhere = [
        u.name
        for u in departments
        if u.kind == UnitKind.DISTRICT_DEPARTMENT and district is not None and u.region_id != district.pk
    ]
    if elsewhere and not wrong:
        errors["departments"] = _(
            "A street summons its own district's departments and the city-wide ones, not: %s"
        ) % "、".join(elsewhere)
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
    summoned = list({u.pk: u for u in departments}.values())
    due = report_deadline(grade, now)
    WhistleSummons.objects.bulk_create(
        WhistleSummons(whistle=whistle, unit=unit, report_by=due) for unit in summoned
    )
    ticket_services.assignments_summon(ticket=ticket, units=summoned, by=by, at=now, due=due)
    return whistle


def _close_open_whistles(ticket: Ticket, *, reason: str, by: User | None, note: str = "") -> int:
    return Whistle.objects.filter(ticket=ticket, status=WhistleStatus.OPEN).update(
        status=WhistleStatus.CLOSED, closed_at=clock.now(), closed_by=by, close_reason=reason, close_note=note
    )


@transaction.atomic
def whistle_end(*, ticket: Ticket, by: User, note: str = "") -> Whistle:
    """结束吹哨: the departments have done their part; the street goes on handling the ticket."""
    ticket = ticket_services.ticket_deescalate(ticket=ticket, by=by, note=note)
    whistle = Whistle.objects.select_for_update().filter(ticket=ticket, status=WhistleStatus.OPEN).first()
    if whistle is None:  # state and whistle change together; this would be a data error
        raise _conflict(_("The ticket has no open whistle."), "no_open_whistle")
    whistle.status, whistle.closed_at, whistle.closed_by = WhistleStatus.CLOSED, clock.now(), by
    whistle.close_reason, whistle.close_note = WhistleCloseReason.ENDED, note
    whistle.save()
    return whistle


@transaction.atomic
def ticket_reply(*, ticket: Ticket | int, by: User, result: str) -> Ticket:
    """办理反馈 as the API and pages take it: the lead unit submits the result; a whistle still open
    on the ticket ends with it (its departments let go in ``orders``)."""
    ticket = ticket_services.ticket_reply(ticket=ticket, by=by, result=result)
    _close_open_whistles(ticket, reason=WhistleCloseReason.REPLIED, by=by)
    return ticket


def whistles_settle() -> int:
    """Close whistles whose ticket has left ``escalated`` some other way (a reply recorded straight
    through ``orders``, a merge): periodic and idempotent; the ticket's state is the truth."""
    stale = Whistle.objects.filter(status=WhistleStatus.OPEN).exclude(ticket__state=TicketState.ESCALATED)
    now = clock.now()
    replied = stale.filter(ticket__state__in=[TicketState.HANDLED, TicketState.CLOSED]).update(
        status=WhistleStatus.CLOSED, closed_at=now, close_reason=WhistleCloseReason.REPLIED
    )
    ended = stale.update(status=WhistleStatus.CLOSED, closed_at=now, close_reason=WhistleCloseReason.ENDED)
    return replied + ended


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
        raise _conflict(_("This department has already reported."), "already_reported")
    if summons.whistle.status != WhistleStatus.OPEN:
        raise _conflict(_("The whistle has ended."), "whistle_closed")
    if not note.strip():
        raise ValidationError({"note": _("Describe what the department did.")})
    now = clock.now()
    summons.reported_at, summons.reported_by, summons.report_note = now, by, note.strip()
    summons.arrived_on_site = arrived_on_site
    summons.save()
    ticket = summons.whistle.ticket
    ticket_services.assignment_part_file(
        ticket=ticket, unit_id=summons.unit_id, role=AssignmentRole.SUMMONED, at=now
    )
    ticket_services.ticket_event_add(
        ticket=ticket,
        by=by,
        kind=DispatchEventKind.WHISTLE_REPORT,
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
        raise _conflict(
            _("Rate a department after it has reported or its deadline has passed."), "not_yet_reportable"
        )
    if summons.rating is not None:
        raise _conflict(_("This department has already been rated."), "already_rated")
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
        kind=DispatchEventKind.WHISTLE_RATING,
        note=comment.strip(),
        unit_id=street.pk,
        payload={"unit": summons.unit.code, "rating": rating},
    )
    return summons
