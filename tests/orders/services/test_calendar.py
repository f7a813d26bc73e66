"""Deadlines never stop for a missing holiday notice: provisional years, flags, recomputation on import."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from dispatch.directory.models import Category, Unit
from orders import services, sla
from orders.choices import CalendarSource, DeadlineStep, EventKind, TicketState
from orders.models import CalendarDay, CalendarYear, DeadlineStepRecord, Notice
from orders.services.calendar import (
    PROVISIONAL_NOTICE_KIND,
    calendar_watch,
    provisional_deadlines_recompute,
)
from orders.sweep import deadline_sweep

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
STREET = "S110105026"  # 朝阳区 望京街道

# A notice for 2027 as the State Council might word it: 元旦 1–3 January, and Saturday 9 January worked.
NOTICE_2027_EARLIER = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月9日（周六）上班。
"""
# … or 元旦 1–4 January (Monday 4 January off too).
NOTICE_2027_LATER = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至4日（周一）放假，共4天。
"""


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


def complex_category() -> Category:
    return Category.objects.get(code="040102")  # 违法建设: complex, 15 working days


def general_category() -> Category:
    return Category.objects.get(code="020301")  # 物业服务质量: general, 7 working days


def test_a_complex_ticket_is_dispatched_in_december_and_recomputed_when_the_notice_comes(
    cast, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(local(2026, 12, 20, 10), tick=False):
        ticket = cast.create(category=complex_category(), demand_type="report")
        ticket = services.ticket_dispatch(
            ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code=STREET)
        )
        lead = ticket.assignments.get()
        # 15 working days from Sunday 20 Dec: 9 in 2026, then 元旦 (1 Jan 2027, statutory) is skipped.
        assert lead.handle_due_at == local(2027, 1, 11, 10)
        assert lead.handle_due_provisional is True
        assert lead.sign_due_provisional is False  # 24 clock hours do not depend on the calendar

        client = APIClient()
        client.force_authenticate(cast.handler)
        body = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
        handle = next(d for d in body["deadlines"] if d["clock"] == "handle")
        assert (handle["due_at"], handle["provisional"]) == ("2027-01-11T10:00:00+08:00", True)
        assert body["assignments"][0]["handle_due_provisional"] is True
        # The pages mark it, with the reason in a tooltip.
        page = Client()
        page.force_login(cast.handler)
        ticket_page = page.get(f"/desk/tickets/{ticket.pk}/").content.decode()
        assert ticket_page.count('data-testid="provisional"') == 1  # handling, not sign-for
        assert "暂按《全国年节及纪念日放假办法》推算" in ticket_page

        # The notice makes Saturday 9 January a working day: the deadline moves two days earlier.
        notice = tmp_path / "2027.txt"
        notice.write_text(NOTICE_2027_EARLIER, encoding="utf-8")
        out = StringIO()
        call_command("load_calendar", notice=str(notice), stdout=out)
    assert "1 moved (1 earlier)" in out.getvalue()
    assert CalendarYear.objects.get(year=2027).kind == CalendarSource.NOTICE
    assert CalendarDay.objects.get(day=dt.date(2027, 1, 9)).source == CalendarSource.NOTICE
    lead.refresh_from_db()
    assert (lead.handle_due_at, lead.handle_due_provisional) == (local(2027, 1, 9, 10), False)
    event = ticket.events.get(kind=EventKind.DEADLINE_MOVED)
    assert event.payload["from"] == "2027-01-11T10:00:00+08:00"
    assert event.payload["to"] == "2027-01-09T10:00:00+08:00"
    assert "2027-01-09" in event.note
    notice_row = Notice.objects.get(ticket=ticket, kind="deadline_moved_earlier")
    assert notice_row.unit.code == STREET
    # The ladder follows the new deadline (warn at 80 % of the new span).
    assert lead.handle_next_step == DeadlineStep.WARN
    assert (
        lead.handle_next_at
        == local(2026, 12, 20, 10) + (local(2027, 1, 9, 10) - local(2026, 12, 20, 10)) * 0.8
    )

    # Idempotent: a second run (the periodic safety net) finds nothing to move.
    with time_machine.travel(local(2026, 12, 21, 9), tick=False):
        assert provisional_deadlines_recompute(year=2027)["moved"] == 0
        assert provisional_deadlines_recompute()["moved"] == 0
    assert ticket.events.filter(kind=EventKind.DEADLINE_MOVED).count() == 1


def test_recomputation_never_undoes_recorded_steps(cast) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(local(2026, 12, 24, 10), tick=False):
        ticket = cast.create(category=general_category(), demand_type="complaint")
        ticket = services.ticket_dispatch(
            ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code=STREET)
        )
    lead = ticket.assignments.get()
    # 7 working days: 25, 28, 29, 30, 31 Dec, (1 Jan off), 4, 5 Jan.
    assert (lead.handle_due_at, lead.handle_due_provisional) == (local(2027, 1, 5, 10), True)
    with time_machine.travel(local(2027, 1, 3, 12), tick=False):
        deadline_sweep()  # the warning step of the handling deadline (at 80 %) is taken
        lead.refresh_from_db()
        assert lead.handle_next_step == DeadlineStep.OVERDUE
        sla.calendar_year_import(notice_text=NOTICE_2027_LATER)
        moved = provisional_deadlines_recompute(year=2027)
    assert (moved["moved"], moved["earlier"]) == (1, 0)
    lead.refresh_from_db()
    assert lead.handle_due_at == local(2027, 1, 6, 10)  # Monday 4 January is now a holiday
    # The warning was recorded for the old deadline and is not taken again: next comes 超期.
    assert (lead.handle_next_step, lead.handle_next_at) == (DeadlineStep.OVERDUE, local(2027, 1, 6, 10))
    assert DeadlineStepRecord.objects.filter(clock="handle", target_id=lead.pk, step="warn").count() == 1
    assert not Notice.objects.filter(ticket=ticket, kind="deadline_moved_earlier").exists()


def test_intake_reply_extension_and_callback_work_across_the_new_year(cast) -> None:  # type: ignore[no-untyped-def]
    """Nothing is refused for a missing calendar (the old 400 naming 2027 is gone)."""
    with time_machine.travel(local(2026, 12, 30, 9), tick=False):
        ticket = cast.ticket_in(TicketState.ACCEPTED, category=general_category(), demand_type="complaint")
        lead = ticket.assignments.get()
        assert lead.handle_due_provisional is True
        request = services.ticket_extension_request(
            ticket=ticket, by=cast.handler, reason="需协调物业公司", proposed_due_at=local(2027, 1, 20, 18)
        )
        services.ticket_extension_decide(ticket=ticket, by=cast.dispatcher, approve=True)
        lead.refresh_from_db()
        # A granted deadline is a date someone chose, not a computation: never provisional.
        assert (lead.handle_due_at, lead.handle_due_provisional) == (request.proposed_due_at, False)
        ticket = services.ticket_reply(ticket=ticket, by=cast.handler, result="已督促物业整改")
    # Callback: 2 working days from Wednesday 30 Dec: 31 Dec, (1 Jan off), Monday 4 Jan.
    assert (ticket.callback_due_at, ticket.callback_due_provisional) == (local(2027, 1, 4, 9), True)


def test_a_day_edited_by_an_administrator_counts(cast) -> None:  # type: ignore[no-untyped-def]
    """Stored provisional years are what the calendar uses; an administrator may correct a day."""
    sla.calendar_provisional_ensure(years=[2027])
    assert CalendarYear.objects.get(year=2027).kind == CalendarSource.PROVISIONAL
    assert CalendarDay.objects.get(day=dt.date(2027, 2, 10)).source == CalendarSource.PROVISIONAL
    CalendarDay.objects.filter(day=dt.date(2027, 1, 1)).delete()  # say 1 January were a working day
    from dispatch.directory.cache import directory_cache_clear

    directory_cache_clear()
    calendar = sla.work_calendar()
    assert calendar.is_workday(dt.date(2027, 1, 1))
    assert calendar.is_provisional(dt.date(2027, 1, 1))


def test_supervisors_are_warned_from_november_once(cast, make_user, client) -> None:  # type: ignore[no-untyped-def]
    supervisor = make_user("supervisor", "G110105")
    handler = cast.handler
    assert calendar_watch(today=dt.date(2026, 10, 20))["notices"] == 0  # not before 1 November
    first = calendar_watch(today=dt.date(2026, 11, 2))
    assert first["provisional"] == [2027]
    assert first["notices"] >= 2
    assert calendar_watch(today=dt.date(2026, 11, 3))["notices"] == 0  # once
    told = set(Notice.objects.filter(kind=PROVISIONAL_NOTICE_KIND).values_list("unit__code", flat=True))
    assert {"G110105", "HOTLINE"} <= told
    assert STREET not in told

    client.force_login(supervisor)
    page = client.get("/desk/supervision/")
    assert "2027" in page.content.decode()
    assert 'data-testid="calendar-banner"' in page.content.decode()
    client.force_login(handler)
    assert 'data-testid="calendar-banner"' not in client.get("/desk/inbox/").content.decode()

    sla.calendar_year_import(notice_text=NOTICE_2027_LATER)
    from dispatch.directory.cache import directory_cache_clear

    directory_cache_clear()
    client.force_login(supervisor)
    assert 'data-testid="calendar-banner"' not in client.get("/desk/supervision/").content.decode()
    assert calendar_watch(today=dt.date(2026, 12, 2))["provisional"] == []
