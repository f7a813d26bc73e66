"""协办: an assisting unit has its own feedback deadline, files its part, and the lead sees it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dispatch.directory.models import Unit
from orders import clock, services
from orders.choices import AssignmentRole, EventKind, TicketState
from orders.exceptions import TicketConflict
from orders.models import Assignment, DeadlineStepRecord, Notice
from orders.sweep import deadline_sweep

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
TEN = dt.datetime(2026, 11, 20, 10, tzinfo=BEIJING)


def with_assist(cast):  # type: ignore[no-untyped-def]
    """A heating ticket (utility tier) led by 望京街道 with 热力集团 assisting, dispatched at 10:00."""
    with clock.frozen_at(TEN):
        ticket = cast.create()
        return services.ticket_dispatch(
            ticket=ticket,
            by=cast.dispatcher,
            lead_unit=Unit.objects.get(code="S110105026"),
            assist_units=[Unit.objects.get(code="E-heating")],
        )


def assist_row(ticket) -> Assignment:  # type: ignore[no-untyped-def]
    return Assignment.objects.get(ticket=ticket, role=AssignmentRole.ASSIST)


def test_an_assisting_unit_has_its_own_deadline_from_the_policy(cast) -> None:  # type: ignore[no-untyped-def]
    row = assist_row(with_assist(cast))
    # utility tier: 12 hours for the assisting part (orders migration 0012), lead's handling 24 h
    assert row.handle_started_at == TEN
    assert row.handle_due_at == TEN + dt.timedelta(hours=12)
    assert row.handle_next_at is not None
    assert row.handle_next_at < row.handle_due_at


def test_the_assisting_unit_files_its_part_once(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = with_assist(cast)
    heating = make_user("handler", "E-heating")
    row = services.ticket_part_file(ticket=ticket, by=heating, note="已派人检查二次管网阀门，已开启。")
    assert row.replied_at is not None
    assert (row.handle_next_step, row.handle_next_at) == ("", None)
    event = ticket.events.get(kind=EventKind.ASSIST_FEEDBACK)
    assert event.payload["unit"]["code"] == "E-heating"
    assert event.note.startswith("已派人检查")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED  # the lead still holds it
    with pytest.raises(TicketConflict):
        services.ticket_part_file(ticket=ticket, by=heating, note="again")


def test_only_an_assisting_unit_files_a_part_and_it_says_what_it_did(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = with_assist(cast)
    with pytest.raises(PermissionDenied):
        services.ticket_part_file(ticket=ticket, by=cast.handler, note="我是主办")
    with pytest.raises(ValidationError) as error:
        services.ticket_part_file(ticket=ticket, by=make_user("handler", "E-heating"), note="  ")
    assert "note" in error.value.message_dict
    assert assist_row(ticket).replied_at is None


def test_the_leads_result_stops_the_assisting_clock(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = with_assist(cast)
    services.ticket_accept(ticket=ticket, by=cast.handler)
    services.ticket_reply(ticket=ticket, by=cast.handler, result="已协调热力集团排气，室温恢复。")
    row = assist_row(ticket)
    assert (row.handle_next_step, row.handle_next_at) == ("", None)
    assert row.ended_at is None  # it holds the ticket until it closes


def test_the_sweep_warns_and_marks_the_assisting_part_overdue(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = with_assist(cast)
    heating = Unit.objects.get(code="E-heating")
    taken = deadline_sweep(now=TEN + dt.timedelta(hours=12, minutes=1))
    assert taken["assist:overdue"] == 1
    records = DeadlineStepRecord.objects.filter(ticket=ticket, clock="assist")
    assert set(records.values_list("step", flat=True)) == {"warn", "overdue"}
    assert set(records.values_list("unit_id", flat=True)) == {heating.pk}
    assert Notice.objects.filter(unit=heating, ticket=ticket).count() == 1  # the latest step only
