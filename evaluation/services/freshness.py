"""Fresh scores: a close, an appeal decision or an exemption decision marks its period stale; the
refresh task recomputes marked periods a minute later (debounced: a burst of closes is one run), and
every two minutes re-derives from the marks whatever a lost message left. Final periods stay final."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dispatch.directory.choices import AssessmentGroup
from orders import clock
from orders.hints import hint_after_commit_in

from .. import scoring, selectors
from ..models import Callback, PeriodScore, StaleScores

DEBOUNCE = dt.timedelta(seconds=45)


def _groups(callback: Callback) -> set[str]:
    groups = {callback.group} if callback.group else set()
    if callback.district_unit_id:
        groups.add(AssessmentGroup.DISTRICT)
    return groups


def periods_mark_stale(*, groups: Iterable[str], day: dt.date) -> None:
    """Mark the periods containing ``day`` of these groups stale, and hint the refresh."""
    now = clock.now()
    marked = False
    for group in groups:
        scheme = selectors.scheme_in_force(group, day)
        if scheme is None:  # nothing is scored, nothing to refresh
            continue
        start, _ = scoring.period_of(day, scheme.period_start_day)
        StaleScores.objects.update_or_create(group=group, period_start=start, defaults={"marked_at": now})
        marked = True
    if marked:
        from ..tasks import scores_refresh_task

        hint_after_commit_in(DEBOUNCE.total_seconds() + 15, scores_refresh_task)


def scores_mark_stale(callback: Callback) -> None:
    """A callback that counts was recorded: its period's provisional scores are behind."""
    if callback.completed_at is not None:
        periods_mark_stale(groups=_groups(callback), day=timezone.localdate(callback.completed_at))


def scores_refresh_due(*, now: dt.datetime | None = None) -> list[str]:
    """Recompute each period marked at least ``DEBOUNCE`` ago, and drop its mark unless it was
    marked again meanwhile. Idempotent."""
    from .assessment import period_scores_compute

    now = now or clock.now()
    done = []
    for mark in StaleScores.objects.filter(marked_at__lte=now - DEBOUNCE).order_by("marked_at"):
        with transaction.atomic():
            locked = StaleScores.objects.select_for_update(skip_locked=True).filter(pk=mark.pk).first()
            if locked is None:
                continue  # another worker has it
            final = PeriodScore.objects.filter(
                group=locked.group, period_start=locked.period_start, is_final=True
            ).exists()
            period_scores_compute(group=locked.group, day=locked.period_start, final=final)
            StaleScores.objects.filter(pk=locked.pk, marked_at=locked.marked_at).delete()
            done.append(f"{locked.group} {locked.period_start}")
    return done
