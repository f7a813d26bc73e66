"""Celery messages are hints (DESIGN §5): sent after commit, never allowed to break the request.

If the broker is down the message is lost, the change it hinted at is already committed, and the
periodic task that re-derives its work from the database picks it up later.
"""

from __future__ import annotations

import logging
import time
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


# When this process last queued each delayed hint without arguments (time.monotonic()).
_queued_at: dict[str, float] = {}
# A hint is skipped only if the one already queued runs at least this long after the skipped commit.
_MARGIN = 0.5
_monotonic = time.monotonic  # (a test moves it)


def hint_after_commit_in(seconds: float, task: Any, *args: Any, **kwargs: Any) -> None:
    """Like ``hint_after_commit``, run ``seconds`` later (so that a burst of changes is done once)."""
    transaction.on_commit(partial(_send, task, args, kwargs, seconds), robust=True)


def hint_coalesced_after_commit(seconds: float, task: Any) -> None:
    """Queue ``task`` (no arguments) ``seconds`` after commit, unless this process's previous hint
    for it is still waiting to run: that run will see this commit. Only for a task that, when it
    runs, does all the work due by then (the outbox sender). Under load that is one broker message
    every ``seconds`` per process instead of one per request."""
    transaction.on_commit(partial(_send_unless_queued, task, seconds), robust=True)


def hints_forget() -> None:
    """Forget the queued hints (a test's broker is not the previous test's)."""
    _queued_at.clear()


def _send_unless_queued(task: Any, seconds: float) -> None:
    now = _monotonic()
    queued = _queued_at.get(task.name)
    if queued is not None and now < queued + seconds - _MARGIN:
        return  # the queued run starts after this commit and does its work too
    _queued_at[task.name] = now
    _send(task, (), {}, seconds)
