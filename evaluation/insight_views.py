"""Insight pages (以数感知): the early-warning list (acknowledge, close) and the stored reports."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dispatch.directory.choices import AssessmentGroup
from dispatch.directory.models import Category, Region
from orders import clock
from orders.choices import Channel
from orders.exceptions import TicketConflict
from orders.selectors import ticket_list_for_user

from . import analytics, quadrant_reads, scoring, selectors, services
from .choices import ReportKind, WarningKind, WarningStatus
from .exports import rows_csv, rows_xlsx
from .models import PeriodScore, Report
from .reports import report_rows, report_sections


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
        # the window's start in the jurisdiction's time, as the report's label shows it
        name = f"report-{report.kind}-{timezone.localtime(report.window_start):%Y%m%d%H%M}"
        if export == "csv":
            response = HttpResponse(rows_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                rows_xlsx(rows, title=report.label),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
        return response
    return render(
        request,
        "evaluation/report.html",
        {"report": report, "data": report.data, "sections": report_sections(report.data)},
    )


def _reader(request: HttpRequest) -> None:
    if not selectors.may_read_insight(request.user):
        raise PermissionDenied


SUBJECTS = {"street", "district", "category"}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """以数感知: the month's volume by district (map, per 1,000 residents) and street (table with
    环比 and 同比), the category treemap, the daily trend, the quadrant, open warnings. An unfinished
    month is compared with the same elapsed span of the previous month and of last year."""
    _reader(request)
    now = clock.now()
    month = timezone.localdate(now).replace(day=1)
    labels = []
    for _n in range(12):
        labels.append(f"{month:%Y-%m}")
        month, _end = scoring.previous_period(month)
    label = request.GET.get("period") if request.GET.get("period") in labels else labels[0]
    subject = request.GET.get("subject") if request.GET.get("subject") in SUBJECTS else "street"
    windows = analytics.Windows.of_month(label, now)
    since, until = windows.current
    district = request.GET.get("district") or None
    districts = list(selectors.district_regions())
    if district not in {d.code for d in districts}:
        district = None
    per_thousand = {
        row["district"]: row for row in analytics.per_thousand_residents(since=since, until=until)
    }
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
        "tree": analytics.category_tree(since=since, until=until),
        "trend": analytics.daily_volume(since=since, until=until),
        "quadrants": quadrant_reads.quadrant_chart(subject=subject, label=label),
    }
    streets = analytics.volume(windows=windows, region_level="street", district=district, limit=60)
    rates = {
        row["unit__region__code"]: row
        for row in PeriodScore.objects.filter(
            group__in=(AssessmentGroup.STREET, AssessmentGroup.TOWNSHIP), label=label
        ).values("unit__region__code", "satisfaction_rate", "resolution_rate", "composite", "rank")
    }
    for street in streets:
        street["scores"] = rates.get(street["region"])
    return render(
        request,
        "evaluation/insight.html",
        {
            "label": label,
            "labels": labels,
            "subject": subject,
            "districts": districts,
            "district": district,
            "streets": streets,
            "charts": charts,
            "quadrant_rows": charts["quadrants"]["points"],
            "windows": windows,
            "window_days": _days(windows),
            "overview": analytics.overview(since=since, until=until),
            "open_warnings": selectors.warnings_for_user(user=request.user)
            .filter(status=WarningStatus.OPEN)
            .count(),
        },
    )


def _days(windows: analytics.Windows) -> dict[str, str]:
    """The compared windows as local dates and times, for the page's note."""

    def span(window: tuple[dt.datetime, dt.datetime]) -> str:
        start, end = (timezone.localtime(moment) for moment in window)
        return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"

    return {
        "current": span(windows.current),
        "previous": span(windows.previous),
        "year_ago": span(windows.year_ago),
    }


TICKET_FILTERS = {"street": "street__code", "district": "district__code", "category": "category__code"}


@login_required
def tickets_page(request: HttpRequest) -> HttpResponse:
    """The tickets behind a figure: a street's, district's or category's tickets in a window (a point
    of the quadrant, a row of the street table). Scoped as the ticket list is."""
    _reader(request)
    tickets = ticket_list_for_user(user=request.user)
    described = []
    for name, field in TICKET_FILTERS.items():
        code = request.GET.get(name)
        if code:
            tickets = tickets.filter(**{field: code})
            described.append(code)
    try:
        since = dt.datetime.fromisoformat(request.GET["since"]) if request.GET.get("since") else None
        until = dt.datetime.fromisoformat(request.GET["until"]) if request.GET.get("until") else None
    except ValueError:
        return HttpResponse(_("Dates must be ISO 8601 moments."), status=400)
    for moment in (since, until):
        if moment is not None and timezone.is_naive(moment):
            return HttpResponse(_("Dates must carry a time zone."), status=400)
    if since:
        tickets = tickets.filter(created_at__gte=since)
    if until:
        tickets = tickets.filter(created_at__lt=until)
    tickets = tickets.exclude(channel=Channel.PROACTIVE)
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/insight_tickets.html",
        {
            "page": page,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "since": timezone.localtime(since) if since else None,
            "until": timezone.localtime(until) if until else None,
            "subject_name": _subject_name(request),
        },
    )


def _subject_name(request: HttpRequest) -> str:
    if code := request.GET.get("street") or request.GET.get("district"):
        region = Region.objects.filter(code=code).only("name").first()
        return region.name if region else code
    if code := request.GET.get("category"):
        category = Category.objects.filter(code=code).only("name").first()
        return category.name if category else code
    return ""
