"""Who else writes when a ticket event is written: the apps above register a function (the citizens'
outbox, say) that runs inside the event's own transaction — so what it writes commits or rolls back
with the change itself. A listener must be quick and must not fail for reasons of its own: it writes
rows, it never calls out (a Celery task does that after commit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[Any, Any], None]  # (event, ticket)
_LISTENERS: list[Listener] = []


def event_listener_register(listener: Listener) -> None:
    """Idempotent: registering the same function twice keeps one."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def event_listeners() -> tuple[Listener, ...]:
    return tuple(_LISTENERS)
