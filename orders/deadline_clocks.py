"""Deadline clocks on the rows that carry them: start, pause, resume, stop.

A clock is four columns on its row — when it started, when it is due, and the next escalation step
with when that step falls due. The services start and stop clocks as tickets move; the sweep reads
only rows whose next step is scheduled (partial indexes on ``*_next_at``), takes the step, and
schedules the following one. These helpers only set attributes; the caller saves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import deadlines, sla
from .choices import DeadlineClock


@dataclass(frozen=True)
class ClockFields:
    start: str | None  # None: the start lives elsewhere (a summons' whistle)
    due: str
    step: str
    at: str
    provisional: str | None  # None: the clock runs in hours only, never over the calendar


FIELDS = {
    DeadlineClock.SIGN: ClockFields(
        "sign_started_at", "sign_due_at", "sign_next_step", "sign_next_at", "sign_due_provisional"
    ),
    DeadlineClock.HANDLE: ClockFields(
        "handle_started_at", "handle_due_at", "handle_next_step", "handle_next_at", "handle_due_provisional"
    ),
    DeadlineClock.CALLBACK: ClockFields(
        "handled_at", "callback_due_at", "callback_next_step", "callback_next_at", "callback_due_provisional"
    ),
    # A summoned department's report deadline, and an assisting unit's, run on its assignment's
    # handling columns.
    DeadlineClock.REPORT: ClockFields(
        "handle_started_at", "handle_due_at", "handle_next_step", "handle_next_at", "handle_due_provisional"
    ),
    DeadlineClock.ASSIST: ClockFields(
        "handle_started_at", "handle_due_at", "handle_next_step", "handle_next_at", "handle_due_provisional"
    ),
}


def clock_start(
    row: Any, clock: str, *, urgency: str, start: dt.datetime, due: dt.datetime | None = None
) -> None:
    """Start (or restart) a clock at ``start``; its due time comes from the policy unless given.

    A due time computed over a provisional calendar year is flagged on the row; one given
    explicitly (a whistle's report hours) is not.
    """
    fields = FIELDS[DeadlineClock(clock)]
    computed = deadlines.Due(due, False) if due else sla.deadline(urgency=urgency, clock=clock, start=start)
    if fields.start is not None:
        setattr(row, fields.start, start)
    setattr(row, fields.due, computed.at)
    if fields.provisional is not None:
        setattr(row, fields.provisional, computed.provisional)
    _schedule(row, fields, start, computed.at, after=None)


def clock_due_set(row: Any, clock: str, *, due: dt.datetime, provisional: bool = False) -> None:
    """Move a clock's due time (an extension granted, a recomputation); the caller reschedules."""
    fields = FIELDS[DeadlineClock(clock)]
    setattr(row, fields.due, due)
    if fields.provisional is not None:
        setattr(row, fields.provisional, provisional)


def clock_resume(row: Any, clock: str, *, start: dt.datetime, now: dt.datetime) -> None:
    """Schedule the next step that still lies ahead (after a pause, or a moved deadline)."""
    fields = FIELDS[DeadlineClock(clock)]
    due = getattr(row, fields.due)
    if due is None:
        return
    _schedule(row, fields, start, due, after=now)


def clock_stop(row: Any, clock: str) -> None:
    """No more steps (signed, replied, reported, called back, or the unit let go of the ticket)."""
    fields = FIELDS[DeadlineClock(clock)]
    setattr(row, fields.step, "")
    setattr(row, fields.at, None)


def stopped_fields(clock: str) -> dict[str, Any]:
    """The column values of a stopped clock, for queryset ``update()``."""
    fields = FIELDS[DeadlineClock(clock)]
    return {fields.step: "", fields.at: None}


def _schedule(
    row: Any, fields: ClockFields, start: dt.datetime, due: dt.datetime, *, after: dt.datetime | None
) -> None:
    ladder = sla.policy_at(start).ladder
    times = ladder.step_times(start, due)
    for step in deadlines.STEPS:
        if after is None or times[step] > after:
            setattr(row, fields.step, step)
            setattr(row, fields.at, times[step])
            return
    setattr(row, fields.step, "")
    setattr(row, fields.at, None)


def following_step(start: dt.datetime, due: dt.datetime, step: str) -> tuple[str, dt.datetime] | None:
    """The step after ``step`` on this deadline's ladder, and when it falls due."""
    ladder = sla.policy_at(start).ladder
    done = deadlines.STEPS[: deadlines.STEPS.index(step) + 1]
    return ladder.next_step(start, due, done)
