"""SLA policy and the working-day calendar: reading them for the deadline math, and loading them.

The policy and the calendar are data (``SlaPolicy``/``SlaTier``, ``CalendarYear``/``CalendarDay``),
edited in the admin. Readers get plain objects (``orders.deadlines``), cached per process in the
directory cache; loaders and admin saves clear it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.directory.cache import cached, directory_cache_clear
from dispatch.directory.choices import UrgencyTier
from dispatch.directory.jurisdiction import jurisdiction

from . import deadlines
from .choices import OFFICIAL_CALENDAR_SOURCES, CalendarSource, DeadlineClock, LimitUnit
from .holiday_notice import parse_notice
from .models import CalendarDay, CalendarYear, SlaPolicy, SlaTier
from .statutory_holidays import provisional_schedule

PACKAGE_SOURCE = "chinesecalendar 1.11.0（国务院办公厅历年节假日安排通知）"
PROVISIONAL_SOURCE = "按《全国年节及纪念日放假办法》（2024年修订）推算，待国务院办公厅通知发布后替换"
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


# The two whistle grades the policy gives report hours for (dispatch.choices.WhistleGrade values).
WHISTLE_ROUTINE, WHISTLE_CRITICAL = "routine", "critical"


@dataclass(frozen=True)
class Tier:
    sign: deadlines.Limit
    handle: deadlines.Limit
    callback: deadlines.Limit
    assist: deadlines.Limit
    contact: deadlines.Limit


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
    dispatch_within: dt.timedelta

    def limit(self, urgency: str, clock: str) -> deadlines.Limit:
        tier = self.tiers.get(urgency) or self.tiers[UrgencyTier.GENERAL]
        return {
            DeadlineClock.SIGN: tier.sign,
            DeadlineClock.HANDLE: tier.handle,
            DeadlineClock.CALLBACK: tier.callback,
            DeadlineClock.ASSIST: tier.assist,
            DeadlineClock.CONTACT: tier.contact,
        }[DeadlineClock(clock)]


# ----------------------------------------------------------------------------------- reading


def work_calendar(*, fresh: bool = False) -> deadlines.WorkCalendar:
    """The working-day calendar; ``fresh`` reads the database instead of this process's cache."""
    return _calendar_load() if fresh else cached("sla", "calendar", _calendar_load)


def _calendar_load() -> deadlines.WorkCalendar:
    days = list(CalendarDay.objects.values_list("day", "is_workday"))
    years = dict(CalendarYear.objects.values_list("year", "kind"))
    return deadlines.WorkCalendar(
        official_years=frozenset(y for y, kind in years.items() if kind in OFFICIAL_CALENDAR_SOURCES),
        stored_years=frozenset(years),
        first_year=min(years, default=None),
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
                assist=deadlines.Limit(float(t.assist_value), t.assist_unit),
                contact=deadlines.Limit(float(t.contact_value), t.contact_unit),
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
                WHISTLE_ROUTINE: policy.whistle_routine_hours,
                WHISTLE_CRITICAL: policy.whistle_critical_hours,
            },
            dispatch_within=dt.timedelta(minutes=policy.dispatch_within_minutes),
        )
        loaded.append((policy.effective_from, policy_data))
    return sorted(loaded, key=lambda item: item[0], reverse=True)


def policy_at(moment: dt.datetime) -> Policy:
    """The policy in force at ``moment``: the active one with the latest start not after it."""
    for effective_from, policy in policies():
        if effective_from <= moment:
            return policy
    raise ValidationError(_("No SLA policy is in force; an administrator must add one."))


def deadline(
    *, urgency: str, clock: str, start: dt.datetime, calendar: deadlines.WorkCalendar | None = None
) -> deadlines.Due:
    """The due time of a deadline and whether it rests on a provisional calendar year.

    Never refused for a year whose notice is missing (it is provisional); only a start before the
    calendar's first year — a data error — answers with a ValidationError.
    """
    limit = policy_at(start).limit(urgency, clock)
    try:
        return deadlines.due(start, limit, calendar or work_calendar())
    except deadlines.CalendarMissing as missing:
        raise ValidationError(
            {
                "deadline": _(
                    "The working-day calendar starts after %(year)s, so a %(limit)s deadline cannot be set."
                )
                % {"year": missing.year, "limit": limit.describe()}
            }
        ) from missing


def provisional_calendar_years(today: dt.date | None = None) -> list[int]:
    """This year and, from November, next year — those without the official schedule (banner, notice)."""
    today = today or timezone.localdate()
    wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    official = set(
        CalendarYear.objects.filter(year__in=wanted, kind__in=OFFICIAL_CALENDAR_SOURCES).values_list(
            "year", flat=True
        )
    )
    return [year for year in wanted if year not in official]


# ----------------------------------------------------------------------------------- loading


@transaction.atomic
def calendar_load_from_package(*, years: range | None = None) -> dict[int, int]:
    """Load the official schedules the ``chinesecalendar`` package carries (2004–2026). Idempotent.

    A year already imported from a notice is left as it is. Returns the number of exception days
    per year loaded.
    """
    from chinese_calendar import constants

    days: dict[dt.date, tuple[bool, str]] = {}
    for day, name in constants.holidays.items():
        days[day] = (False, HOLIDAY_NAMES.get(name, name))
    for day, name in constants.workdays.items():
        days[day] = (True, HOLIDAY_NAMES.get(name, name))
    covered = sorted({d.year for d in days})
    from_notice = set(CalendarYear.objects.filter(kind=CalendarSource.NOTICE).values_list("year", flat=True))
    wanted = [y for y in covered if (years is None or y in years) and y not in from_notice]
    counts = {}
    for year in wanted:
        in_year = {d: v for d, v in days.items() if d.year == year}
        _year_store(year, in_year, PACKAGE_SOURCE, CalendarSource.PACKAGE)
        counts[year] = len(in_year)
    transaction.on_commit(directory_cache_clear)
    directory_cache_clear()
    return counts


@transaction.atomic
def calendar_provisional_ensure(*, years: list[int]) -> list[int]:
    """Store the statutory provisional schedule of each year that has no schedule yet. Idempotent.

    The deadline math derives the same days on the fly for any year without rows; storing them lets
    administrators see (and correct) the days in force. Returns the years stored now.
    """
    present = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    stored = []
    for year in sorted(set(years) - present):
        schedule = provisional_schedule(year)
        days = {d: (False, name) for d, name in schedule.days_off.items() if d.year == year}
        _year_store(year, days, PROVISIONAL_SOURCE, CalendarSource.PROVISIONAL)
        stored.append(year)
    if stored:
        transaction.on_commit(directory_cache_clear)
        directory_cache_clear()
    return stored


@transaction.atomic
def calendar_year_import(*, notice_text: str, year: int | None = None) -> tuple[int, int, int]:
    """Import a State Council notice for a year; replaces that year's days (provisional or not).

    Returns (year, days off, weekends worked). Deadlines computed over the year's provisional days
    are recomputed afterwards by ``orders.services.calendar.provisional_deadlines_recompute`` (the
    management command runs it at once; the admin queues it; a periodic task catches up).
    """
    schedule = parse_notice(notice_text, year)
    days = {d: (False, name) for d, name in schedule.days_off.items()}
    days.update({d: (True, name) for d, name in schedule.workdays.items()})
    in_year = {d: v for d, v in days.items() if d.year == schedule.year}
    _year_store(
        schedule.year,
        in_year,
        f"国务院办公厅关于{schedule.year}年部分节假日安排的通知",
        CalendarSource.NOTICE,
    )
    transaction.on_commit(directory_cache_clear)
    directory_cache_clear()
    return schedule.year, len(schedule.days_off), len(schedule.workdays)


def _year_store(year: int, days: dict[dt.date, tuple[bool, str]], source: str, kind: str) -> None:
    CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "kind": kind, "loaded_at": timezone.now()}
    )
    CalendarDay.objects.filter(day__year=year).exclude(day__in=list(days)).delete()
    for day, (is_workday, name) in days.items():
        CalendarDay.objects.update_or_create(
            day=day, defaults={"is_workday": is_workday, "name": name, "source": kind}
        )


# The policy migration 0005 seeds for Beijing; a city whose profile brings its own replaces it.
SEEDED_DEFAULT_POLICY = "北京接诉即办时限（公开报道口径）"
# Callback limits when a profile gives none (the system's defaults, as in the seeded policy).
DEFAULT_CALLBACK = {
    "emergency": (24, LimitUnit.HOURS),
    "utility": (24, LimitUnit.HOURS),
    "general": (2, LimitUnit.WORKING_DAYS),
    "complex": (2, LimitUnit.WORKING_DAYS),
}


def _limit(spec: list[Any]) -> tuple[Decimal, str]:
    value, unit = spec
    if unit == "days":  # as written ("7天"): whole days of clock time
        return Decimal(value) * 24, LimitUnit.HOURS
    return Decimal(value), LimitUnit(unit)


@transaction.atomic
def policy_load_from_profile() -> SlaPolicy | None:
    """The city's own deadlines, when its profile has them (``sla_policy``): the policy is created or
    brought up to date, active from 2019 on, and the seeded Beijing default is removed. Idempotent.
    A city without its own keeps whatever policies the database has."""
    spec = jurisdiction().sla_policy
    if not spec:
        return None
    SlaPolicy.objects.filter(name=SEEDED_DEFAULT_POLICY).delete()
    policy, _created = SlaPolicy.objects.update_or_create(
        name=spec["name"][:100],
        defaults={
            "effective_from": dt.datetime(2019, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)),
            "is_active": True,
            "basis": spec.get("basis", "")
            or f"{jurisdiction().name}：profile.yaml sla_policy（依据见 SOURCES.md）",
        },
    )
    for urgency, limits in spec["tiers"].items():
        sign_value, sign_unit = _limit(limits["sign"])
        handle_value, handle_unit = _limit(limits["handle"])
        callback_value, callback_unit = (
            _limit(limits["callback"]) if "callback" in limits else DEFAULT_CALLBACK[urgency]
        )
        SlaTier.objects.update_or_create(
            policy=policy,
            urgency=urgency,
            defaults={
                "sign_value": sign_value,
                "sign_unit": sign_unit,
                "handle_value": handle_value,
                "handle_unit": handle_unit,
                "callback_value": Decimal(callback_value),
                "callback_unit": callback_unit,
            },
        )
    transaction.on_commit(directory_cache_clear)
    return policy
