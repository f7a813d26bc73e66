"""Reads of evaluation, scoped: assessors see every unit's scores, a unit its own (and a supervisor
the units under it); callback staff see the whole callback queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.directory.choices import RegionLevel
from dispatch.directory.models import Region, Unit
from orders.access import ticket_scope
from orders.choices import Channel, TicketState
from orders.models import Ticket, TicketEvent
from orders.selectors import scope_q

from . import early_warning
from .choices import CallbackOutcome, Satisfaction
from .models import Appeal, AssessmentScheme, Callback, EarlyWarning, PeriodScore
from .scoring import period_bounds


def may_read_insight(user: Any) -> bool:
    """Insight (analytics, reports, warnings) is for assessors and supervisors."""
    return bool(user.has_perm("evaluation.view_periodscore") or user.has_perm("evaluation.view_earlywarning"))


def sees_all_scores(user: Any) -> bool:
    return bool(user.is_superuser or user.has_perm("evaluation.view_periodscore"))


def visible_unit_ids(user: Any) -> frozenset[int] | None:
    """None: every unit; otherwise the units whose scores the user may see."""
    if sees_all_scores(user):
        return None
    scope = ticket_scope(user)
    from dispatch.directory.models import Membership

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
        # work without a caller is verified by a supervisor, never called back
        Ticket.objects.filter(scope_q(ticket_scope(user)), state=TicketState.HANDLED, caller__isnull=False)
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


# ------------------------------------------------------------------------------ early warnings


def surge_candidates(*, now: dt.datetime, rules: early_warning.Rules) -> list[Any]:
    """Per street and category: tickets in the recent window and in the baseline before it — only
    the pairs with enough recent tickets to matter (one grouped SQL pass)."""
    window_start = now - dt.timedelta(days=rules.surge_window_days)
    baseline_start = window_start - dt.timedelta(days=rules.surge_baseline_days)
    return list(
        Ticket.objects.filter(created_at__gte=baseline_start, created_at__lt=now, street__isnull=False)
        .exclude(channel=Channel.PROACTIVE)
        .values("street_id", "street__parent_id", "category_id")
        .annotate(
            recent=Count("pk", filter=Q(created_at__gte=window_start)),
            baseline=Count("pk", filter=Q(created_at__lt=window_start)),
        )
        .filter(recent__gte=rules.surge_min_count)
    )


def cluster_candidates(*, now: dt.datetime, rules: early_warning.Rules) -> list[Any]:
    """Per community (社区/村) and category: tickets within the window, where enough to matter."""
    since = now - dt.timedelta(days=rules.cluster_window_days)
    return list(
        Ticket.objects.filter(created_at__gte=since, created_at__lt=now, region__level=RegionLevel.COMMUNITY)
        .exclude(channel=Channel.PROACTIVE)
        .values("region_id", "street_id", "district_id", "category_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=rules.cluster_min_count)
    )


def callers_at_risk(*, now: dt.datetime, rules: early_warning.Rules) -> list[Any]:
    """Callers who may be at risk, with the counts the rule weighs: over the short window their
    tickets and those called back unresolved or unsatisfied (any round: a reopened round counts) and
    those of a high-risk category among them; over the long window their tickets. One grouped query;
    the rule itself (``early_warning.caller_at_risk``) decides."""
    since = now - dt.timedelta(days=rules.caller_window_days)
    since_long = now - dt.timedelta(days=max(rules.caller_long_window_days, rules.caller_window_days))
    recent = Q(created_at__gte=since)
    unhappy = Q(callbacks__valid=True) & (
        Q(callbacks__resolved=False) | Q(callbacks__satisfaction=Satisfaction.UNSATISFIED)
    )
    high_risk = Q(pk__in=[])
    for prefix in rules.caller_high_risk_categories:
        high_risk |= Q(category__code__startswith=prefix)
    return list(
        Ticket.objects.filter(created_at__gte=since_long, created_at__lt=now, caller__isnull=False)
        .values("caller_id")
        .annotate(
            tickets=Count("pk", filter=recent, distinct=True),
            unresolved=Count("pk", filter=recent & unhappy, distinct=True),
            high_risk_unhappy=Count("pk", filter=recent & unhappy & high_risk, distinct=True),
            long_tickets=Count("pk", distinct=True),
        )
        .filter(
            Q(tickets__gte=rules.caller_min_tickets, unresolved__gte=rules.caller_min_unresolved)
            | Q(high_risk_unhappy__gte=1)
            | Q(long_tickets__gte=rules.caller_long_min_tickets)
        )
    )


def sensitive_tickets(*, since: dt.datetime, until: dt.datetime) -> list[Any]:
    return list(
        TicketEvent.objects.filter(kind="sensitive", created_at__gte=since, created_at__lt=until).values(
            "ticket_id",
            "ticket__number",
            "ticket__street_id",
            "ticket__district_id",
            "ticket__category_id",
            "note",
        )
    )


def ticket_numbers(queryset: QuerySet[Ticket], limit: int = 10) -> list[str]:
    return list(queryset.order_by("-created_at").values_list("number", flat=True)[:limit])


def warnings_for_user(*, user: Any) -> QuerySet[EarlyWarning]:
    """Warnings the user may see: hotline-wide roles every one; a supervisor of a district's units
    those of the district."""
    queryset = EarlyWarning.objects.select_related("district", "street", "category", "ticket").order_by(
        "status", "-last_detected_at"
    )
    scope = ticket_scope(user)
    if scope.everything or user.has_perm("evaluation.view_periodscore"):
        return queryset
    districts = set(
        Unit.objects.filter(pk__in=sorted(scope.visible_units)).values_list("region__path", flat=True)
    )
    codes = {path.split(".")[1] for path in districts if path and len(path.split(".")) > 1}
    return queryset.filter(district__code__in=sorted(codes))


# ------------------------------------------------------------------------ assessment reads


def scheme_in_force(group: str, day: dt.date) -> AssessmentScheme | None:
    return (
        AssessmentScheme.objects.filter(group=group, is_active=True, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


def scheme_for(group: str, day: dt.date) -> AssessmentScheme:
    scheme = scheme_in_force(group, day)
    if scheme is None:
        raise ValidationError(_("No assessment scheme is in force for this group; an assessor must add one."))
    return scheme


def verification_queue(*, user: Any) -> QuerySet[Ticket]:
    """核实队列: handled work without a caller in the supervisor's scope, the oldest first."""
    if not user.has_perm("orders.verify_ticket"):
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(scope_q(ticket_scope(user)), state=TicketState.HANDLED, caller__isnull=True)
        .select_related("category__parent__parent", "region", "district", "street", "lead_unit")
        .defer("region__boundary", "district__boundary", "street__boundary")
        .order_by(F("callback_due_at").asc(nulls_last=True), "handled_at", "pk")
    )


def exemption_requests_pending() -> QuerySet[Any]:
    from .models import ExemptionRequest

    return (
        ExemptionRequest.objects.filter(status="pending")
        .select_related("ticket__category", "ticket__street", "ticket__lead_unit", "requested_by")
        .order_by("requested_at", "pk")
    )


def appeals_pending() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(status="pending")
        .select_related("ticket__category", "ticket__street", "unit", "callback", "filed_by")
        .order_by("filed_at", "pk")
    )


def contradictions(*, since: dt.datetime) -> QuerySet[Callback]:
    """回访与先行联系记录矛盾: callbacks flagged for review."""
    return (
        Callback.objects.filter(contradicts_record=True, completed_at__gte=since)
        .select_related("ticket", "unit")
        .order_by("-completed_at")
    )
