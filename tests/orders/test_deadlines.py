"""The deadline math on the real 2026 calendar (国务院办公厅 2026 holiday notice), without a database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from orders.deadlines import (
    HOURS,
    MINUTES,
    OVERDUE,
    SUPERVISE,
    URGE,
    WARN,
    WORKING_DAYS,
    CalendarMissing,
    Due,
    Ladder,
    Limit,
    WorkCalendar,
    due,
    due_at,
)

BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date


def calendar_2026() -> WorkCalendar:
    """Written out from the notice, independently of the chinesecalendar package."""
    holidays = {D(2026, 1, 1), D(2026, 1, 2)}  # 元旦 (3 Jan is a Saturday)
    holidays |= {D(2026, 2, d) for d in range(16, 21)} | {D(2026, 2, 23)}  # 春节 15–23 Feb (weekdays)
    holidays |= {D(2026, 4, 6)}  # 清明 4–6 Apr
    holidays |= {D(2026, 5, 1), D(2026, 5, 4), D(2026, 5, 5)}  # 劳动节 1–5 May
    holidays |= {D(2026, 6, 19)}  # 端午 19–21 Jun
    holidays |= {D(2026, 9, 25)}  # 中秋 25–27 Sep
    holidays |= {D(2026, 10, d) for d in (1, 2, 5, 6, 7)}  # 国庆 1–7 Oct
    adjusted = {D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)}
    return WorkCalendar(
        official_years=frozenset({2026}),
        stored_years=frozenset({2026}),
        first_year=2026,
        holidays=frozenset(holidays),
        workdays=frozenset(adjusted),
        zone=BEIJING,
    )


CAL = calendar_2026()


def at(y: int, m: int, d: int, h: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=BEIJING)


def test_2026_has_248_working_days() -> None:
    count = sum(CAL.is_workday(D(2026, 1, 1) + dt.timedelta(days=i)) for i in range(365))
    assert count == 248
    assert CAL.workdays_between(D(2026, 9, 28), D(2026, 10, 12)) == 6  # 29, 30 Sep; 8, 9, 10, 12 Oct


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (at(2026, 9, 29), 5, at(2026, 10, 12)),  # across 国庆, counting Saturday 10 Oct (调休上班)
        (at(2026, 9, 30, 20, 30), 1, at(2026, 10, 8, 20, 30)),  # same time of day, after the holiday
        (at(2026, 2, 13), 1, at(2026, 2, 14)),  # Saturday 14 Feb is a working day
        (at(2026, 2, 14), 1, at(2026, 2, 24)),  # then 春节 until the 23rd
        (at(2026, 12, 24), 5, at(2026, 12, 31)),  # the year's last working day
        (at(2026, 11, 20), 5, at(2026, 11, 27)),  # an ordinary week
        (at(2026, 11, 21, 10), 1, at(2026, 11, 23, 10)),  # from a Saturday: Monday
        (at(2026, 4, 3), 1, at(2026, 4, 7)),  # 清明: Monday 6 April is off
    ],
)
def test_working_days(start: dt.datetime, days: int, expected: dt.datetime) -> None:
    assert due_at(start, Limit(days, WORKING_DAYS), CAL) == expected


def test_working_days_use_beijing_dates_even_for_utc_input() -> None:
    # 01:00 on 1 Oct in Beijing is 17:00 on 30 Sep in UTC; the count starts from Beijing's date.
    start = at(2026, 10, 1, 1).astimezone(dt.UTC)
    assert due_at(start, Limit(1, WORKING_DAYS), CAL) == at(2026, 10, 8, 1)


def test_clock_hours_ignore_the_calendar() -> None:
    assert due_at(at(2026, 10, 1, 9), Limit(2, HOURS), CAL) == at(2026, 10, 1, 11)
    assert due_at(at(2026, 10, 1, 9), Limit(24, HOURS), CAL) == at(2026, 10, 2, 9)


def test_minutes_are_elapsed_time_too() -> None:
    # Hangzhou: an emergency is signed for and assigned within 5 minutes, on a holiday as on any day
    limit = Limit(5, MINUTES)
    assert due(at(2026, 10, 1, 9), limit, CAL) == Due(at(2026, 10, 1, 9) + dt.timedelta(minutes=5), False)
    assert limit.describe() == "5分钟"
    assert Limit(168, HOURS).clock == dt.timedelta(days=7)
    assert Limit(3, WORKING_DAYS).clock is None


def test_a_year_without_its_notice_is_provisional_not_refused() -> None:
    # 28 Dec 2026 (Mon) + 5 working days: 29, 30, 31 Dec, then 1 Jan 2027 is 元旦 by the statutory
    # rules, so 4 and 5 Jan — and the due time says it rests on a provisional year.
    result = due(at(2026, 12, 28), Limit(5, WORKING_DAYS), CAL)
    assert result == Due(at(2027, 1, 5), provisional=True)
    # Inside the official year: not provisional.
    assert due(at(2026, 11, 20), Limit(5, WORKING_DAYS), CAL) == Due(at(2026, 11, 27), provisional=False)
    # Clock hours never depend on the calendar.
    assert due(at(2026, 12, 31, 10), Limit(72, HOURS), CAL) == Due(at(2027, 1, 3, 10), provisional=False)


def test_provisional_spring_festival_follows_the_lunar_calendar() -> None:
    # 春节 2027: 除夕 5 Feb (Fri) to 初三 8 Feb (Mon); 初一 and 初二 fall on the weekend and are made
    # up on Tuesday 9 and Wednesday 10 Feb. Thursday 4 Feb + 1 working day is Thursday 11 Feb.
    assert due_at(at(2027, 2, 4), Limit(1, WORKING_DAYS), CAL) == at(2027, 2, 11)
    assert CAL.is_workday(D(2027, 2, 4))
    assert not CAL.is_workday(D(2027, 2, 10))


def test_a_year_before_the_calendar_refuses() -> None:
    with pytest.raises(CalendarMissing) as error:
        due_at(at(2025, 12, 30), Limit(5, WORKING_DAYS), CAL)
    assert error.value.year == 2025


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="positive"):
        Limit(0, HOURS)
    with pytest.raises(ValueError, match="whole days"):
        Limit(1.5, WORKING_DAYS)
    with pytest.raises(ValueError, match="unit"):
        Limit(1, "fortnights")
    assert Limit(5, WORKING_DAYS).describe() == "5个工作日"


def test_ladder_times_and_order() -> None:
    ladder = Ladder(warn_ratio=0.8, urge_after=dt.timedelta(hours=2), supervise_after=dt.timedelta(hours=24))
    start, due = at(2026, 11, 20, 8), at(2026, 11, 20, 18)
    times = ladder.step_times(start, due)
    assert times == {
        WARN: at(2026, 11, 20, 16),
        OVERDUE: due,
        URGE: at(2026, 11, 20, 20),
        SUPERVISE: at(2026, 11, 21, 20),
    }
    assert ladder.next_step(start, due, []) == (WARN, at(2026, 11, 20, 16))
    assert ladder.next_step(start, due, [WARN, OVERDUE]) == (URGE, at(2026, 11, 20, 20))
    assert ladder.next_step(start, due, [WARN, OVERDUE, URGE, SUPERVISE]) is None
