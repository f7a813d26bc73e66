"""The quadrant's reads (四象限): each street's, district's or category's tickets, residents and
satisfaction over a month and the span it is compared with, placed by ``evaluation.quadrants``."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from dispatch.directory.choices import RegionKind, RegionLevel
from dispatch.directory.models import Category, Region
from orders import clock

from . import quadrants
from .analytics import Windows, citizen_tickets
from .choices import Satisfaction
from .models import Callback

QUADRANT_FIELDS = {"street": "street", "district": "district", "category": "category"}


def _area_figures(field: str, start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, Any]]:
    """Per street, district or category: its tickets in [start, end) and its satisfaction rate over
    the valid final callbacks completed then (基本满意 counted 0.9; exempt tickets left out)."""
    out: dict[int, dict[str, Any]] = {
        row[f"{field}_id"]: {
            "code": row[f"{field}__code"],
            "name": row[f"{field}__name"],
            "tickets": row["n"],
            "satisfaction": None,
        }
        for row in citizen_tickets()
        .filter(created_at__gte=start, created_at__lt=end, **{f"{field}__isnull": False})
        .values(f"{field}_id", f"{field}__code", f"{field}__name")
        .annotate(n=Count("pk"))
    }
    for row in (
        Callback.objects.filter(is_final=True, valid=True, completed_at__gte=start, completed_at__lt=end)
        .exclude(ticket__assessment_exempt=True)
        .values(f"ticket__{field}_id")
        .annotate(
            valid_n=Count("pk"),
            satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            basic=Count("pk", filter=Q(satisfaction=Satisfaction.BASIC)),
        )
    ):
        entry = out.get(row[f"ticket__{field}_id"])
        if entry is not None and row["valid_n"]:
            entry["satisfaction"] = 100 * (row["satisfied"] + 0.9 * row["basic"]) / row["valid_n"]
    return out


def residents(subject: str) -> dict[int, tuple[int, bool]]:
    """Residents each street, district or category is counted against, and whether the figure is an
    estimate. A street with its own population (a source in the directory) uses it; otherwise its
    district's census population shared equally among the district's streets — an estimate, shown
    as such. Categories are counted against the whole jurisdiction."""
    districts: dict[int, int] = {
        pk: people
        for pk, people in Region.objects.filter(
            level=RegionLevel.DISTRICT, population__isnull=False
        ).values_list("pk", "population")
        if people
    }
    if subject == "district":
        return {pk: (people, False) for pk, people in districts.items()}
    if subject == "category":
        total = sum(districts.values())
        return dict.fromkeys(Category.objects.values_list("pk", flat=True), (total, False)) if total else {}
    streets = list(
        Region.objects.filter(level=RegionLevel.STREET, is_active=True).values_list(
            "pk", "parent_id", "population", "kind"
        )
    )
    # functional zones (开发区, 机场) hold few residents: they share nothing of the district's figure
    per_district: dict[int, int] = {}
    for _pk, parent, _people, kind in streets:
        if kind != RegionKind.FUNCTIONAL_ZONE:
            per_district[parent] = per_district.get(parent, 0) + 1
    out = {}
    for pk, parent, people, kind in streets:
        if people:
            out[pk] = (people, False)
        elif kind != RegionKind.FUNCTIONAL_ZONE and districts.get(parent):
            out[pk] = (round(districts[parent] / per_district[parent]), True)
    return out


def quadrant_subjects(*, subject: str, windows: Windows) -> list[quadrants.Subject]:
    """Streets, districts or categories with the period's tickets, residents and satisfaction, and
    the previous period's (the same elapsed span when the period is unfinished)."""
    field = QUADRANT_FIELDS[subject]
    now = _area_figures(field, *windows.current)
    before = _area_figures(field, *windows.previous)
    people = residents(subject)
    out = []
    for pk, figures in now.items():
        count, estimated = people.get(pk, (None, False))
        previous = before.get(pk, {})
        out.append(
            quadrants.Subject(
                key=figures["code"],
                name=figures["name"],
                tickets=figures["tickets"],
                residents=count,
                satisfaction=figures["satisfaction"],
                previous_tickets=previous.get("tickets", 0),
                previous_satisfaction=previous.get("satisfaction"),
                residents_estimated=estimated,
            )
        )
    return out


def quadrant_chart(*, subject: str, label: str) -> dict[str, Any]:
    """The quadrant of a month for streets, districts or categories: the placed points, the lines,
    the windows compared (ISO moments, for links to the tickets) and the subjects left out."""
    windows = Windows.of_month(label, clock.now())
    rules = quadrants.Rules.from_settings(settings.INSIGHT_QUADRANT_RULES)
    subjects = quadrant_subjects(subject=subject, windows=windows)
    placed, axes = quadrants.classify(subjects, rules)
    placed_keys = {p.key for p in placed}
    return {
        "subject": subject,
        "period": label,
        "axes": axes,
        "points": [
            {
                **asdict(p),
                "rate_change_percent": None if p.rate_change is None else round(100 * p.rate_change, 1),
            }
            for p in placed
        ],
        "unplaced": sorted(
            (
                {"key": s.key, "name": s.name, "tickets": s.tickets}
                for s in subjects
                if s.key not in placed_keys
            ),
            key=lambda row: (-row["tickets"], row["key"]),
        ),
        "window": [moment.isoformat() for moment in windows.current],
        "previous_window": [moment.isoformat() for moment in windows.previous],
        "unfinished": windows.elapsed is not None,
        "min_tickets": rules.min_tickets,
    }
