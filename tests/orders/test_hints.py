"""Coalesced hints: one broker message per window per process for a task that takes all due work."""

from __future__ import annotations

from typing import Any

import pytest

from orders import hints
from orders.hints import hint_coalesced_after_commit

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands in for a Celery task's publishing side: records what would be queued."""

    name = "tests.recorder"

    def __init__(self) -> None:
        self.queued: list[float | None] = []

    def apply_async(self, *, args: Any, kwargs: Any, retry: bool, countdown: float | None) -> None:
        self.queued.append(countdown)


def test_hints_within_the_window_are_coalesced(django_capture_on_commit_callbacks, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    task = Recorder()
    clock = {"now": 100.0}
    monkeypatch.setattr(hints, "_monotonic", lambda: clock["now"])
    for _ in range(5):  # a burst of commits, 0.2 s apart: the first run, 2 s later, covers them all
        with django_capture_on_commit_callbacks(execute=True):
            hint_coalesced_after_commit(2, task)
        clock["now"] += 0.2
    assert task.queued == [2]
    clock["now"] += 0.6  # 1.6 s after the first: its run may start before this commit is seen
    with django_capture_on_commit_callbacks(execute=True):
        hint_coalesced_after_commit(2, task)
    assert task.queued == [2, 2]
    with django_capture_on_commit_callbacks(execute=True):  # and this one is covered by that
        hint_coalesced_after_commit(2, task)
    assert task.queued == [2, 2]
