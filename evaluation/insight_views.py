"""Insight pages (以数感知): the early-warning list (acknowledge, close) and the stored reports."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.exceptions import TicketConflict

from . import analytics, quadrants, scoring, selectors, services
from .choices import ReportKind, WarningKind, WarningStatus
from .exports import rows_csv, rows_xlsx
from .models import PeriodScore, Report
from .reports import report_rows


@login_required
@permission_required("evaluation.view_earlywarning", raise_exception=True)
def warnings_page(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or WarningStatus.OPEN
    kind = request.GET.get("kind") or ""
    warnings = selectors.warnings_for_user(user=request.user)
    if status in WarningStatus.values:
        warnings = warnings.filter(status=status)
    if kind in WarningKind.values:
        warnings = warnings.filter(kind=kind)
    return render(
        request,
        "evaluation/warnings.html",
        {
            "warnings": list(warnings[:300]),
            "status": status,
            "kind": kind,
            "statuses": WarningStatus.choices,
            "kinds": WarningKind.choices,
            "may_handle": request.user.has_perm("evaluation.handle_earlywarning"),
        },
    )


@login_required
@require_POST
def warning_handle(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    warning = selectors.warnings_for_user(user=request.user).filter(pk=pk).first()
    if warning is None or action not in ("acknowledge", "close"):
        raise Http404
    try:
        services.warning_handle(
            warning=warning,
            by=request.user,
            close=action == "close",
            note=request.POST.get("note", ""),  # type: ignore[arg-type]
        )
        messages.success(request, _("Warning updated."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (PermissionDenied, TicketConflict) as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("insight:warnings"))


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    """日报、周报、月报 as built by Celery."""
    _reader(request)
    kind = request.GET.get("kind") or ""
    reports = Report.objects.order_by("-window_end", "kind")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    return render(
        request,
        "evaluation/reports.html",
        {"reports": list(reports.defer("data")[:200]), "kind": kind, "kinds": ReportKind.choices},
    )


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    report = get_object_or_404(Report, pk=pk)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = report_rows(report.data)
        name = f"report-{report.kind}-{report.window_start:%Y%m%d%H%M}"
        if export == "csv":
            response = HttpResponse(rows_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                rows_xlsx(rows, title=report.label),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
        return response
    return render(request, "evaluation/report.html", {"report": report, "data": report.data})


def _reader(request: HttpRequest) -> None:
    if not selectors.may_read_insight(request.user):
        raise PermissionDenied


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """以数感知: the month's volume by district (map, per 1,000 residents) and street (table with
    环比), the category treemap, the daily trend, the streets' quadrants, open warnings."""
    _reader(request)
    today = timezone.localdate()
    month = today.replace(day=1)
    labels = []
    for _n in range(12):
        labels.append(f"{month:%Y-%m}")
        month, _end = scoring.previous_period(month)
    label = request.GET.get("period") if request.GET.get("period") in labels else labels[0]
    start, end = scoring.period_from_label(label, 1)
    district = request.GET.get("district") or None
    districts = list(selectors.district_regions())
    if district not in {d.code for d in districts}:
        district = None
    per_thousand = {row["district"]: row for row in analytics.per_thousand_residents(since=start, until=end)}
    rules = quadrants.Rules.from_settings(settings.INSIGHT_QUADRANT_RULES)
    placed, axes = quadrants.classify(analytics.quadrant_subjects(subject="street", label=label), rules)
    charts = {
        "map": {
            "geojson": selectors.district_geojson(),
            "values": [
                {
                    "name": d.name,
                    "code": d.code,
                    "value": per_thousand[d.code]["per_thousand"] if d.code in per_thousand else None,
                    "count": per_thousand[d.code]["count"] if d.code in per_thousand else 0,
                }
                for d in districts
            ],
        },
        "tree": analytics.category_tree(since=start, until=end),
        "trend": analytics.daily_volume(since=start, until=end),
        "quadrants": {"axes": axes, "points": [asdict(p) for p in placed]},
    }
    streets = analytics.volume(since=start, until=end, region_level="street", district=district, limit=60)
    rates = {
        row["unit__region__code"]: row
        for row in PeriodScore.objects.filter(group="street", label=label).values(
            "unit__region__code", "satisfaction_rate", "resolution_rate", "composite", "rank"
        )
    }
    for street in streets:
        street["scores"] = rates.get(street["region"])
    return render(
        request,
        "evaluation/insight.html",
        {
            "label": label,
            "labels": labels,
            "districts": districts,
            "district": district,
            "streets": streets,
            "charts": charts,
            "overview": analytics.overview(since=start, until=end),
            "open_warnings": selectors.warnings_for_user(user=request.user)
            .filter(status=WarningStatus.OPEN)
            .count(),
        },
    )
