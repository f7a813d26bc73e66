"""考评: period scores per unit and group — the three rates, the composite under the scheme in force,
ranks — computed in the database and stored as a snapshot per unit and period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from dispatch.directory.choices import AssessmentGroup
from dispatch.directory.models import Unit
from dispatch.selectors import dispatch_statistics
from orders import clock

from .. import counting, operation_reads, scoring, selectors
from ..models import (
    AssessmentScheme,
    PeriodScore,
)


def _rate(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def scheme_weights(scheme: AssessmentScheme) -> scoring.Weights:
    return scoring.Weights(
        float(scheme.weight_response),
        float(scheme.weight_resolution),
        float(scheme.weight_satisfaction),
        float(scheme.basic_satisfied_factor),
        float(scheme.basic_resolved_factor),
        {key: float(w) for key, w in (scheme.extra_weights or {}).items() if float(w) > 0},
    )


@transaction.atomic
def period_scores_compute(
    *, group: str, day: dt.date, final: bool = False, shared: dict[Any, Any] | None = None
) -> int:
    """Compute (or recompute) one group's scores for the period containing ``day``. Idempotent:
    the period's rows are replaced as a whole. Returns how many units were scored.

    ``shared`` carries figures that do not depend on the group (the whole city's dispatch
    statistics of the period) from one group's computation to the next in the same run."""
    group = AssessmentGroup(group)
    scheme = selectors.scheme_for(group, day)
    start, end = scoring.period_of(day, scheme.period_start_day)
    scheme = selectors.scheme_for(group, start)
    since, until = scoring.period_bounds(start, end, timezone.get_default_timezone())
    now = clock.now()
    weights = scheme_weights(scheme)
    units = {
        u.pk: u for u in Unit.objects.filter(assessment_group=group, is_active=True).select_related("parent")
    }
    tallies = scoring.tally(
        _facts(group, scheme, start, since, until, shared), count_rework_rounds=scheme.count_rework_rounds
    )
    operations = operation_reads.unit_operations(units, group, since, until, now, shared=shared)
    proactive = operation_reads.proactive_outcomes(units, group, since, until, shared=shared)
    if shared is None:
        shared = {}
    if ("dispatch", since, until) not in shared:
        shared[("dispatch", since, until)] = dispatch_statistics(start=since, end=until, now=now)
    dispatch = shared[("dispatch", since, until)]
    per_thousand = operation_reads.volume_per_thousand(units, group, since, until)
    label = scoring.period_label(start, scheme.period_start_day)
    scored: dict[int, PeriodScore] = {}
    for pk, unit in units.items():
        t, ops, pro = tallies.get(pk), operations.get(pk, {}), proactive.get(pk, {})
        if t is None and not ops.get("led") and not pro:
            continue  # no work for this unit in the period
        t = t or scoring.Tally()
        counts = t.counts()
        rates = scoring.rates(counts, weights.basic_factor, weights.basic_resolved_factor)
        whistle = dispatch.get(pk)
        extra = {
            "sign_on_time": _rate(ops.get("sign_on_time", 0), ops.get("sign_counted", 0)),
            "handle_on_time": _rate(ops.get("handle_on_time", 0), ops.get("handle_counted", 0)),
            "first_time_resolution": rates.first_time_resolution,
            "first_contact_on_time": _rate(ops.get("contact_on_time", 0), ops.get("contact_counted", 0)),
            "whistle_report_on_time": (
                100 * whistle.summons_timeliness
                if whistle and whistle.summons_timeliness is not None
                else None
            ),
            # the streets' rating of a department's report, 1–5, as a share of the best
            "whistle_rating": (
                20 * whistle.average_rating if whistle and whistle.average_rating is not None else None
            ),
        }
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
            callbacks=t.callbacks,
            valid_callbacks=t.valid,
            unreachable=t.unreachable,
            exempt=t.exempt,
            repeats=t.repeats,
            contacted=t.contacted,
            resolved=t.resolved,
            basic_resolved=t.basic_resolved,
            first_time_resolved=t.first_time_resolved,
            satisfied=t.satisfied,
            basic=t.basic,
            unsatisfied=t.unsatisfied,
            contradictions=t.contradictions,
            response_rate=rates.response,
            resolution_rate=rates.resolution,
            satisfaction_rate=rates.satisfaction,
            first_time_resolution_rate=rates.first_time_resolution,
            first_contact_on_time_rate=extra["first_contact_on_time"],
            composite=scoring.composite(rates, weights, extra),
            signed_on_time_rate=extra["sign_on_time"],
            handled_on_time_rate=extra["handle_on_time"],
            overdue=ops.get("overdue", 0),
            return_rate=_rate(ops.get("returned", 0), ops.get("led", 0)),
            whistles_raised=whistle.whistles_raised if whistle else 0,
            whistle_reports_on_time_rate=extra["whistle_report_on_time"],
            whistle_rating=whistle.average_rating if whistle else None,
            per_thousand_residents=per_thousand.get(pk),
            proactive_tickets=pro.get("closed", 0),
            proactive_on_time_rate=_rate(ops.get("proactive_on_time", 0), ops.get("proactive_counted", 0)),
            proactive_verified_rate=_rate(pro.get("first_verified", 0), pro.get("first_checked", 0)),
            proactive_repeat_rate=_rate(pro.get("complained_after", 0), pro.get("closed", 0)),
            indicators={key: (round(v, 4) if v is not None else None) for key, v in extra.items()},
        )
    _rank(scored, units, group, start)
    PeriodScore.objects.filter(group=group, period_start=start).delete()
    PeriodScore.objects.bulk_create(scored.values())
    return len(scored)


def _facts(
    group: str,
    scheme: AssessmentScheme,
    start: dt.date,
    since: dt.datetime,
    until: dt.datetime,
    shared: dict[Any, Any] | None,
) -> list[scoring.CallbackFact] | Iterable[scoring.CallbackFact]:
    """The group's callback facts: read alone, or — in a run over every group (``shared``) — taken
    from one read for all groups whose period is this one."""
    if shared is None:
        return counting.callback_facts(group, since, until, repeat_window_days=scheme.repeat_window_days)
    key = ("facts", since, until)
    if key not in shared:
        windows: dict[str, int] = {
            str(g): found.repeat_window_days
            for g in GROUPS
            if (found := selectors.scheme_in_force(g, start)) is not None
        }
        shared[key] = counting.callback_facts_by_group(since, until, repeat_windows=windows)
    facts: list[scoring.CallbackFact] = shared[key][group]
    return facts


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
    AssessmentGroup.TOWNSHIP,
    AssessmentGroup.DISTRICT,
    AssessmentGroup.DEPARTMENT,
    AssessmentGroup.DISTRICT_DEPARTMENT,
    AssessmentGroup.ENTERPRISE,
)


def periods_compute_due(*, today: dt.date | None = None, groups: Iterable[str] = GROUPS) -> dict[str, str]:
    """Nightly: the current period provisionally; the period just ended, finally. Idempotent."""
    today = today or timezone.localdate()
    done = {}
    shared: dict[Any, Any] = {}  # the city's dispatch statistics, read once for every group
    for group in groups:
        scheme = selectors.scheme_for(group, today)
        start, _ = scoring.period_of(today, scheme.period_start_day)
        previous_start, _ = scoring.previous_period(start)
        # the period just ended first, so that the current one carries its ranks as "previous"
        if not PeriodScore.objects.filter(group=group, period_start=previous_start, is_final=True).exists():
            period_scores_compute(group=group, day=previous_start, final=True, shared=shared)
        period_scores_compute(group=group, day=today, final=False, shared=shared)
        done[group] = scoring.period_label(start, scheme.period_start_day)
    return done
