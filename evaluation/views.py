"""考评 pages: the ranking of a group, a unit's trend and drill-down, the district map, and exports.

Server-rendered; every read goes through ``selectors`` (assessors and administrators see every
unit, a unit its own). Charts and the map are drawn by the vendored ECharts from JSON embedded in
the page with ``json_script`` — nothing is loaded from elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.directory.choices import AssessmentGroup
from dispatch.directory.models import Unit

from . import exports, scoring, selectors
from .models import PeriodScore

SORTABLE = {
    "rank": gettext_lazy("rank"),
    "composite": gettext_lazy("composite score"),
    "response_rate": gettext_lazy("response rate"),
    "resolution_rate": gettext_lazy("resolution rate"),
    "satisfaction_rate": gettext_lazy("satisfaction rate"),
    "tickets": gettext_lazy("tickets led"),
    "valid_callbacks": gettext_lazy("valid callbacks"),
    "signed_on_time_rate": gettext_lazy("signed on time"),
    "handled_on_time_rate": gettext_lazy("handled on time"),
    "overdue": gettext_lazy("overdue"),
    "rank_change": gettext_lazy("rank change"),
}


def _choice(value: str | None, allowed: list[str], default: str | None) -> str | None:
    return value if value in allowed else default


def _ordering(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    field = sort.lstrip("-")
    if field == "rank_change":
        expression: Any = F("previous_rank") - F("rank")
    else:
        expression = F(field)
    ordered = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return [ordered, "unit__code"]


def _ranking_context(request: HttpRequest) -> dict[str, Any]:
    group = _choice(request.GET.get("group"), list(AssessmentGroup.values), AssessmentGroup.STREET)
    assert group is not None
    periods = selectors.periods(group=group)
    period = _choice(request.GET.get("period"), periods, periods[0] if periods else None)
    districts = list(selectors.district_regions())
    district = _choice(request.GET.get("district"), [d.code for d in districts], None)
    sort = request.GET.get("sort") or "rank"
    if sort.lstrip("-") not in SORTABLE:
        sort = "rank"
    query = (request.GET.get("q") or "").strip()[:40]
    scores = selectors.ranking(
        user=request.user, group=group, label=period, district=district, search=query
    ).order_by(*_ordering(sort))
    return {
        "group": group,
        "groups": AssessmentGroup.choices,
        "periods": periods,
        "period": period,
        "districts": districts,
        "district": district,
        "sort": sort,
        "q": query,
        "scores": scores,
        "columns": SORTABLE,
        "sees_all": selectors.sees_all_scores(request.user),
    }


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """排名: one group's ranking for a period, sortable and filterable, with rank changes."""
    context = _ranking_context(request)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(context, export)
    return render(request, "evaluation/ranking.html", context)


def _export(context: dict[str, Any], kind: str) -> HttpResponse:
    group_label = dict(AssessmentGroup.choices)[context["group"]]
    name = f"assessment-{context['group']}-{context['period'] or 'none'}"
    scores = context["scores"]
    if kind == "csv":
        response = HttpResponse(exports.scores_csv(scores), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    title = f"{context['period'] or ''} {group_label}"
    response = HttpResponse(
        exports.scores_xlsx(scores, title=title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's 12-period trend of the three rates and the composite, and its assessed tickets."""
    unit = get_object_or_404(Unit.objects.select_related("region", "parent"), code=code)
    visible = selectors.visible_unit_ids(request.user)
    if visible is not None and unit.pk not in visible:
        raise Http404
    groups = selectors.unit_groups(unit=unit)
    group = _choice(request.GET.get("group"), groups, groups[0] if groups else unit.assessment_group)
    assert group is not None
    trend = selectors.unit_trend(unit=unit, group=group)
    labels = [score.label for score in trend]
    period = _choice(request.GET.get("period"), labels, labels[-1] if labels else None)
    page = None
    if period is not None:
        start_day = selectors.scheme_for(group, timezone.localdate()).period_start_day
        start, end = scoring.period_from_label(period, start_day)
        callbacks = selectors.unit_callbacks(
            unit=unit, start=start, end=end, district=group == AssessmentGroup.DISTRICT
        )
        page = Paginator(callbacks, 50).get_page(request.GET.get("page"))
    chart = {
        "labels": labels,
        "series": [
            {"name": _("response rate"), "data": [_round(s.response_rate) for s in trend]},
            {"name": _("resolution rate"), "data": [_round(s.resolution_rate) for s in trend]},
            {"name": _("satisfaction rate"), "data": [_round(s.satisfaction_rate) for s in trend]},
            {"name": _("composite score"), "data": [_round(s.composite) for s in trend]},
        ],
    }
    return render(
        request,
        "evaluation/unit.html",
        {
            "unit": unit,
            "group": group,
            "groups": [(g, dict(AssessmentGroup.choices)[g]) for g in groups],
            "trend": list(reversed(trend)),
            "chart": chart,
            "period": period,
            "page": page,
        },
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@login_required
def district_map(request: HttpRequest) -> HttpResponse:
    """各区: the city's districts coloured by composite score, the streets of a district beside."""
    periods = selectors.periods(group=AssessmentGroup.DISTRICT) or selectors.periods(
        group=AssessmentGroup.STREET
    )
    period = _choice(request.GET.get("period"), periods, periods[0] if periods else None)
    districts = list(selectors.district_regions())
    district = _choice(request.GET.get("district"), [d.code for d in districts], None)
    district_scores: QuerySet[PeriodScore] = selectors.ranking(
        user=request.user, group=AssessmentGroup.DISTRICT, label=period
    )
    by_region = {score.unit.region_id: score for score in district_scores}
    values = [
        {
            "name": region.name,
            "code": region.code,
            "value": _round(by_region[region.pk].composite) if region.pk in by_region else None,
            "rank": by_region[region.pk].rank if region.pk in by_region else None,
        }
        for region in districts
    ]
    streets = selectors.ranking(
        user=request.user, group=AssessmentGroup.STREET, label=period, district=district
    ).order_by(F("rank").asc(nulls_last=True), "unit__code")
    return render(
        request,
        "evaluation/map.html",
        {
            "periods": periods,
            "period": period,
            "districts": districts,
            "district": district,
            "district_name": next((d.name for d in districts if d.code == district), None),
            "map": {"geojson": selectors.district_geojson(), "values": values},
            "streets": streets,
        },
    )
