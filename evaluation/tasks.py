"""Celery tasks of evaluation: thin wrappers, idempotent (a period's scores are replaced whole)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(
    name="evaluation.compute_periods", acks_late=True, ignore_result=True, soft_time_limit=540, time_limit=590
)
def compute_periods_task() -> dict[str, str]:
    """Nightly: every group's current period (provisional) and the one just ended (final)."""
    from .services import periods_compute_due

    return periods_compute_due()


@shared_task(
    name="evaluation.recompute_period",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=540,
    time_limit=590,
)
def recompute_period_task(group: str, day: str) -> int:
    """Recompute one group's period after an appeal decision changed its inputs."""
    from .models import PeriodScore
    from .scoring import period_of
    from .selectors import scheme_for
    from .services import period_scores_compute

    when = dt.date.fromisoformat(day)
    start, _ = period_of(when, scheme_for(group, when).period_start_day)
    final = PeriodScore.objects.filter(group=group, period_start=start, is_final=True).exists()
    return period_scores_compute(group=group, day=when, final=final)


@shared_task(
    name="evaluation.warning_scan", acks_late=True, ignore_result=True, soft_time_limit=900, time_limit=960
)
def warning_scan_task() -> dict[str, int]:
    """Every half hour: surges, clusters, callers at risk, sensitive tickets (idempotent)."""
    from .services import warnings_scan

    return warnings_scan()


@shared_task(
    name="evaluation.build_reports", acks_late=True, ignore_result=True, soft_time_limit=1500, time_limit=1600
)
def build_reports_task() -> list[str]:
    """Hourly: the daily, weekly and monthly reports whose window has passed and that are not built."""
    from .services import reports_build_due

    return reports_build_due()


@shared_task(
    name="evaluation.scores_refresh", acks_late=True, ignore_result=True, soft_time_limit=540, time_limit=590
)
def scores_refresh_task() -> list[str]:
    """Within minutes of a close or a decision: recompute the periods marked stale (idempotent)."""
    from .services.freshness import scores_refresh_due

    return scores_refresh_due()
