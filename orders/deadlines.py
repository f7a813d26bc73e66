"""Deadline math, pure: due times from a start, a limit and the official working-day calendar.

No ORM here. The calendar and the SLA policy arrive as plain data (``WorkCalendar``, ``Limit``,
``Ladder``); ``orders.sla`` builds them from the database.

Working days follow the State Council's holiday schedule, including adjusted working weekends
(调休). A year whose notice is not loaded is never refused: it gets a **provisional** schedule from
the statutory rules (``orders.statutory_holidays``), and a deadline whose working days run over such
a year says so (``Due.provisional``) so that it is recomputed when the notice arrives. Only a year
before the calendar's first loaded year is refused (``CalendarMissing``): that is a data error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from .statutory_holidays import provisional_schedule

MINUTES = "minutes"
HOURS = "hours"
WORKING_DAYS = "working_days"
CLOCK_UNITS = (MINUTES, HOURS)  # plain elapsed time, whatever the calendar says

# The escalation ladder of one deadline (催办提醒 → 超期 → 催办 → 督办).
WARN, OVERDUE, URGE, SUPERVISE = "warn", "overdue", "urge", "supervise"
STEPS = (WARN, OVERDUE, URGE, SUPERVISE)


class CalendarMissing(Exception):
    """A working-day deadline reaches a year before the first year the calendar holds."""

    def __init__(self, year: int) -> None:
        super().__init__(f"no working-day calendar for {year}")
        self.year = year


@dataclass(frozen=True)
class WorkCalendar:
    """Official working days: weekdays, minus holidays, plus adjusted working weekends.

    ``official_years`` have their schedule from a notice (or a package carrying the notices);
    ``holidays``/``workdays`` may also hold stored provisional years. A year in neither set, after
    ``first_year``, gets the statutory provisional schedule on first use.
    """

    official_years: frozenset[int]
    holidays: frozenset[dt.date]  # weekdays off (法定节假日及调休放假)
    workdays: frozenset[dt.date]  # weekends on (调休上班)
    zone: dt.tzinfo = dt.timezone(dt.timedelta(hours=8))  # dates are the jurisdiction's local dates
    stored_years: frozenset[int] = frozenset()  # years with rows (official or provisional)
    first_year: int | None = None  # earlier years are refused; None: no lower bound
    _derived: dict[int, frozenset[dt.date]] = field(default_factory=dict, compare=False, repr=False)

    def is_provisional(self, day: dt.date) -> bool:
        return day.year not in self.official_years

    def _derived_holidays(self, year: int) -> frozenset[dt.date]:
        if year not in self._derived:
            self._derived[year] = frozenset(provisional_schedule(year).days_off)
        return self._derived[year]

    def is_workday(self, day: dt.date) -> bool:
        if self.first_year is not None and day.year < self.first_year:
            raise CalendarMissing(day.year)
        if day.year not in self.stored_years and day.year not in self.official_years:
            return day.weekday() < 5 and day not in self._derived_holidays(day.year)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself never counts)."""
        if count < 0:
            raise ValueError("count must not be negative")
        current = day
        remaining = count
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        days = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                days += 1
        return days

    def provisional_between(self, start: dt.date, end: dt.date) -> bool:
        """Whether any day in (start, end] lies in a year without its official schedule."""
        if end <= start:
            return False
        first = (start + dt.timedelta(days=1)).year
        return any(year not in self.official_years for year in range(first, end.year + 1))


@dataclass(frozen=True)
class Limit:
    """A time limit: so many minutes or clock hours, or so many working days."""

    value: float
    unit: str  # MINUTES | HOURS | WORKING_DAYS

    def __post_init__(self) -> None:
        if self.unit not in (MINUTES, HOURS, WORKING_DAYS):
            raise ValueError(f"unknown limit unit {self.unit!r}")
        if self.value <= 0:
            raise ValueError("a limit must be positive")
        if self.unit == WORKING_DAYS and self.value != int(self.value):
            raise ValueError("working-day limits are whole days")

    def describe(self) -> str:
        if self.unit == MINUTES:
            return f"{self.value:g}分钟"
        return f"{self.value:g}小时" if self.unit == HOURS else f"{int(self.value)}个工作日"

    @property
    def clock(self) -> dt.timedelta | None:
        """The limit as elapsed time, or None for working days."""
        if self.unit == MINUTES:
            return dt.timedelta(minutes=self.value)
        return dt.timedelta(hours=self.value) if self.unit == HOURS else None


class Due(NamedTuple):
    """A due time, and whether a provisional (statutory, not yet official) day went into it."""

    at: dt.datetime
    provisional: bool


def due(start: dt.datetime, limit: Limit, calendar: WorkCalendar) -> Due:
    """``due_at`` with its provisional flag: clock hours never depend on the calendar."""
    at = due_at(start, limit, calendar)
    if limit.unit in CLOCK_UNITS:
        return Due(at, False)
    zone = calendar.zone
    return Due(at, calendar.provisional_between(start.astimezone(zone).date(), at.astimezone(zone).date()))


def due_at(start: dt.datetime, limit: Limit, calendar: WorkCalendar) -> dt.datetime:
    """When a limit starting at ``start`` runs out.

    Clock hours are plain elapsed time. Working days land on the N-th working day after the start's
    local date, at the same local time of day (a ticket signed on Friday 20:00 with one working day
    is due Monday 20:00; across 国庆 2026, +5 working days from 29 September is 12 October).
    """
    elapsed = limit.clock
    if elapsed is not None:
        return start + elapsed
    local = start.astimezone(calendar.zone)
    day = calendar.add_workdays(local.date(), int(limit.value))
    return dt.datetime.combine(day, local.time(), tzinfo=calendar.zone)


@dataclass(frozen=True)
class Ladder:
    """When each escalation step of a deadline falls due."""

    warn_ratio: float  # warn when this share of the time is used (0.8 → at 80%)
    urge_after: dt.timedelta  # 催办 this long after the deadline passed
    supervise_after: dt.timedelta  # 督办 this long after the urge

    def step_times(self, start: dt.datetime, due: dt.datetime) -> dict[str, dt.datetime]:
        warn = start + (due - start) * self.warn_ratio
        urge = due + self.urge_after
        return {WARN: warn, OVERDUE: due, URGE: urge, SUPERVISE: urge + self.supervise_after}

    def next_step(
        self, start: dt.datetime, due: dt.datetime, done: Iterable[str]
    ) -> tuple[str, dt.datetime] | None:
        """The first step not yet done, and when it falls due (None when the ladder is climbed)."""
        finished = set(done)
        times = self.step_times(start, due)
        for step in STEPS:
            if step not in finished:
                return step, times[step]
        return None
