"""Who holds a ticket: 派单 and 改派 (a lead unit and assisting units), and the units beside the lead —
departments summoned by a whistle, assisting units — filing their part.

A ``summoned`` assignment is how a department summoned by a street's whistle (街乡吹哨、部门报到)
holds the ticket: it sees the ticket through it (the scope of ``orders`` is "units holding an
assignment"), and its report deadline runs on it like any other clock. ``dispatch`` keeps the
whistle itself (grade, reason, reports, ratings) and calls these services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dispatch.directory.choices import UnitKind
from dispatch.directory.models import Unit

from .. import clock, sla
from ..access import ticket_scope
from ..choices import UNIT_STATES, AssignmentEnd, AssignmentRole, ClockStart, DeadlineClock, EventKind
from ..deadline_clocks import clock_start, clock_stop, stopped_fields
from ..exceptions import TicketConflict, transition_not_allowed
from ..models import Assignment, Ticket
from .transitions import lock, record, run_transition


def active_assignments(ticket: Ticket) -> QuerySet[Assignment]:
    return Assignment.objects.filter(ticket=ticket, ended_at__isnull=True)


def lead_assignment(ticket: Ticket) -> Assignment | None:
    """The active lead row, locked."""
    return active_assignments(ticket).filter(role=AssignmentRole.LEAD).select_for_update().first()


def end_assignments(
    ticket: Ticket, reason: str, at: dt.datetime, *, roles: Iterable[str] | None = None
) -> int:
    """The units let go of the ticket; their deadlines stop."""
    rows = active_assignments(ticket)
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    return rows.update(
        ended_at=at,
        end_reason=reason,
        **stopped_fields(DeadlineClock.SIGN),
        **stopped_fields(DeadlineClock.HANDLE),
    )


def end_summoned(ticket: Ticket, at: dt.datetime) -> int:
    """The whistle is over (ended, or the ticket replied to): summoned departments let go."""
    return end_assignments(ticket, AssignmentEnd.WHISTLE_ENDED, at, roles=[AssignmentRole.SUMMONED])


def _assign(
    ticket: Ticket, lead: Unit, assists: Iterable[Unit], by: User, at: dt.datetime, note: str
) -> list[Assignment]:
    lead_row = Assignment(
        ticket=ticket, unit=lead, role=AssignmentRole.LEAD, assigned_by=by, assigned_at=at, note=note
    )
    # The lead's clocks (DESIGN §5): sign-for from now; handling from now or from sign-for.
    clock_start(lead_row, DeadlineClock.SIGN, urgency=ticket.urgency, start=at)
    if sla.policy_at(at).clock_starts == ClockStart.DISPATCH:
        clock_start(lead_row, DeadlineClock.HANDLE, urgency=ticket.urgency, start=at)
    # 先行联系: when the lead should first reach the caller (an indicator; not escalated)
    if ticket.caller_id is not None:
        lead_row.first_contact_due_at = sla.deadline(
            urgency=ticket.urgency, clock=DeadlineClock.CONTACT, start=at
        ).at
    rows = [lead_row]
    for unit in assists:
        if unit.pk == lead.pk:
            continue
        row = Assignment(ticket=ticket, unit=unit, role=AssignmentRole.ASSIST, assigned_by=by, assigned_at=at)
        clock_start(row, DeadlineClock.ASSIST, urgency=ticket.urgency, start=at)  # 协办反馈时限
        rows.append(row)
    return Assignment.objects.bulk_create(rows)


def _units_payload(lead: Unit, assists: Sequence[Unit]) -> dict[str, Any]:
    return {
        "lead_unit": {"id": lead.pk, "code": lead.code, "name": lead.name},
        "assist_units": [{"id": u.pk, "code": u.code, "name": u.name} for u in assists if u.pk != lead.pk],
    }


def _check_dispatchable(ticket: Ticket, lead: Unit, assists: Sequence[Unit]) -> None:
    line = ticket.category.transfer_to
    if line:
        raise ValidationError(
            {
                "category": _(
                    "A matter for %(line)s is transferred at once, not dispatched: refuse it as an emergency."
                )
                % {"line": line}
            }
        )
    _check_units(lead, assists)


def _check_units(lead: Unit, assists: Sequence[Unit]) -> None:
    inactive = [u.name for u in [lead, *assists] if not u.is_active]
    if inactive:
        raise ValidationError({"lead_unit": _("Inactive unit: %s") % ", ".join(inactive)})
    if lead.kind == UnitKind.HOTLINE_CENTRE:
        raise ValidationError({"lead_unit": _("The hotline centre does not handle tickets itself.")})


@transaction.atomic
def ticket_dispatch(
    *,
    ticket: Ticket | int,
    by: User,
    lead_unit: Unit,
    assist_units: Sequence[Unit] = (),
    note: str = "",
    payload: dict[str, Any] | None = None,
) -> Ticket:
    """派单: give a received ticket to a lead unit (and assisting units)."""

    def assign(t: Ticket, now: dt.datetime) -> None:
        _assign(t, lead_unit, assist_units, by, now, note)

    return run_transition(
        ticket,
        name="dispatch",
        by=by,
        kind=EventKind.DISPATCH,
        arguments={"lead_unit_id": lead_unit.pk},
        validate=lambda t: _check_dispatchable(t, lead_unit, assist_units),
        after=assign,
        note=note,
        payload={**_units_payload(lead_unit, assist_units), **(payload or {})},
    )


@transaction.atomic
def ticket_reassign(
    *,
    ticket: Ticket | int,
    by: User,
    lead_unit: Unit,
    assist_units: Sequence[Unit] = (),
    reason: str,
    payload: dict[str, Any] | None = None,
) -> Ticket:
    """改派: end the current assignments and give the ticket to another lead unit."""
    previous: dict[str, Any] = {}

    def validate(t: Ticket) -> None:
        _check_dispatchable(t, lead_unit, assist_units)
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the ticket is reassigned.")})
        if lead_unit.pk == t.lead_unit_id:
            raise ValidationError({"lead_unit": _("The ticket is already with this unit.")})
        previous["unit"] = {"id": t.lead_unit.pk, "name": t.lead_unit.name} if t.lead_unit else None

    def move(t: Ticket, now: dt.datetime) -> dict[str, Any]:
        end_assignments(t, AssignmentEnd.REASSIGNED, now)
        _assign(t, lead_unit, assist_units, by, now, reason)
        return {"previous_unit": previous["unit"]}

    return run_transition(
        ticket,
        name="reassign",
        by=by,
        kind=EventKind.REASSIGN,
        arguments={"lead_unit_id": lead_unit.pk},
        validate=validate,
        after=move,
        note=reason,
        payload={**_units_payload(lead_unit, assist_units), **(payload or {})},
    )


def assignments_summon(
    *, ticket: Ticket, units: Sequence[Unit], by: User, at: dt.datetime, due: dt.datetime
) -> list[Assignment]:
    """部门报到: each summoned department holds the ticket until the whistle ends and must report by
    ``due`` (its report clock). Called inside the whistle's transaction."""
    rows = []
    for unit in {u.pk: u for u in units}.values():
        row = Assignment(
            ticket=ticket, unit=unit, role=AssignmentRole.SUMMONED, assigned_by=by, assigned_at=at
        )
        clock_start(row, DeadlineClock.REPORT, urgency=ticket.urgency, start=at, due=due)
        rows.append(row)
    return Assignment.objects.bulk_create(rows)


def assignment_part_file(*, ticket: Ticket, unit_id: int, role: str, at: dt.datetime) -> Assignment | None:
    """A unit beside the lead has done its part (a summoned department reported): its clock stops."""
    row = active_assignments(ticket).filter(unit_id=unit_id, role=role).select_for_update().first()
    if row is not None and row.replied_at is None:
        row.replied_at = at
        clock_stop(row, DeadlineClock.HANDLE)
        row.save(update_fields=["replied_at", "handle_next_step", "handle_next_at"])
    return row


@transaction.atomic
def ticket_part_file(*, ticket: Ticket | int, by: User, note: str) -> Assignment:
    """协办反馈: an assisting unit files its part; its clock stops and the lead sees it on the ticket."""
    ticket = lock(ticket)
    if not by.has_perm("orders.reply_ticket"):
        raise PermissionDenied(_("Your role may not do this."))
    units = ticket_scope(by).handler_units
    row = (
        active_assignments(ticket)
        .filter(role=AssignmentRole.ASSIST, unit_id__in=sorted(units))
        .select_related("unit")
        .select_for_update(of=("self",))
        .first()
    )
    if row is None:
        raise PermissionDenied(_("Only an assisting unit of this ticket files a part."))
    if ticket.state not in UNIT_STATES:
        raise transition_not_allowed(str(_("file the assisting part")), ticket.get_state_display())
    if row.replied_at is not None:
        raise TicketConflict(_("Your unit has filed its part already."), code="part_filed")
    if not note.strip():
        raise ValidationError({"note": _("Describe what your unit did.")})
    now = clock.now()
    row.replied_at = now
    clock_stop(row, DeadlineClock.ASSIST)
    row.save(update_fields=["replied_at", "handle_next_step", "handle_next_at"])
    record(
        ticket,
        EventKind.ASSIST_FEEDBACK,
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=note.strip(),
        payload={"unit": {"id": row.unit_id, "code": row.unit.code, "name": row.unit.name}},
        unit_id=row.unit_id,
    )
    return row


@transaction.atomic
def ticket_first_contact_record(
    *, ticket: Ticket | int, by: User, at: dt.datetime | None = None, note: str = ""
) -> Assignment:
    """先行联系: the lead unit records when it first reached the caller (now, or a time it gives,
    not in the future nor before dispatch). Once per lead assignment; the callback's answer is later
    checked against it."""
    ticket = lock(ticket)
    if not by.has_perm("orders.reply_ticket"):
        raise PermissionDenied(_("Your role may not do this."))
    row = lead_assignment(ticket)
    if row is None or row.unit_id not in ticket_scope(by).handler_units:
        raise PermissionDenied(_("Only the lead unit records its contact with the caller."))
    if ticket.state not in UNIT_STATES:
        raise transition_not_allowed(str(_("record the first contact")), ticket.get_state_display())
    if ticket.caller_id is None:
        raise ValidationError({"at": _("This ticket has no caller to contact.")})
    if row.first_contact_at is not None:
        raise TicketConflict(_("The first contact is recorded already."), code="contact_recorded")
    now = clock.now()
    when = at or now
    if when > now:
        raise ValidationError({"at": _("The contact cannot be in the future.")})
    if when < row.assigned_at:
        raise ValidationError({"at": _("The contact cannot be before the ticket reached your unit.")})
    row.first_contact_at = when
    row.save(update_fields=["first_contact_at"])
    on_time = row.first_contact_due_at is None or when <= row.first_contact_due_at
    record(
        ticket,
        EventKind.FIRST_CONTACT,
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=note.strip(),
        payload={"at": when.isoformat(), "on_time": on_time},
        unit_id=row.unit_id,
    )
    return row
