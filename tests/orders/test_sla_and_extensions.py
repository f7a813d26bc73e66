"""Stored due times, the calendar in the database, the policy as data, and extensions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from dispatch.directory.models import Category, Unit
from orders import clock, services, sla
from orders.choices import ClockStart, DeadlineStep, ExtensionDecision, TicketState
from orders.exceptions import TicketConflict
from orders.holiday_notice import NoticeError, parse_notice
from orders.models import CalendarDay, CalendarYear, SlaPolicy

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")

NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
"""


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


# ---------------------------------------------------------------------------------- calendar


def test_calendar_loaded_from_the_package_covers_2004_to_2026() -> None:
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert years == set(range(2004, 2027))
    assert CalendarDay.objects.get(day=dt.date(2026, 10, 10)).is_workday is True
    assert CalendarDay.objects.get(day=dt.date(2026, 10, 1)).name == "国庆节"
    calendar = sla.work_calendar()
    assert sum(calendar.is_workday(dt.date(2026, 1, 1) + dt.timedelta(days=i)) for i in range(365)) == 248


def test_the_notice_parser_agrees_with_the_official_data() -> None:
    from chinese_calendar import constants

    schedule = parse_notice(NOTICE_2026)
    assert schedule.year == 2026
    official_off = {d for d in constants.holidays if d.year == 2026}
    official_on = {d for d in constants.workdays if d.year == 2026}
    assert set(schedule.days_off) == official_off
    assert set(schedule.workdays) == official_on
    assert schedule.days_off[dt.date(2026, 2, 23)] == "春节"


def test_the_parser_refuses_what_it_cannot_read() -> None:
    with pytest.raises(NoticeError):
        parse_notice("今天天气很好。")
    with pytest.raises(NoticeError):
        parse_notice("一、元旦：放假。", year=2027)


def test_importing_a_notice_replaces_its_year(tmp_path: Path) -> None:
    CalendarDay.objects.create(day=dt.date(2026, 3, 3), is_workday=False, name="wrong")
    year, off, worked = sla.calendar_year_import(notice_text=NOTICE_2026)
    assert (year, off, worked) == (2026, 33, 6)
    assert not CalendarDay.objects.filter(day=dt.date(2026, 3, 3)).exists()
    assert CalendarYear.objects.get(year=2026).source.startswith("国务院办公厅")


def test_load_calendar_command_imports_a_notice_file(tmp_path: Path) -> None:
    from django.core.management import call_command

    notice = tmp_path / "2027.txt"
    notice.write_text("一、元旦：1月1日（周五）至3日（周日）放假，共3天。", encoding="utf-8")
    call_command("load_calendar", notice=str(notice), year=2027)
    assert CalendarYear.objects.get(year=2027).kind == "notice"
    assert CalendarDay.objects.filter(day=dt.date(2027, 1, 1), is_workday=False).exists()


def test_provisional_years_are_reported_from_november() -> None:
    assert sla.provisional_calendar_years(dt.date(2026, 11, 22)) == [2027]
    assert sla.provisional_calendar_years(dt.date(2026, 6, 1)) == []
    sla.calendar_provisional_ensure(years=[2027])  # stored provisional rows are still provisional
    assert sla.provisional_calendar_years(dt.date(2026, 11, 22)) == [2027]


def test_the_package_loader_leaves_a_notice_year_alone() -> None:
    sla.calendar_year_import(notice_text=NOTICE_2026)
    sla.calendar_load_from_package()
    assert CalendarYear.objects.get(year=2026).kind == "notice"
    assert CalendarYear.objects.get(year=2025).kind == "package"


# ----------------------------------------------------------------------------- due times


def test_dispatch_stores_sign_and_handling_deadlines(cast) -> None:  # type: ignore[no-untyped-def]
    # 2026-11-20 (Friday) 10:00; 室温不达标 is a utility tier: sign 2 h, handle 24 h.
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.DISPATCHED)
    lead = ticket.assignments.get()
    assert lead.sign_due_at == local(2026, 11, 20, 12)
    assert lead.handle_due_at == local(2026, 11, 21, 10)
    assert (lead.sign_next_step, lead.sign_next_at) == (DeadlineStep.WARN, local(2026, 11, 20, 11, 36))


def test_working_days_skip_the_weekend(cast) -> None:  # type: ignore[no-untyped-def]
    general = Category.objects.get(code="020301")  # 物业服务质量: general, 7 working days
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.DISPATCHED, category=general)
    assert ticket.assignments.get().handle_due_at == local(2026, 12, 1, 10)


def test_handling_clock_from_sign_for_when_the_policy_says_so(cast) -> None:  # type: ignore[no-untyped-def]
    SlaPolicy.objects.update(handling_clock_starts=ClockStart.SIGN)
    from dispatch.directory.cache import directory_cache_clear

    directory_cache_clear()
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.DISPATCHED)
    assert ticket.assignments.get().handle_due_at is None
    with clock.frozen_at(local(2026, 11, 20, 11)):
        services.ticket_accept(ticket=ticket, by=cast.handler)
    lead = ticket.assignments.get()
    assert lead.handle_due_at == local(2026, 11, 21, 11)
    assert (lead.sign_next_step, lead.sign_next_at) == ("", None)


def test_reply_sets_callback_due_and_reopen_a_new_handling_deadline(cast) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.HANDLED)
    assert ticket.callback_due_at == local(2026, 11, 21, 10)  # utility: callback within 24 h
    assert ticket.assignments.get().handle_next_at is None
    with clock.frozen_at(local(2026, 11, 23, 9)):
        ticket = services.ticket_reopen(ticket=ticket, by=cast.callback, reason="仍不热")
    assert ticket.callback_due_at is None
    lead = ticket.assignments.get()
    assert (lead.handle_started_at, lead.handle_due_at) == (local(2026, 11, 23, 9), local(2026, 11, 24, 9))


def test_a_return_request_pauses_and_a_denial_restarts_the_sign_clock(cast) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    lead = ticket.assignments.get()
    assert (lead.sign_next_at, lead.handle_next_at) == (None, None)
    with clock.frozen_at(local(2026, 11, 20, 15)):
        services.ticket_deny_return(ticket=ticket, by=cast.dispatcher, note="属地问题")
    lead.refresh_from_db()
    assert lead.sign_due_at == local(2026, 11, 20, 17)
    assert lead.handle_due_at == local(2026, 11, 21, 10)  # handling kept running
    assert lead.handle_next_at is not None


def test_whistle_report_deadline_comes_from_the_policy(cast) -> None:  # type: ignore[no-untyped-def]
    from dispatch.services import whistle_raise

    SlaPolicy.objects.update(whistle_critical_hours=6)
    from dispatch.directory.cache import directory_cache_clear

    directory_cache_clear()
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.ACCEPTED)
        whistle = whistle_raise(
            ticket=ticket,
            by=cast.handler,
            grade="critical",
            reason="需住建到场",
            departments=[Unit.objects.get(code="D110105-housing")],
        )
    summons = whistle.summons.get()
    assert summons.report_by == local(2026, 11, 20, 16)
    # The department's report deadline runs on its summoned assignment.
    summoned = ticket.assignments.get(role="summoned", unit__code="D110105-housing")
    assert (summoned.handle_due_at, summoned.handle_next_step) == (local(2026, 11, 20, 16), DeadlineStep.WARN)


def test_a_newer_policy_applies_from_its_date(cast) -> None:  # type: ignore[no-untyped-def]
    old = SlaPolicy.objects.get()
    newer = SlaPolicy.objects.create(name="2026-12 修订", effective_from=local(2026, 12, 1))
    for tier in old.tiers.all():
        tier.pk, tier.policy, tier.sign_value = None, newer, 1
        tier.save()
    from dispatch.directory.cache import directory_cache_clear

    directory_cache_clear()
    with clock.frozen_at(local(2026, 11, 30, 10)):
        before = cast.ticket_in(TicketState.DISPATCHED).assignments.get()
    with clock.frozen_at(local(2026, 12, 2, 10)):
        after = cast.ticket_in(TicketState.DISPATCHED).assignments.get()
    assert before.sign_due_at == local(2026, 11, 30, 12)
    assert after.sign_due_at == local(2026, 12, 2, 11)


# ------------------------------------------------------------------------------ extensions


def test_extension_requested_and_approved_moves_the_deadline(cast) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.ACCEPTED)
    with clock.frozen_at(local(2026, 11, 20, 20)):
        request = services.ticket_extension_request(
            ticket=ticket,
            by=cast.handler,
            reason="需更换主管道，等待材料",
            proposed_due_at=local(2026, 11, 23, 18),
        )
    assert (request.current_due_at, request.decision) == (local(2026, 11, 21, 10), ExtensionDecision.PENDING)
    with clock.frozen_at(local(2026, 11, 20, 21)):
        services.ticket_extension_decide(ticket=ticket, by=cast.dispatcher, approve=True, note="同意")
    lead = ticket.assignments.get()
    assert (lead.handle_due_at, lead.extensions_granted) == (local(2026, 11, 23, 18), 1)
    assert lead.handle_next_step == DeadlineStep.WARN
    notice = ticket.notices.get(kind="extension_approved")
    assert notice.unit.code == "S110105026"
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["extension_request", "extension_approve"]


def test_extension_rules(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.ACCEPTED)
    later = local(2026, 11, 25, 18)
    with clock.frozen_at(local(2026, 11, 21, 11)), pytest.raises(TicketConflict) as late:
        services.ticket_extension_request(ticket=ticket, by=cast.handler, reason="x", proposed_due_at=later)
    assert late.value.code == "deadline_passed"
    with clock.frozen_at(local(2026, 11, 20, 12)):
        with pytest.raises(ValidationError):
            services.ticket_extension_request(
                ticket=ticket, by=cast.handler, reason="x", proposed_due_at=local(2026, 11, 20, 13)
            )
        with pytest.raises(PermissionDenied):
            services.ticket_extension_request(
                ticket=ticket, by=make_user("handler", "S110105004"), reason="x", proposed_due_at=later
            )
        services.ticket_extension_request(
            ticket=ticket, by=cast.handler, reason="等待材料", proposed_due_at=later
        )
        with pytest.raises(TicketConflict):  # one pending at a time
            services.ticket_extension_request(
                ticket=ticket, by=cast.handler, reason="x", proposed_due_at=later
            )
        with pytest.raises(PermissionDenied):  # a district supervisor elsewhere may not decide
            services.ticket_extension_decide(
                ticket=ticket, by=make_user("supervisor", "G110108"), approve=True
            )
        with pytest.raises(ValidationError):
            services.ticket_extension_decide(ticket=ticket, by=cast.dispatcher, approve=False)
        services.ticket_extension_decide(ticket=ticket, by=make_user("supervisor", "G110105"), approve=True)
        with pytest.raises(TicketConflict) as exhausted:  # the policy allows one
            services.ticket_extension_request(
                ticket=ticket, by=cast.handler, reason="再延", proposed_due_at=local(2026, 11, 28, 18)
            )
    assert exhausted.value.code == "extensions_exhausted"


def test_extension_api(cast) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen_at(local(2026, 11, 20, 10)):
        ticket = cast.ticket_in(TicketState.ACCEPTED)
    handler, dispatcher = APIClient(), APIClient()
    handler.force_authenticate(cast.handler)
    dispatcher.force_authenticate(cast.dispatcher)
    made = handler.post(
        f"/api/v1/tickets/{ticket.pk}/request-extension/",
        {"reason": "等待配件", "proposed_due_at": "2026-11-22T18:00:00+08:00"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    denied = dispatcher.post(
        f"/api/v1/tickets/{ticket.pk}/deny-extension/", {"note": "时限内可完成"}, format="json"
    )
    assert denied.json()["decision"] == "denied"
    detail = handler.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert detail["extensions"][0]["review_note"] == "时限内可完成"
    notices = handler.get("/api/v1/notices/?unread=true").json()["results"]
    assert [n["kind"] for n in notices] == ["extension_denied"]
    assert handler.post(f"/api/v1/notices/{notices[0]['id']}/read/").json()["read_at"] is not None
    assert handler.get("/api/v1/notices/?unread=true").json()["count"] == 0
