"""Reads of evaluation, scoped: assessors see every unit's scores, a unit its own (and a supervisor
the units under it); callback staff see the whole callback queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from dispatch.choices import RegionLevel
from dispatch.models import Region, Unit
from orders.access import ticket_scope
from orders.choices import TicketState
from orders.models import Ticket
from orders.selectors import scope_q

from .choices import CallbackOutcome
from .models import Appeal, AssessmentScheme, Callback, PeriodScore
from .scoring import period_bounds


def sees_all_scores(user: Any) -> bool:
    return bool(user.is_superuser or user.has_perm("evaluation.view_periodscore"))


def visible_unit_ids(user: Any) -> frozenset[int] | None:
    """None: every unit; otherwise the units whose scores the user may see."""
    if sees_all_scores(user):
        return None
    scope = ticket_scope(user)
    from dispatch.models import Membership

    members = frozenset(
        Membership.objects.filter(user=user, is_active=True).values_list("unit_id", flat=True)
    )
    return members | scope.supervised_units


def scores_for_user(*, user: Any) -> QuerySet[PeriodScore]:
    queryset = PeriodScore.objects.select_related("unit__region", "unit__parent", "scheme").order_by(
        "group", "-period_start", F("rank").asc(nulls_last=True), "unit__code"
    )
    visible = visible_unit_ids(user)
    return queryset if visible is None else queryset.filter(unit_id__in=visible)


def ranking(
    *, user: Any, group: str, label: str | None, district: str | None = None, search: str = ""
) -> QuerySet[PeriodScore]:
    """One group's scores for one period, as the user may see them; a district narrows to its units."""
    if label is None:
        return PeriodScore.objects.none()
    queryset = scores_for_user(user=user).filter(group=group, label=label)
    if district:
        queryset = queryset.filter(unit__region__path__contains=district)
    if search:
        queryset = queryset.filter(Q(unit__name__contains=search) | Q(unit__code__icontains=search))
    return queryset.select_related("unit__region__parent")


def unit_groups(*, unit: Unit) -> list[str]:
    """The groups a unit has scores in (a district government also heads the district ranking)."""
    groups = list(
        PeriodScore.objects.filter(unit=unit).order_by("group").values_list("group", flat=True).distinct()
    )
    return groups or [unit.assessment_group]


def district_geojson() -> dict[str, Any]:
    """The districts' boundaries as a GeoJSON FeatureCollection named for the map."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": name, "code": code, "cp": [lng, lat]},
            "geometry": boundary,
        }
        for name, code, lng, lat, boundary in district_regions()
        .filter(boundary__isnull=False)
        .values_list("name", "code", "centroid_lng", "centroid_lat", "boundary")
    ]
    return {"type": "FeatureCollection", "features": features}


def periods(*, group: str | None = None) -> list[str]:
    queryset = PeriodScore.objects.all()
    if group:
        queryset = queryset.filter(group=group)
    return list(queryset.order_by("-period_start").values_list("label", flat=True).distinct())


def unit_trend(*, unit: Unit, group: str, last: int = 12) -> list[PeriodScore]:
    rows = PeriodScore.objects.filter(unit=unit, group=group).order_by("-period_start")[:last]
    return list(reversed(rows))


def unit_callbacks(*, unit: Unit, start: dt.date, end: dt.date, district: bool = False) -> QuerySet[Callback]:
    """A unit's assessed tickets in a period, with their callback outcomes (the drill-down)."""
    since, until = period_bounds(start, end, timezone.get_default_timezone())
    field = "district_unit" if district else "unit"
    return (
        Callback.objects.filter(
            **{field: unit}, is_final=True, completed_at__gte=since, completed_at__lt=until
        )
        .exclude(outcome=CallbackOutcome.INHERITED)
        .select_related("ticket__category", "ticket__street", "unit")
        .order_by("-completed_at")
    )


def callback_queue(*, user: Any) -> QuerySet[Ticket]:
    """回访队列: handled tickets, the most urgent callback first, with the round's attempts so far."""
    current = Callback.objects.filter(ticket=OuterRef("pk"), round=OuterRef("rework_count"))
    return (
        Ticket.objects.filter(scope_q(ticket_scope(user)), state=TicketState.HANDLED)
        .select_related("category__parent__parent", "region", "district", "street", "lead_unit", "caller")
        .defer("region__boundary", "district__boundary", "street__boundary")
        .annotate(attempts=Subquery(current.values("attempts")[:1]))
        .order_by(F("callback_due_at").asc(nulls_last=True), "handled_at", "pk")
    )


def callbacks_for_user(*, user: Any) -> QuerySet[Callback]:
    queryset = (
        Callback.objects.select_related("ticket", "unit")
        .prefetch_related("attempt_log")
        .order_by("-completed_at", "-pk")
    )
    if ticket_scope(user).everything:
        return queryset
    visible = Ticket.objects.filter(scope_q(ticket_scope(user))).values("pk")
    return queryset.filter(ticket__in=visible)


def appeals_for_user(*, user: Any) -> QuerySet[Appeal]:
    queryset = Appeal.objects.select_related("ticket", "unit", "callback").order_by("-filed_at")
    if user.has_perm("evaluation.decide_appeal") or user.is_superuser:
        return queryset
    units = ticket_scope(user).visible_units
    return queryset.filter(unit_id__in=sorted(units))


def schemes() -> QuerySet[AssessmentScheme]:
    return AssessmentScheme.objects.order_by("group", "-effective_from")


def district_regions() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")
