"""考评: period scores per unit and group — the three rates, the composite under the scheme in force,
ranks — computed in the database and stored as a snapshot per unit and period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dispatch.directory.choices import AssessmentGroup
from dispatch.directory.models import Unit
from dispatch.selectors import dispatch_statistics
from orders import clock

from .. import scoring, selectors
from ..models import (
    PeriodScore,
)


def _rate(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@transaction.atomic
def period_scores_compute(*, group: str, day: dt.date, final: bool = False) -> int:
    """Compute (or recompute) one group's scores for the period containing ``day``. Idempotent:
    the period's rows are replaced as a whole. Returns how many units were scored."""
    group = AssessmentGroup(group)
    scheme = selectors.scheme_for(group, day)
    start, end = scoring.period_of(day, scheme.period_start_day)
    scheme = selectors.scheme_for(group, start)
    since, until = scoring.period_bounds(start, end, timezone.get_default_timezone())
    now = clock.now()
    weights = scoring.Weights(
        float(scheme.weight_response),
        float(scheme.weight_resolution),
        float(scheme.weight_satisfaction),
        float(scheme.basic_satisfied_factor),
    )
    units = {
        u.pk: u for u in Unit.objects.filter(assessment_group=group, is_active=True).select_related("parent")
    }
    counts = selectors.callback_counts(group, since, until)
    operations = selectors.unit_operations(units, group, since, until, now)
    dispatch = dispatch_statistics(start=since, end=until, now=now)
    per_thousand = selectors.volume_per_thousand(units, group, since, until)
    label = scoring.period_label(start, scheme.period_start_day)
    scored: dict[int, PeriodScore] = {}
    for pk, unit in units.items():
        c, ops = counts.get(pk, {}), operations.get(pk, {})
        if not c and not ops.get("led"):
            continue  # no work for this unit in the period
        tallies = scoring.Counts(
            valid=c.get("valid_callbacks", 0),
            contacted=c.get("contacted", 0),
            resolved=c.get("resolved", 0),
            satisfied=c.get("satisfied", 0),
            basic=c.get("basic", 0),
            unsatisfied=c.get("unsatisfied", 0),
        )
        rates = scoring.rates(tallies, weights.basic_factor)
        whistle = dispatch.get(pk)
        scored[pk] = PeriodScore(
            unit=unit,
            group=group,
            period_start=start,
            period_end=end,
            label=label,
            scheme=scheme,
            is_final=final,
            computed_at=now,
            tickets=ops.get("led", 0),
            callbacks=c.get("callbacks", 0),
            valid_callbacks=tallies.valid,
            unreachable=c.get("unreachable", 0),
            exempt=c.get("exempt", 0),
            contacted=tallies.contacted,
            resolved=tallies.resolved,
            satisfied=tallies.satisfied,
            basic=tallies.basic,
            unsatisfied=tallies.unsatisfied,
            response_rate=rates.response,
            resolution_rate=rates.resolution,
            satisfaction_rate=rates.satisfaction,
            composite=scoring.composite(rates, weights),
            signed_on_time_rate=_rate(ops.get("sign_on_time", 0), ops.get("sign_counted", 0)),
            handled_on_time_rate=_rate(ops.get("handle_on_time", 0), ops.get("handle_counted", 0)),
            overdue=ops.get("overdue", 0),
            return_rate=_rate(ops.get("returned", 0), ops.get("led", 0)),
            whistles_raised=whistle.whistles_raised if whistle else 0,
            whistle_reports_on_time_rate=(
                100 * whistle.summons_timeliness
                if whistle and whistle.summons_timeliness is not None
                else None
            ),
            whistle_rating=whistle.average_rating if whistle else None,
            per_thousand_residents=per_thousand.get(pk),
        )
    _rank(scored, units, group, start)
    PeriodScore.objects.filter(group=group, period_start=start).delete()
    PeriodScore.objects.bulk_create(scored.values())
    return len(scored)


def _rank(scored: dict[int, PeriodScore], units: dict[int, Unit], group: str, start: dt.date) -> None:
    """Rank within the group (district departments within their district); carry the previous rank."""
    partitions: dict[int | None, dict[int, float | None]] = defaultdict(dict)
    for pk, score in scored.items():
        scope = units[pk].parent_id if group == AssessmentGroup.DISTRICT_DEPARTMENT else None
        partitions[scope][pk] = score.composite
    for members in partitions.values():
        ranks = scoring.rank(members)
        ranked = sum(1 for r in ranks.values() if r is not None)
        for pk, position in ranks.items():
            scored[pk].rank = position
            scored[pk].rank_of = ranked
    previous_start, _ = scoring.previous_period(start)
    previous = dict(
        PeriodScore.objects.filter(group=group, period_start=previous_start, unit_id__in=scored).values_list(
            "unit_id", "rank"
        )
    )
    for pk, score in scored.items():
        score.previous_rank = previous.get(pk)


GROUPS = (
    AssessmentGroup.STREET,
    AssessmentGroup.DISTRICT,
    AssessmentGroup.DEPARTMENT,
    AssessmentGroup.DISTRICT_DEPARTMENT,
    AssessmentGroup.ENTERPRISE,
)


def periods_compute_due(*, today: dt.date | None = None, groups: Iterable[str] = GROUPS) -> dict[str, str]:
    """Nightly: the current period provisionally; the period just ended, finally. Idempotent."""
    today = today or timezone.localdate()
    done = {}
    for group in groups:
        scheme = selectors.scheme_for(group, today)
        start, _ = scoring.period_of(today, scheme.period_start_day)
        previous_start, _ = scoring.previous_period(start)
        # the period just ended first, so that the current one carries its ranks as "previous"
        if not PeriodScore.objects.filter(group=group, period_start=previous_start, is_final=True).exists():
            period_scores_compute(group=group, day=previous_start, final=True)
        period_scores_compute(group=group, day=today, final=False)
        done[group] = scoring.period_label(start, scheme.period_start_day)
    return done
