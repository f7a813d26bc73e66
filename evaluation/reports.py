"""Reports (日报、周报、月报、季报、年报): which windows are due, and what a report holds.

The daily window runs from ``REPORT_DAY_CUTOFF_HOUR`` (12:00 by default) to the same hour the next
day, as the hotline's daily reports do in practice; weeks run Monday to Monday, months calendar months,
quarters and years calendar quarters and years.
The figures are the insight aggregates of ``analytics`` plus the assessment's group rates and
rankings and the warnings and topics of the window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from . import analytics, scoring
from .choices import ReportKind
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


def report_rows(report_data: dict[str, Any]) -> list[list[Any]]:
    """The report flattened to rows (section, item, figure …) for CSV and Excel."""
    rows: list[list[Any]] = [["section", "item", "value", "previous", "change %"]]
    overview = report_data.get("overview", {})
    for key in (
        "logged",
        "rejected",
        "answered",
        "merged",
        "dispatched",
        "direct_answer_rate",
        "dispatch_share",
    ):
        rows.append(["overview", key, overview.get(key), "", ""])
    for channel, n in sorted(overview.get("channels", {}).items()):
        rows.append(["channels", channel, n, "", ""])
    for key, n in overview.get("proactive", {}).items():
        rows.append(["proactive", key, n, "", ""])
    for d in report_data.get("districts", []):
        rows.append(["districts", d["region_name"], d["count"], d["previous"], d["change_vs_previous"]])
    for c in report_data.get("top_categories", []):
        rows.append(["top_categories", c["name"], c["count"], "", ""])
    for g in report_data.get("rates_by_group", []):
        rows.append(["rates", g["group"], g["response_rate"], g["resolution_rate"], g["satisfaction_rate"]])
    ranking = report_data.get("street_ranking", {})
    for side in ("best", "worst"):
        for s in ranking.get(side, []):
            rows.append([f"ranking_{side}", s["unit__name"], s["rank"], s["composite"], ""])
    for kind, n in sorted(report_data.get("warnings", {}).items()):
        rows.append(["warnings", kind, n, "", ""])
    for t in report_data.get("topics", []):
        rows.append(["topics", t["title"], t["category__code"], "", ""])
    return rows
