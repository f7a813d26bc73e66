"""Celery tasks of the lifecycle: thin, idempotent, re-deriving their work from the database."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="orders.deadline_sweep", acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=58
)
def deadline_sweep_task() -> dict[str, int]:
    """Take every deadline step that is due now (runs every minute; safe to run twice or at once)."""
    from .sweep import deadline_sweep

    return dict(deadline_sweep())


@shared_task(name="orders.prepare_ticket_numbers", acks_late=True, ignore_result=True)
def prepare_ticket_numbers_task() -> None:
    """Create today's and tomorrow's ticket number sequences ahead of the first ticket."""
    import datetime as dt

    from django.utils import timezone

    from .numbers import ticket_sequences_ensure

    today = timezone.localdate()
    ticket_sequences_ensure(today, today + dt.timedelta(days=1))


@shared_task(name="orders.calendar_watch", acks_late=True, ignore_result=True)
def calendar_watch_task() -> dict[str, object]:
    """Daily: provisional calendar years stored, the yearly warning sent once, flagged deadlines
    recomputed where their year now has the official schedule (the safety net after an import)."""
    from .services.calendar import calendar_watch, provisional_deadlines_recompute

    watched = calendar_watch()
    watched["recomputed"] = dict(provisional_deadlines_recompute())
    return watched


@shared_task(name="orders.recompute_provisional_deadlines", acks_late=True, ignore_result=True)
def recompute_provisional_deadlines_task(year: int) -> dict[str, int]:
    """After a holiday notice is imported: recompute the deadlines that rested on its provisional days."""
    from .services.calendar import provisional_deadlines_recompute

    return dict(provisional_deadlines_recompute(year=year))


@shared_task(name="orders.event_partitions_ensure", acks_late=True, ignore_result=True)
def event_partitions_ensure_task() -> list[str]:
    """Daily: this month's event partition and the next three exist; rows that reached the default
    partition meanwhile are moved into their month's (PostgreSQL; nothing on SQLite)."""
    from .partitions import event_partitions_ensure

    return event_partitions_ensure()
