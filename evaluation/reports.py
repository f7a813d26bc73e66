"""Reports (日报、周报、月报、季报、年报): which windows are due, and what a report holds.

The daily window runs from ``REPORT_DAY_CUTOFF_HOUR`` (12:00 by default) to the same hour the next
day, as the hotline's daily reports do in practice; weeks run Monday to Monday, months calendar months,
quarters and years calendar quarters and years.
The figures are the insight aggregates of ``analytics`` plus the assessment's group rates and
rankings and the warnings and topics of the window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.directory.choices import AssessmentGroup
from orders.choices import Channel

from . import analytics, scoring
from .choices import ReportKind, WarningKind
from .models import EarlyWarning, MonthlyTopic, PeriodScore


def window_ending_before(kind: str, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime, str]:
    """The last complete window of ``kind`` before ``moment``: (start, end, label)."""
    tz = timezone.get_default_timezone()
    local = timezone.localtime(moment, tz)
    if kind == ReportKind.DAILY:
        cutoff = settings.REPORT_DAY_CUTOFF_HOUR
        end = local.replace(hour=cutoff, minute=0, second=0, microsecond=0)
        if end > local:
            end -= dt.timedelta(days=1)
        start = end - dt.timedelta(days=1)
        return start, end, f"{start:%Y-%m-%d %H:%M}–{end:%m-%d %H:%M}"
    if kind == ReportKind.WEEKLY:
        monday = (local - dt.timedelta(days=local.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        start = monday - dt.timedelta(days=7)
        return start, monday, f"{start:%Y-%m-%d}–{(monday - dt.timedelta(days=1)):%m-%d}"
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if kind == ReportKind.QUARTERLY:
        quarter_start = first.replace(month=(first.month - 1) // 3 * 3 + 1)
        previous = (quarter_start - dt.timedelta(days=1)).replace(day=1)
        start = previous.replace(month=(previous.month - 1) // 3 * 3 + 1)
        return start, quarter_start, f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == ReportKind.ANNUAL:
        year_start = first.replace(month=1)
        start = year_start.replace(year=year_start.year - 1)
        return start, year_start, f"{start.year}"
    start = (first - dt.timedelta(days=1)).replace(day=1)
    return start, first, f"{start:%Y-%m}"


def report_figures(*, kind: str, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Everything a report shows — all grouped aggregates."""
    overview = analytics.overview(since=start, until=end)
    volume = analytics.volume(since=start, until=end, region_level="district")
    top = analytics.top_categories(since=start, until=end, n=10)
    # the three rates by group: the assessment period the window ends in (its latest snapshot)
    period_start, _ = scoring.period_of(timezone.localtime(end - dt.timedelta(seconds=1)).date(), 1)
    groups = []
    for row in (
        PeriodScore.objects.filter(period_start=period_start)
        .values("group")
        .annotate(
            units=Count("pk"),
            valid=Sum("valid_callbacks"),
            contacted=Sum("contacted"),
            resolved=Sum("resolved"),
            satisfied=Sum("satisfied"),
            basic=Sum("basic"),
        )
        .order_by("group")
    ):
        valid = row["valid"] or 0
        groups.append(
            {
                "group": row["group"],
                "units": row["units"],
                "valid_callbacks": valid,
                "response_rate": round(100 * row["contacted"] / valid, 2) if valid else None,
                "resolution_rate": round(100 * row["resolved"] / valid, 2) if valid else None,
                "satisfaction_rate": round(100 * (row["satisfied"] + 0.9 * row["basic"]) / valid, 2)
                if valid
                else None,
            }
        )
    ranked = PeriodScore.objects.filter(period_start=period_start, group="street", rank__isnull=False)
    best = list(
        ranked.order_by("rank", "unit__code").values("unit__code", "unit__name", "rank", "composite")[:5]
    )
    worst = list(
        ranked.order_by("-rank", "unit__code").values("unit__code", "unit__name", "rank", "composite")[:5]
    )
    warnings = dict(
        EarlyWarning.objects.filter(first_detected_at__gte=start, first_detected_at__lt=end)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    topics = list(
        MonthlyTopic.objects.filter(label=f"{timezone.localtime(start):%Y-%m}").values(
            "title", "category__code"
        )
    )
    return {
        "kind": kind,
        "overview": overview,
        "districts": volume,
        "top_categories": top,
        "rates_by_group": groups,
        "street_ranking": {"period": f"{period_start:%Y-%m}", "best": best, "worst": worst},
        "warnings": warnings,
        "topics": topics,
    }


@dataclass
class Section:
    """One table of a report, labelled in the active language: the page and the files show the same."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:  # a value no longer offered: show it as stored
        return value


def report_sections(report_data: dict[str, Any]) -> list[Section]:
    """What a report holds, as labelled tables (channels, groups and warning kinds by name)."""
    overview = report_data.get("overview", {})
    counts = Section("overview", _("Overview"), [_("item"), _("figure")])
    for key, label in (
        ("logged", _("logged")),
        ("answered", _("answered directly")),
        ("dispatched", _("dispatched")),
        ("merged", _("merged")),
        ("rejected", _("refused")),
        ("complaints", _("complaints")),
        ("direct_answer_rate", _("direct-answer rate (%)")),
        ("dispatch_share", _("dispatch share (%)")),
    ):
        if key in overview:
            counts.rows.append([label, overview[key]])
    proactive = overview.get("proactive", {})
    counts.rows.append([_("proactive tickets raised"), proactive.get("raised", 0)])
    counts.rows.append([_("proactive tickets closed"), proactive.get("closed", 0)])
    channels = Section("channels", _("Channels"), [_("channel"), _("tickets")])
    for channel, n in sorted(overview.get("channels", {}).items(), key=lambda item: -item[1]):
        channels.rows.append([_label(Channel, channel), n])
    districts = Section(
        "districts",
        _("Districts"),
        [
            _("district"),
            _("tickets"),
            _("previous period"),
            _("change vs previous period"),
            _("a year ago"),
            _("change vs a year ago"),
        ],
    )
    for d in report_data.get("districts", []):
        districts.rows.append(
            [
                d["region_name"],
                d["count"],
                d["previous"],
                d["change_vs_previous"],
                d.get("year_ago"),
                d.get("change_vs_year_ago"),
            ]
        )
    top = Section("top_categories", _("Top categories"), [_("category"), _("tickets")])
    for c in report_data.get("top_categories", []):
        top.rows.append([c["name"], c["count"]])
    rates = Section(
        "rates",
        _("Three rates by group"),
        [
            _("assessment group"),
            _("units"),
            _("valid callbacks"),
            _("response rate"),
            _("resolution rate"),
            _("satisfaction rate"),
        ],
    )
    for g in report_data.get("rates_by_group", []):
        rates.rows.append(
            [
                _label(AssessmentGroup, g["group"]),
                g.get("units"),
                g.get("valid_callbacks"),
                g["response_rate"],
                g["resolution_rate"],
                g["satisfaction_rate"],
            ]
        )
    ranking = report_data.get("street_ranking", {})
    period = ranking.get("period", "")
    best = Section(
        "best", _("Best streets (%(period)s)") % {"period": period}, [_("rank"), _("unit"), _("composite")]
    )
    worst = Section(
        "worst", _("Worst streets (%(period)s)") % {"period": period}, [_("rank"), _("unit"), _("composite")]
    )
    for side, section in (("best", best), ("worst", worst)):
        for s in ranking.get(side, []):
            section.rows.append([s["rank"], s["unit__name"], s["composite"]])
    warnings = Section("warnings", _("Warnings raised"), [_("kind"), _("warnings")])
    for kind, n in sorted(report_data.get("warnings", {}).items()):
        warnings.rows.append([_label(WarningKind, kind), n])
    topics = Section("topics", _("Topics of the month (每月一题)"), [_("topic"), _("category")])
    for t in report_data.get("topics", []):
        topics.rows.append([t["title"], t["category__code"]])
    return [counts, channels, districts, top, rates, best, worst, warnings, topics]


def report_rows(report_data: dict[str, Any]) -> list[list[Any]]:
    """The report flattened for CSV and Excel: each table's header row, then its rows, each row
    starting with the table's title (so a spreadsheet filter picks one table)."""
    rows: list[list[Any]] = []
    for section in report_sections(report_data):
        rows.append([_("section"), *section.headers])
        rows.extend([section.title, *row] for row in section.rows)
        rows.append([])
    return rows
