"""A provisional holiday schedule from the statutory rules, for a year whose notice is not out. Pure.

Each year the State Council's notice (国务院办公厅关于YYYY年部分节假日安排的通知) fixes the days off
and the weekends worked. Until it is imported, deadlines still need a calendar, so this derives one
from 《全国年节及纪念日放假办法》 (2024 revision, 13 days for everyone):

- 元旦 1 day (1 January); 春节 4 days (除夕 to 正月初三); 清明节 1 day (the day of the 清明 solar
  term); 劳动节 2 days (1–2 May); 端午节 1 day (五月初五); 中秋节 1 day (八月十五); 国庆节 3 days
  (1–3 October);
- 第六条: a statutory day that falls on a Saturday or Sunday is made up on the next working day
  (适逢星期六、星期日，应当在工作日补假). A statutory day that falls on another statutory day
  (中秋 on 1–3 October) is made up the same way.

Lunar dates and the solar term come from the maintained ``lunar-python`` package (6tail's
``lunar``, astronomical tables for 1900–2100), never from a hand-typed list. What this cannot know
is the notice's 调休 (weekends worked to join holidays into a block): a provisional year has none,
so deadlines over it are flagged and recomputed when the notice is imported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lunar_python import Lunar


@dataclass(frozen=True)
class ProvisionalSchedule:
    year: int
    days_off: dict[dt.date, str] = field(default_factory=dict)  # statutory days and make-up days


def _lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> dt.date:
    """The 清明 solar term of ``year`` (4–6 April)."""
    table = Lunar.fromYmd(year, 3, 1).getJieQiTable()
    solar = table["清明"]
    found = dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
    if found.year != year:  # pragma: no cover - the table of lunar year Y holds 清明 of Y
        raise ValueError(f"清明 of {year} not found")
    return found


def statutory_days(year: int) -> list[tuple[dt.date, str]]:
    """The 13 statutory days of ``year``, in order, each with its holiday's name.

    春节 of a Gregorian year is the festival whose 正月初一 falls in it; its 除夕 may fall in the
    previous day of the same year (it always does: 初一 is never before 21 January).
    """
    new_year = _lunar_to_solar(year, 1, 1)
    spring = [new_year - dt.timedelta(days=1)] + [new_year + dt.timedelta(days=i) for i in range(3)]
    days = [(dt.date(year, 1, 1), "元旦")]
    days += [(d, "春节") for d in spring]
    days += [(_qingming(year), "清明节")]
    days += [(dt.date(year, 5, 1), "劳动节"), (dt.date(year, 5, 2), "劳动节")]
    days += [(_lunar_to_solar(year, 5, 5), "端午节")]
    days += [(_lunar_to_solar(year, 8, 15), "中秋节")]
    days += [(dt.date(year, 10, day), "国庆节") for day in (1, 2, 3)]
    return sorted(days)


def provisional_schedule(year: int) -> ProvisionalSchedule:
    """The days off of ``year`` by the statutory rules alone (no 调休 weekends worked)."""
    schedule = ProvisionalSchedule(year=year)
    off = schedule.days_off
    slots = statutory_days(year)
    to_make_up: list[tuple[dt.date, str]] = []
    for day, name in slots:
        if day in off:  # two festivals on one day (中秋 on 1–3 October)
            to_make_up.append((day, name))
        elif day.weekday() >= 5:  # on a weekend: off anyway, made up on a working day
            off[day] = name
            to_make_up.append((day, name))
        else:
            off[day] = name
    # 补假: each on the first working day after it that is not already off. Statutory weekdays are
    # all placed first, so a make-up day never lands on a festival that comes later in the block.
    for day, name in to_make_up:
        make_up = day + dt.timedelta(days=1)
        while make_up.weekday() >= 5 or make_up in off:
            make_up += dt.timedelta(days=1)
        off[make_up] = name
    return schedule
