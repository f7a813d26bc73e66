"""Celery tasks of dispatch: thin, take ids, re-check state, idempotent."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings


@shared_task(
    name="dispatch.auto_dispatch",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def auto_dispatch_task(ticket_id: int) -> bool:
    """Dispatch one ticket of an auto-dispatch category by the catalog (no-op if no longer received)."""
    from dispatch.services import ticket_auto_dispatch_isolated

    return ticket_auto_dispatch_isolated(ticket_id=ticket_id) is not None


@shared_task(name="dispatch.auto_dispatch_catch_up", acks_late=True, ignore_result=True)
def auto_dispatch_catch_up_task() -> int:
    """Dispatch auto-dispatch tickets whose message was lost; the database says which."""
    from dispatch.services import tickets_auto_dispatch_pending

    return tickets_auto_dispatch_pending(
        older_than=dt.timedelta(seconds=settings.AUTO_DISPATCH_CATCH_UP_SECONDS)
    )


@shared_task(name="dispatch.whistles_settle", acks_late=True, ignore_result=True)
def whistles_settle_task() -> int:
    """Close whistles whose ticket left ``escalated`` without dispatch's own step (idempotent)."""
    from .services import whistles_settle

    return whistles_settle()


@shared_task(name="dispatch.category_model_train", acks_late=True, ignore_result=True)
def category_model_train_task() -> int:
    """Re-count what agents filed under each category (the suggestion learns from it)."""
    from .services.category_model import category_model_train

    return category_model_train().examples
