"""The provisional schedule from the statutory rules (《全国年节及纪念日放假办法》, 2024), no database."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from orders.statutory_holidays import provisional_schedule, statutory_days

D = dt.date


def test_2027_by_the_rules() -> None:
    off = provisional_schedule(2027).days_off
    assert [d for d, _ in statutory_days(2027)] == [
        D(2027, 1, 1),
        D(2027, 2, 5),  # 除夕
        D(2027, 2, 6),  # 正月初一
        D(2027, 2, 7),
        D(2027, 2, 8),  # 初三
        D(2027, 4, 5),  # 清明 (the solar term)
        D(2027, 5, 1),
        D(2027, 5, 2),
        D(2027, 6, 9),  # 端午, 五月初五
        D(2027, 9, 15),  # 中秋, 八月十五
        D(2027, 10, 1),
        D(2027, 10, 2),
        D(2027, 10, 3),
    ]
    # 第六条: a statutory day on a weekend is made up on the next working day.
    made_up = {D(2027, 2, 9), D(2027, 2, 10), D(2027, 5, 3), D(2027, 5, 4), D(2027, 10, 4), D(2027, 10, 5)}
    assert made_up <= set(off)
    weekdays_off = {d for d in off if d.weekday() < 5}
    assert len(weekdays_off) == 7 + len(made_up)
    assert off[D(2027, 2, 10)] == "春节"
    assert off[D(2027, 10, 5)] == "国庆节"


def test_two_festivals_on_one_day_give_a_make_up_day() -> None:
    # 2028: 中秋 falls on 3 October, already 国庆; 1 October is a Sunday.
    off = provisional_schedule(2028).days_off
    assert {D(2028, 10, 2), D(2028, 10, 3), D(2028, 10, 4), D(2028, 10, 5)} <= set(off)
    assert D(2028, 10, 6) not in off
    assert off[D(2028, 1, 3)] == "元旦"  # 1 January 2028 is a Saturday


@pytest.mark.parametrize("year", [2025, 2026])
def test_agrees_with_the_official_notices_on_what_can_be_checked(year: int) -> None:
    """Under the 2024 rules, the notices of 2025 and 2026 give every statutory day off, and the
    year has as many working days as the provisional schedule (the notice only moves days)."""
    for day, _name in statutory_days(year):
        assert not chinese_calendar.is_workday(day), day
    off = set(provisional_schedule(year).days_off)
    days = [D(year, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    provisional = sum(1 for d in days if d.weekday() < 5 and d not in off)
    official = sum(1 for d in days if chinese_calendar.is_workday(d))
    assert provisional == official == 248
