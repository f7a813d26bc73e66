"""SLA policy and the working-day calendar: reading them for the deadline math, and loading them.

The policy and the calendar are data (``SlaPolicy``/``SlaTier``, ``CalendarYear``/``CalendarDay``),
edited in the admin. Readers get plain objects (``orders.deadlines``), cached per process in the
directory cache; loaders and admin saves clear it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.choices import UrgencyTier, WhistleGrade
from dispatch.directory_cache import cached, directory_cache_clear

from . import deadlines
from .choices import DeadlineClock
from .holiday_notice import parse_notice
from .models import CalendarDay, CalendarYear, SlaPolicy

PACKAGE_SOURCE = "chinesecalendar 1.11.0（国务院办公厅历年节假日安排通知）"
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class Tier:
    sign: deadlines.Limit
    handle: deadlines.Limit
    callback: deadlines.Limit


@dataclass(frozen=True)
class Policy:
    """The policy in force, as plain data."""

    id: int
    name: str
    tiers: dict[str, Tier]
    ladder: deadlines.Ladder
    clock_starts: str
    max_extensions: int
    whistle_hours: dict[str, int]

    def limit(self, urgency: str, clock: str) -> deadlines.Limit:
        tier = self.tiers.get(urgency) or self.tiers[UrgencyTier.GENERAL]
        return {
            DeadlineClock.SIGN: tier.sign,
            DeadlineClock.HANDLE: tier.handle,
            DeadlineClock.CALLBACK: tier.callback,
        }[DeadlineClock(clock)]


# ----------------------------------------------------------------------------------- reading


def work_calendar() -> deadlines.WorkCalendar:
    return cached("sla", "calendar", _calendar_load)


def _calendar_load() -> deadlines.WorkCalendar:
    days = list(CalendarDay.objects.values_list("day", "is_workday"))
    return deadlines.WorkCalendar(
        years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        holidays=frozenset(d for d, work in days if not work),
        workdays=frozenset(d for d, work in days if work),
        zone=ZoneInfo(settings.TIME_ZONE),
    )


def policies() -> list[tuple[dt.datetime, Policy]]:
    """Active policies with their effective dates, newest first."""
    return cached("sla", "policies", _policies_load)


def _policies_load() -> list[tuple[dt.datetime, Policy]]:
    loaded = []
    for policy in (
        SlaPolicy.objects.filter(is_active=True).prefetch_related("tiers").order_by("-effective_from")
    ):
        tiers = {
            t.urgency: Tier(
                sign=deadlines.Limit(float(t.sign_value), t.sign_unit),
                handle=deadlines.Limit(float(t.handle_value), t.handle_unit),
                callback=deadlines.Limit(float(t.callback_value), t.callback_unit),
            )
            for t in policy.tiers.all()
        }
        policy_data = Policy(
            id=policy.pk,
            name=policy.name,
            tiers=tiers,
            ladder=deadlines.Ladder(
                warn_ratio=float(policy.warn_ratio),
                urge_after=dt.timedelta(hours=policy.urge_after_hours),
                supervise_after=dt.timedelta(hours=policy.supervise_after_hours),
            ),
            clock_starts=policy.handling_clock_starts,
            max_extensions=policy.max_extensions,
            whistle_hours={
                WhistleGrade.ROUTINE: policy.whistle_routine_hours,
                WhistleGrade.CRITICAL: policy.whistle_critical_hours,
            },
        )
        loaded.append((policy.effective_from, policy_data))
    return sorted(loaded, key=lambda item: item[0], reverse=True)


def policy_at(moment: dt.datetime) -> Policy:
    """The policy in force at ``moment``: the active one with the latest start not after it."""
    for effective_from, policy in policies():
        if effective_from <= moment:
            return policy
    raise ValidationError(_("No SLA policy is in force; an administrator must add one."))


def deadline(*, urgency: str, clock: str, start: dt.datetime) -> dt.datetime:
    """The due time of a deadline, or a ValidationError that says what to load."""
    limit = policy_at(start).limit(urgency, clock)
    try:
        return deadlines.due_at(start, limit, work_calendar())
    except deadlines.CalendarMissing as missing:
        raise ValidationError(
            {
                "deadline": _(
                    "The working-day calendar for %(year)s is not loaded, so a %(limit)s deadline cannot be "
                    "set. An administrator imports that year's State Council holiday notice."
                )
                % {"year": missing.year, "limit": limit.describe()}
            }
        ) from missing


def missing_calendar_years(today: dt.date | None = None) -> list[int]:
    """This year and, from November, next year — those without a loaded schedule (admin warning)."""
    today = today or timezone.localdate()
    wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    loaded = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in loaded]


# ----------------------------------------------------------------------------------- loading


@transaction.atomic
def calendar_load_from_package(*, years: range | None = None) -> dict[int, int]:
    """Load the official schedules the ``chinesecalendar`` package carries (2004–2026). Idempotent.

    Returns the number of exception days per year loaded.
    """
    from chinese_calendar import constants

    days: dict[dt.date, tuple[bool, str]] = {}
    for day, name in constants.holidays.items():
        days[day] = (False, HOLIDAY_NAMES.get(name, name))
    for day, name in constants.workdays.items():
        days[day] = (True, HOLIDAY_NAMES.get(name, name))
    covered = sorted({d.year for d in days})
    wanted = [y for y in covered if years is None or y in years]
    counts = {}
    for year in wanted:
        _year_store(year, {d: v for d, v in days.items() if d.year == year}, PACKAGE_SOURCE)
        counts[year] = sum(1 for d in days if d.year == year)
    transaction.on_commit(directory_cache_clear)
    directory_cache_clear()
    return counts


@transaction.atomic
def calendar_year_import(*, notice_text: str, year: int | None = None) -> tuple[int, int, int]:
    """Import a State Council notice for a year; replaces that year's exception days.

    Returns (year, days off, weekends worked).
    """
    schedule = parse_notice(notice_text, year)
    days = {d: (False, name) for d, name in schedule.days_off.items()}
    days.update({d: (True, name) for d, name in schedule.workdays.items()})
    in_year = {d: v for d, v in days.items() if d.year == schedule.year}
    _year_store(schedule.year, in_year, f"国务院办公厅关于{schedule.year}年部分节假日安排的通知")
    transaction.on_commit(directory_cache_clear)
    directory_cache_clear()
    return schedule.year, len(schedule.days_off), len(schedule.workdays)


def _year_store(year: int, days: dict[dt.date, tuple[bool, str]], source: str) -> None:
    CalendarYear.objects.update_or_create(year=year, defaults={"source": source, "loaded_at": timezone.now()})
    CalendarDay.objects.filter(day__year=year).exclude(day__in=list(days)).delete()
    for day, (is_workday, name) in days.items():
        CalendarDay.objects.update_or_create(day=day, defaults={"is_workday": is_workday, "name": name})
