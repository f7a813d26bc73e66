"""Celery messages are hints (DESIGN §5): sent after commit, never allowed to break the request.

If the broker is down the message is lost, the change it hinted at is already committed, and the
periodic task that re-derives its work from the database picks it up later.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any], countdown: float | None = None) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False, countdown=countdown)
    except Exception:  # the broker is unreachable: the periodic catch-up will do the work
        logger.warning(
            "could not queue %s%s; the periodic catch-up will do it", task.name, args, exc_info=True
        )


def hint_after_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(_send, task, args, kwargs), robust=True)


def hint_after_commit_in(seconds: float, task: Any, *args: Any, **kwargs: Any) -> None:
    """Like ``hint_after_commit``, run ``seconds`` later (so that a burst of changes is done once)."""
    transaction.on_commit(partial(_send, task, args, kwargs, seconds), robust=True)
