"""The deadline sweep (DESIGN §5): warn → overdue → urge → supervise, each at most once per deadline.

Every deadline clock keeps its next step and when that step falls due (``*_next_at``), under a
partial index that holds only scheduled steps. The sweep therefore reads the rows that are due and
nothing else: its cost follows the number of deadlines due, not the number of open tickets.

It works set by set, not row by row. For each batch of due rows (up to 5,000), in one transaction:
1. one ``SELECT … FOR UPDATE SKIP LOCKED`` reads the due rows with their ticket's number and state
   and their unit's name (two sweeps at once take different rows);
2. the ladder (pure: ``deadlines.Ladder``) gives each row its past steps and its next one;
3. one ``INSERT … SELECT`` records the steps — ``ON CONFLICT DO NOTHING`` against a unique
   constraint on (deadline, row, step, due time), so duplicate messages, retries or racing workers
   never double a step — and returns the ones recorded now;
4. one ``INSERT … SELECT`` writes their ticket events, one the notices (the unit; for 督办 also its
   supervising unit);
5. one ``UPDATE … FROM`` schedules each row's following step (or none).
On PostgreSQL the rows travel as arrays (``unnest``), so a statement's size does not grow with the
batch; other databases (SQLite, the embedded default) take the same statements in smaller batches.

When several steps of one deadline have come due at once (after an outage, or a deadline moved
earlier), every one is recorded with its event, but the unit gets one notice: the latest step's.

It re-derives everything from the database and is idempotent: run it twice, or after a day's
outage, and it takes exactly the steps that are due, once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.directory.cache import cached
from dispatch.directory.models import Unit

from .choices import AssignmentRole, DeadlineClock, DeadlineStep, EventKind, TicketState
from .deadline_clocks import FIELDS, following_step
from .models import Assignment, DeadlineStepRecord, Notice, Ticket, TicketEvent

ACTION = {
    DeadlineClock.SIGN: gettext_lazy("Sign-for"),
    DeadlineClock.HANDLE: gettext_lazy("Result"),
    DeadlineClock.REPORT: gettext_lazy("Whistle report"),
    DeadlineClock.ASSIST: gettext_lazy("Assisting part"),
    DeadlineClock.CALLBACK: gettext_lazy("Callback"),
}
# The handling columns of a summoned department's row carry its report deadline (部门报到), an
# assisting unit's its part's deadline (协办反馈): the step is recorded as that clock.
ROLE_CLOCK: dict[str, str] = {
    AssignmentRole.SUMMONED: DeadlineClock.REPORT,
    AssignmentRole.ASSIST: DeadlineClock.ASSIST,
}


def _batch_size() -> int:
    """Rows per transaction: arrays carry any number on PostgreSQL; elsewhere each value is a
    statement parameter, and SQLite allows a few thousand."""
    return 5000 if connection.vendor == "postgresql" else 400


@dataclass(frozen=True)
class Due:
    """One due step, read from its row."""

    clock: str
    model: type[Model]
    target_id: int
    ticket_id: int
    unit_id: int | None
    start: dt.datetime
    due: dt.datetime
    step: str
    number: str
    state: str
    unit_name: str


def _supervisors() -> dict[int, int]:
    """Unit → the unit that supervises it (its parent; the hotline centre for the rest)."""

    def load() -> dict[int, int]:
        hotline = Unit.objects.filter(code=settings.HOTLINE_UNIT_CODE).values_list("pk", flat=True).first()
        return {
            pk: supervisor
            for pk, parent in Unit.objects.values_list("pk", "parent_id")
            if pk != hotline and (supervisor := parent or hotline) is not None
        }

    return cached("sweep", "supervisors", load)


def _hotline_unit() -> tuple[int | None, str]:
    return cached(
        "sweep",
        "hotline",
        lambda: (
            Unit.objects.filter(code=settings.HOTLINE_UNIT_CODE).values_list("pk", "name").first()
            or (None, "")
        ),
    )


# ------------------------------------------------------------------------------ reading rows


def _due_assignments(clock: str, now: dt.datetime, limit: int) -> list[Due]:
    """Assignments whose next step is due, as the clock their role gives them (``ROLE_CLOCK``)."""
    fields = FIELDS[DeadlineClock(clock)]
    assert fields.start is not None
    rows = (
        Assignment.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(**{f"{fields.at}__lte": now}, ended_at__isnull=True)
        .order_by(fields.at)
        .values_list(
            "pk",
            "role",
            "ticket_id",
            "unit_id",
            fields.start,
            fields.due,
            fields.step,
            "ticket__number",
            "ticket__state",
            "unit__name",
        )[:limit]
    )
    return [
        Due(
            ROLE_CLOCK.get(role, clock) if clock == DeadlineClock.HANDLE else clock,
            Assignment,
            pk,
            ticket_id,
            unit_id,
            start,
            due,
            step,
            number,
            state,
            unit_name or "",
        )
        for pk, role, ticket_id, unit_id, start, due, step, number, state, unit_name in rows
    ]


def _due_callbacks(now: dt.datetime, limit: int) -> list[Due]:
    rows = (
        Ticket.objects.select_for_update(skip_locked=True)
        .filter(callback_next_at__lte=now, state=TicketState.HANDLED)
        .order_by("callback_next_at")
        .values_list("pk", "handled_at", "callback_due_at", "callback_next_step", "number", "state")[:limit]
    )
    hotline, hotline_name = _hotline_unit()
    return [
        Due(DeadlineClock.CALLBACK, Ticket, pk, pk, hotline, start, due, step, number, state, hotline_name)
        for pk, start, due, step, number, state in rows
        if start is not None and due is not None
    ]


def _clear_stale(now: dt.datetime) -> None:
    """Clocks still scheduled on rows that no longer need them (defensive: services stop them)."""
    Assignment.objects.filter(sign_next_at__lte=now, ended_at__isnull=False).update(
        sign_next_step="", sign_next_at=None
    )
    Assignment.objects.filter(handle_next_at__lte=now, ended_at__isnull=False).update(
        handle_next_step="", handle_next_at=None
    )
    Ticket.objects.filter(callback_next_at__lte=now).exclude(state=TicketState.HANDLED).update(
        callback_next_step="", callback_next_at=None
    )


# ------------------------------------------------------------------------------- the sweep


def deadline_sweep(*, now: dt.datetime | None = None, max_batches: int = 1000) -> Counter[str]:
    """Take every escalation step that is due at ``now``. Returns how many of each were recorded."""
    now = now or timezone.now()
    taken: Counter[str] = Counter()
    _clear_stale(now)
    limit = _batch_size()
    readers: list[Callable[[], list[Due]]] = [
        lambda: _due_assignments(DeadlineClock.SIGN, now, limit),
        lambda: _due_assignments(DeadlineClock.HANDLE, now, limit),
        lambda: _due_callbacks(now, limit),
    ]
    for read in readers:
        for _batch in range(max_batches):
            with transaction.atomic():
                _commit_without_waiting_for_disk()
                due = read()
                if not due:
                    break
                taken += _take(due, now)
            if len(due) < limit:
                break
    return taken


def _commit_without_waiting_for_disk() -> None:
    """The batch's commit does not wait for its WAL to reach disk (PostgreSQL's
    ``synchronous_commit = off``, for this transaction only). A crash may lose the last batches
    taken — their steps, events, notices and next steps together, never some of them — and the next
    sweep takes them again from the rows, which are then still due. Nothing is lost but a few
    seconds; every other write of the system keeps waiting for the disk."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _steps_past(item: Due, now: dt.datetime) -> list[str]:
    """The row's due step and every later step of its ladder that has also come due by ``now``
    (more than one only after an outage, or when a deadline was moved earlier)."""
    steps = [item.step]
    while (nxt := following_step(item.start, item.due, steps[-1])) is not None and nxt[1] <= now:
        steps.append(nxt[0])
    return steps


def _take(due: list[Due], now: dt.datetime) -> Counter[str]:
    """Record every past step of each due row; an event per step, but a notice for the latest only:
    a unit back from an outage hears 督办 once, not 提醒, 超期, 催办 and 督办 at the same minute."""
    past = {(item.clock, item.target_id): _steps_past(item, now) for item in due}
    recorded = _record_steps(due, past, now)
    supervisors = _supervisors()
    titles = _Titles(now)
    events: list[tuple[Any, ...]] = []
    notices: list[tuple[Any, ...]] = []
    counts: Counter[str] = Counter()
    for item in due:
        steps = [
            (step, recorded[(item.clock, item.target_id, step)])
            for step in past[(item.clock, item.target_id)]
            if (item.clock, item.target_id, step) in recorded
        ]
        if not steps:
            continue  # already recorded (a retry, a second worker): nothing more to do for it
        due_at = item.due.isoformat()
        for step, _step_id in steps:
            counts[f"{item.clock}:{step}"] += 1
            payload = {"clock": item.clock, "step": step, "due_at": due_at, "unit": item.unit_id}
            if len(steps) > 1:
                payload["caught_up"] = True
            events.append(
                (
                    item.ticket_id,
                    EventKind.DEADLINE,
                    item.state,
                    item.state,
                    item.unit_id,
                    titles.title(item, step),
                    json.dumps(payload),
                    now,
                )
            )
        latest, latest_id = steps[-1]
        title = titles.title(item, latest)
        targets = {item.unit_id} if item.unit_id else set()
        if latest == DeadlineStep.SUPERVISE and item.unit_id in supervisors:
            targets.add(supervisors[item.unit_id])
        notices += [
            (unit, item.ticket_id, latest_id, f"deadline_{latest}", title[:200], now)
            for unit in targets
            if unit
        ]
    _insert(
        TicketEvent._meta.db_table,
        ["ticket_id", "kind", "from_state", "to_state", "actor_unit_id", "note", "payload", "created_at"],
        ["bigint", "text", "text", "text", "bigint", "text", "jsonb", "timestamptz"],
        events,
        fixed={"note_private": "''"},
    )
    _insert(
        Notice._meta.db_table,
        ["unit_id", "ticket_id", "step_id", "kind", "title", "created_at"],
        ["bigint", "bigint", "bigint", "text", "text", "timestamptz"],
        notices,
        fixed={"body": "''"},
    )
    _schedule_next(due, past)
    return counts


# ------------------------------------------------------------------------------- writing sets


def _insert(
    table: str,
    columns: list[str],
    types: list[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    fixed: dict[str, str] | None = None,
    suffix: str = "",
) -> list[tuple[Any, ...]]:
    """One ``INSERT … SELECT`` of ``rows`` (values by column) into ``table``; ``fixed`` columns take a
    constant SQL expression. Returns what ``suffix`` (``ON CONFLICT … RETURNING …``) returns.

    Only the model's own table and column names and SQL types (never values) are formatted in; the
    values are parameters: on PostgreSQL one array per column, elsewhere one placeholder each."""
    if not rows:
        return []
    fixed = fixed or {}
    names = ", ".join([*columns, *fixed])
    constants = "".join(f", {expression}" for expression in fixed.values())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT *{constants} FROM unnest({arrays}) {suffix}",  # noqa: S608
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            one = "(" + ", ".join(["%s"] * len(columns)) + constants + ")"
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(rows))} {suffix}",  # noqa: S608
                [value for row in rows for value in row],
            )
        return list(cursor.fetchall()) if suffix else []


def _record_steps(
    due: list[Due], past: dict[tuple[str, int], list[str]], now: dt.datetime
) -> dict[tuple[str, int, str], int]:
    """Insert the steps, skipping those already there; return the ids of the ones inserted now."""
    rows = [
        (item.clock, item.target_id, step, item.due, item.ticket_id, item.unit_id, now)
        for item in due
        for step in past[(item.clock, item.target_id)]
    ]
    inserted = _insert(
        DeadlineStepRecord._meta.db_table,
        ["clock", "target_id", "step", "due_at", "ticket_id", "unit_id", "recorded_at"],
        ["text", "bigint", "text", "timestamptz", "bigint", "bigint", "timestamptz"],
        rows,
        suffix="ON CONFLICT (clock, target_id, step, due_at) DO NOTHING RETURNING id, clock, target_id, step",
    )
    return {(clock, int(target), step): int(pk) for pk, clock, target, step in inserted}


def _schedule_next(due: list[Due], past: dict[tuple[str, int], list[str]]) -> None:
    """One ``UPDATE … FROM`` per table and clock: each row's following step, or none."""
    groups: dict[tuple[type[Model], str, str], list[tuple[int, str, dt.datetime | None]]] = {}
    for item in due:
        fields = FIELDS[DeadlineClock(item.clock)]
        nxt = following_step(item.start, item.due, past[(item.clock, item.target_id)][-1])
        groups.setdefault((item.model, fields.step, fields.at), []).append(
            (item.target_id, nxt[0] if nxt else "", nxt[1] if nxt else None)
        )
    with connection.cursor() as cursor:
        for (model, step_column, at_column), rows in groups.items():
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS t SET {step_column} = v.step, {at_column} = v.at "  # noqa: S608
                    "FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS v(id, step, at) "
                    "WHERE t.id = v.id",
                    [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET {step_column} = %s, {at_column} = %s WHERE id = %s",  # noqa: S608
                    [(step, at, pk) for pk, step, at in rows],
                )


class _Titles:
    """The notices' and events' titles, in the active language: each template is translated once
    per batch, not once per row."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.zone = timezone.get_current_timezone()
        self.actions = {clock: str(label) for clock, label in ACTION.items()}
        self.templates = {
            DeadlineStep.WARN: _("%(action)s deadline near: ticket %(number)s is due %(due)s"),
            DeadlineStep.OVERDUE: _("%(action)s overdue: ticket %(number)s was due %(due)s"),
            DeadlineStep.URGE: _("Urged: ticket %(number)s, %(action)s overdue by %(hours)d h — act now"),
            DeadlineStep.SUPERVISE: _(
                "Escalated for supervision: %(unit)s, ticket %(number)s, %(action)s overdue by %(hours)d h"
            ),
        }

    def title(self, item: Due, step: str) -> str:
        return self.templates[DeadlineStep(step)] % {
            "action": self.actions[DeadlineClock(item.clock)],
            "number": item.number,
            "due": item.due.astimezone(self.zone).strftime("%m-%d %H:%M"),
            "hours": max(1, int((self.now - item.due).total_seconds() // 3600)),
            "unit": item.unit_name,
        }
