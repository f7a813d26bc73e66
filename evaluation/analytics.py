"""Insight reads (以数感知): volumes by region and category level over a period with 环比 and 同比,
top categories, volume per 1,000 residents, channel split, direct-answer and dispatch shares, and the
每月一题 candidates. Every figure is a grouped SQL aggregate; rows never stream through Python."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from dispatch.directory.choices import RegionLevel
from dispatch.directory.jurisdiction import jurisdiction
from dispatch.directory.models import Region
from orders.choices import Channel, TicketState
from orders.models import Ticket

from . import scoring
from .choices import Satisfaction
from .models import Callback

REGION_FIELDS = {"city": None, "district": "district", "street": "street"}
CATEGORY_FIELDS = {1: "category__parent__parent", 2: "category__parent", 3: "category"}


Moment = dt.date | dt.datetime


def _bounds(since: Moment, until: Moment) -> tuple[dt.datetime, dt.datetime]:
    """Local dates become the midnights that bound them; datetimes (a report's 12:00 window) stay."""
    if isinstance(since, dt.datetime) and isinstance(until, dt.datetime):
        return since, until
    assert not isinstance(since, dt.datetime)
    assert not isinstance(until, dt.datetime)
    return scoring.period_bounds(since, until, timezone.get_default_timezone())


def _shift_year(day: Any) -> Any:
    """The same date (or moment) a year earlier."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _change(now: int, before: int) -> float | None:
    return None if not before else round(100 * (now - before) / before, 1)


def citizen_tickets() -> QuerySet[Ticket]:
    """What citizens asked: proactive work is reported separately."""
    return Ticket.objects.exclude(channel=Channel.PROACTIVE)


@dataclass(frozen=True)
class Windows:
    """A period and what it is compared with: the previous period and the same period a year earlier.
    When the period is unfinished (``elapsed``), all three cover the same elapsed span from their
    start, so a month two days old is set against the first two days of the months before."""

    current: tuple[dt.datetime, dt.datetime]
    previous: tuple[dt.datetime, dt.datetime]
    year_ago: tuple[dt.datetime, dt.datetime]
    elapsed: dt.timedelta | None = None  # set when the period is unfinished

    @classmethod
    def of_month(cls, label: str, now: dt.datetime) -> Windows:
        start_day, end_day = scoring.period_from_label(label, 1)
        start, end = _bounds(start_day, end_day)
        previous_start, _ = _bounds(*scoring.previous_period(start_day))
        year_start, year_end = _bounds(_shift_year(start_day), _shift_year(end_day))
        if now >= end:
            return cls((start, end), (previous_start, start), (year_start, year_end))
        elapsed = max(now - start, dt.timedelta(0))
        return cls(
            (start, start + elapsed),
            (previous_start, previous_start + elapsed),
            (year_start, year_start + elapsed),
            elapsed,
        )

    @classmethod
    def of_span(cls, since: Moment, until: Moment) -> Windows:
        """Dates (or moments): the previous span of the same length, and the span a year earlier."""
        length: dt.timedelta = until - since  # type: ignore[operator]
        return cls(
            _bounds(since, until),
            _bounds(since - length, since),
            _bounds(_shift_year(since), _shift_year(until)),
        )


def volume(
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    windows: Windows | None = None,
    region_level: str = "district",
    category_level: int | None = None,
    district: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Tickets per region (and category) in [since, until), with the previous period of the same
    length (环比) and the same period a year earlier (同比) — one grouped query over the three windows.
    ``windows`` gives the three windows instead (a month, or the elapsed part of one)."""
    if windows is None:
        assert since is not None
        assert until is not None
        windows = Windows.of_span(since, until)
    spans = {"count": windows.current, "previous": windows.previous, "year_ago": windows.year_ago}
    span = Q()
    for start, end in spans.values():
        span |= Q(created_at__gte=start, created_at__lt=end)
    queryset = citizen_tickets().filter(span)
    if district:
        queryset = queryset.filter(district__code=district)
    keys: list[str] = []
    region_field = REGION_FIELDS[region_level]
    if region_field:
        keys += [f"{region_field}__code", f"{region_field}__name"]
    if category_level:
        field = CATEGORY_FIELDS[category_level]
        keys += [f"{field}__code", f"{field}__name"]
    counts = {
        name: Count("pk", filter=Q(created_at__gte=start, created_at__lt=end))
        for name, (start, end) in spans.items()
    }
    rows = (
        queryset.values(*keys).annotate(**counts).filter(count__gt=0).order_by("-count")[:limit]
        if keys
        else [queryset.aggregate(**counts)]
    )
    out = []
    for row in rows:
        item: dict[str, Any] = {
            "region": row.get(f"{region_field}__code") if region_field else "110000",
            "region_name": row.get(f"{region_field}__name") if region_field else jurisdiction().name,
            "count": row["count"],
            "previous": row["previous"],
            "year_ago": row["year_ago"],
            "change_vs_previous": _change(row["count"], row["previous"]),
            "change_vs_year_ago": _change(row["count"], row["year_ago"]),
        }
        if category_level:
            field = CATEGORY_FIELDS[category_level]
            item["category"], item["category_name"] = row[f"{field}__code"], row[f"{field}__name"]
        out.append(item)
    return out


def top_categories(
    *,
    since: Moment,
    until: Moment,
    n: int = 10,
    level: int = 3,
    district: str | None = None,
    street: str | None = None,
) -> list[dict[str, Any]]:
    start, end = _bounds(since, until)
    queryset = citizen_tickets().filter(created_at__gte=start, created_at__lt=end)
    if district:
        queryset = queryset.filter(district__code=district)
    if street:
        queryset = queryset.filter(street__code=street)
    field = CATEGORY_FIELDS[level]
    return [
        {"category": row[f"{field}__code"], "name": row[f"{field}__name"], "count": row["n"]}
        for row in queryset.values(f"{field}__code", f"{field}__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:n]
    ]


def overview(*, since: Moment, until: Moment) -> dict[str, Any]:
    """The period at a glance: volume, channel split, direct-answer and dispatch shares, proactive work."""
    start, end = _bounds(since, until)
    period = Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
    citizen = period.exclude(channel=Channel.PROACTIVE)
    totals = citizen.aggregate(
        logged=Count("pk", filter=~Q(state=TicketState.REJECTED)),
        rejected=Count("pk", filter=Q(state=TicketState.REJECTED)),
        answered=Count("pk", filter=Q(state=TicketState.ANSWERED)),
        merged=Count("pk", filter=Q(state=TicketState.MERGED)),
        dispatched=Count("pk", filter=Q(dispatched_at__isnull=False)),
        complaints=Count("pk", filter=Q(demand_type="complaint")),
    )
    proactive = period.filter(channel=Channel.PROACTIVE).aggregate(
        raised=Count("pk"), closed=Count("pk", filter=Q(state=TicketState.CLOSED))
    )
    channels = {row["channel"]: row["n"] for row in citizen.values("channel").annotate(n=Count("pk"))}
    logged = totals["logged"]
    return {
        **totals,
        "direct_answer_rate": round(100 * totals["answered"] / logged, 2) if logged else None,
        "dispatch_share": round(100 * totals["dispatched"] / logged, 2) if logged else None,
        "channels": channels,
        "proactive": proactive,
    }


def per_thousand_residents(*, since: Moment, until: Moment) -> list[dict[str, Any]]:
    start, end = _bounds(since, until)
    population = dict(
        Region.objects.filter(level=RegionLevel.DISTRICT, population__isnull=False).values_list(
            "pk", "population"
        )
    )
    rows = (
        citizen_tickets()
        .filter(created_at__gte=start, created_at__lt=end, district__isnull=False)
        .values("district_id", "district__code", "district__name")
        .annotate(n=Count("pk"))
    )
    return sorted(
        (
            {
                "district": row["district__code"],
                "name": row["district__name"],
                "count": row["n"],
                "per_thousand": round(1000 * row["n"] / population[row["district_id"]], 3),
            }
            for row in rows
            if population.get(row["district_id"])
        ),
        key=lambda r: -r["per_thousand"],
    )


# ------------------------------------------------------------------------------- 每月一题

TOPIC_MONTHS = 6  # persistence is counted over this many months
TOPIC_TOP = 20  # "in the top list" means among this many categories by volume


def topic_candidates(*, month: dt.date, n: int = 10) -> list[dict[str, Any]]:
    """Candidates for 每月一题 in the month containing ``month``, ranked by

        0.40·volume/max + 0.25·breadth/max + 0.20·persistence/6 + 0.15·(1 − satisfaction)

    volume: the month's tickets of the category; breadth: how many streets they came from;
    persistence: in how many of the last six months the category was among the top 20 by volume;
    satisfaction: the share of satisfied (基本满意 counted 0.9) among its valid callbacks, the month.
    """
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    first = start
    for _ in range(TOPIC_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    since, until = _bounds(first, end)
    month_start, month_end = _bounds(start, end)
    history = (
        citizen_tickets()
        .filter(created_at__gte=since, created_at__lt=until)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "category_id")
        .annotate(n=Count("pk"))
    )
    by_month: dict[Any, list[tuple[int, int]]] = {}
    for entry in history:
        by_month.setdefault(entry["month"], []).append((entry["n"], entry["category_id"]))
    persistence: dict[int, int] = {}
    for rows in by_month.values():
        for _n, category in sorted(rows, reverse=True)[:TOPIC_TOP]:
            persistence[category] = persistence.get(category, 0) + 1
    current = list(
        citizen_tickets()
        .filter(created_at__gte=month_start, created_at__lt=month_end)
        .values("category_id", "category__code", "category__name", "category__parent__name")
        .annotate(n=Count("pk"), streets=Count("street", distinct=True))
        .order_by("-n")[: n * 5]
    )
    if not current:
        return []
    ids = [row["category_id"] for row in current]
    satisfaction = {
        row["ticket__category_id"]: row
        for row in Callback.objects.filter(
            is_final=True,
            valid=True,
            completed_at__gte=month_start,
            completed_at__lt=month_end,
            ticket__category_id__in=ids,
        )
        .values("ticket__category_id")
        .annotate(
            valid_n=Count("pk"),
            satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            basic=Count("pk", filter=Q(satisfaction=Satisfaction.BASIC)),
        )
    }
    top_volume = max(row["n"] for row in current)
    top_breadth = max(row["streets"] for row in current) or 1
    out = []
    for row in current:
        s = satisfaction.get(row["category_id"])
        rate = (s["satisfied"] + 0.9 * s["basic"]) / s["valid_n"] if s and s["valid_n"] else None
        months = persistence.get(row["category_id"], 0)
        score = (
            0.40 * row["n"] / top_volume
            + 0.25 * row["streets"] / top_breadth
            + 0.20 * months / TOPIC_MONTHS
            + 0.15 * (1 - (rate if rate is not None else 1))
        )
        out.append(
            {
                "category": row["category__code"],
                "name": row["category__name"],
                "family": row["category__parent__name"],
                "volume": row["n"],
                "streets": row["streets"],
                "months_in_top": months,
                "satisfaction": None if rate is None else round(100 * rate, 1),
                "score": round(score, 4),
            }
        )
    out.sort(key=lambda r: (-r["score"], r["category"]))
    return out[:n]


def topic_tracking(*, category_id: int, adopted: dt.datetime, months: int = 12) -> list[dict[str, Any]]:
    """The topic's dispatched tickets per month, from the month of adoption."""
    start = timezone.localtime(adopted).date().replace(day=1)
    since, _until = _bounds(start, start + dt.timedelta(days=1))
    rows = (
        citizen_tickets()
        .filter(category_id=category_id, created_at__gte=since, dispatched_at__isnull=False)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")[:months]
    )
    return [{"month": row["month"].strftime("%Y-%m"), "dispatched": row["n"]} for row in rows]


# -------------------------------------------------------------------------------- quadrants


def daily_volume(*, since: Moment, until: Moment) -> list[dict[str, Any]]:
    """Tickets per local day (a trend line)."""
    start, end = _bounds(since, until)
    rows = (
        citizen_tickets()
        .filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [{"day": row["day"].isoformat(), "count": row["n"]} for row in rows]


def category_tree(*, since: Moment, until: Moment) -> list[dict[str, Any]]:
    """Tickets by category family (二级) under their tier (一级), for a treemap."""
    start, end = _bounds(since, until)
    rows = (
        citizen_tickets()
        .filter(created_at__gte=start, created_at__lt=end)
        .values("category__parent__parent__name", "category__parent__name")
        .annotate(n=Count("pk"))
    )
    tiers: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        tiers.setdefault(row["category__parent__parent__name"] or "—", []).append(
            {"name": row["category__parent__name"] or "—", "value": row["n"]}
        )
    return [
        {"name": tier, "value": sum(c["value"] for c in children), "children": children}
        for tier, children in sorted(tiers.items(), key=lambda item: -sum(c["value"] for c in item[1]))
    ]
