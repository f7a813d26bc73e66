"""The deadline sweep (DESIGN §5): warn → overdue → urge → supervise, each at most once per deadline.

Every deadline clock keeps its next step and when that step falls due (``*_next_at``), under a
partial index that holds only scheduled steps. The sweep therefore reads the rows that are due and
nothing else: its cost follows the number of deadlines due, not the number of open tickets.

For each due row, in batches, in one transaction per batch:
1. lock it (``SKIP LOCKED``: two sweeps at once take different rows);
2. record the step — ``INSERT … ON CONFLICT DO NOTHING`` against a unique constraint on
   (deadline, row, step, due time), so duplicate messages, retries or racing workers never double it;
3. for the steps actually recorded, write the ticket event and the notices (the unit; for 督办 also
   its supervising unit);
4. schedule the row's following step (or none).

When several steps of one deadline have come due at once (after an outage, or a deadline moved
earlier), every one is recorded with its event, but the unit gets one notice: the latest step's.

It re-derives everything from the database and is idempotent: run it twice, or after a day's
outage, and it takes exactly the steps that are due, once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
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

BATCH = 500
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


@dataclass(frozen=True)
class Due:
    """One due step, read from its row."""

    clock: str
    row: Any
    target_id: int
    ticket_id: int
    unit_id: int | None
    start: dt.datetime
    due: dt.datetime
    step: str


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


def _hotline_unit() -> int | None:
    return cached(
        "sweep",
        "hotline",
        lambda: Unit.objects.filter(code=settings.HOTLINE_UNIT_CODE).values_list("pk", flat=True).first(),
    )


# ------------------------------------------------------------------------------ reading rows


def _due_assignments(clock: str, now: dt.datetime) -> list[Due]:
    """Assignments whose next step is due, as the clock their role gives them (``ROLE_CLOCK``)."""
    fields = FIELDS[DeadlineClock(clock)]
    assert fields.start is not None
    rows = list(
        Assignment.objects.select_for_update(skip_locked=True)
        .filter(**{f"{fields.at}__lte": now}, ended_at__isnull=True)
        .order_by(fields.at)[:BATCH]
    )
    return [
        Due(
            ROLE_CLOCK.get(r.role, clock) if clock == DeadlineClock.HANDLE else clock,
            r,
            r.pk,
            r.ticket_id,
            r.unit_id,
            getattr(r, fields.start),
            getattr(r, fields.due),
            getattr(r, fields.step),
        )
        for r in rows
    ]


def _due_callbacks(now: dt.datetime) -> list[Due]:
    rows = list(
        Ticket.objects.select_for_update(skip_locked=True)
        .filter(callback_next_at__lte=now, state=TicketState.HANDLED)
        .only("pk", "handled_at", "callback_due_at", "callback_next_step", "callback_next_at", "state")
        .order_by("callback_next_at")[:BATCH]
    )
    hotline = _hotline_unit()
    return [
        Due(
            DeadlineClock.CALLBACK,
            r,
            r.pk,
            r.pk,
            hotline,
            r.handled_at,
            r.callback_due_at,
            r.callback_next_step,
        )
        for r in rows
        if r.handled_at is not None and r.callback_due_at is not None
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
    readers = [
        lambda: _due_assignments(DeadlineClock.SIGN, now),
        lambda: _due_assignments(DeadlineClock.HANDLE, now),
        lambda: _due_callbacks(now),
    ]
    for read in readers:
        for _batch in range(max_batches):
            with transaction.atomic():
                due = read()
                if not due:
                    break
                taken += _take(due, now)
    return taken


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
    tickets = dict(Ticket.objects.filter(pk__in={d.ticket_id for d in due}).values_list("pk", "state"))
    numbers = dict(Ticket.objects.filter(pk__in={d.ticket_id for d in due}).values_list("pk", "number"))
    unit_names = dict(
        Unit.objects.filter(pk__in={d.unit_id for d in due if d.unit_id}).values_list("pk", "name")
    )
    supervisors = _supervisors()
    events, notices = [], []
    counts: Counter[str] = Counter()
    for item in due:
        steps = [
            (step, recorded[(item.clock, item.target_id, step)])
            for step in past[(item.clock, item.target_id)]
            if (item.clock, item.target_id, step) in recorded
        ]
        if not steps:
            continue  # already recorded (a retry, a second worker): nothing more to do for it
        state = tickets[item.ticket_id]
        for step, _step_id in steps:
            counts[f"{item.clock}:{step}"] += 1
            title = _title(item, step, numbers[item.ticket_id], unit_names.get(item.unit_id or 0, ""), now)
            events.append(
                TicketEvent(
                    ticket_id=item.ticket_id,
                    created_at=now,
                    kind=EventKind.DEADLINE,
                    from_state=state,
                    to_state=state,
                    actor=None,
                    actor_unit_id=item.unit_id,
                    note=title,
                    payload={
                        "clock": item.clock,
                        "step": step,
                        "due_at": item.due.isoformat(),
                        "unit": item.unit_id,
                        **({"caught_up": True} if len(steps) > 1 else {}),
                    },
                )
            )
        latest, latest_id = steps[-1]
        title = _title(item, latest, numbers[item.ticket_id], unit_names.get(item.unit_id or 0, ""), now)
        targets = {item.unit_id} if item.unit_id else set()
        if latest == DeadlineStep.SUPERVISE and item.unit_id in supervisors:
            targets.add(supervisors[item.unit_id])
        notices += [
            Notice(
                unit_id=unit,
                ticket_id=item.ticket_id,
                step_id=latest_id,
                kind=f"deadline_{latest}",
                title=title,
                created_at=now,
            )
            for unit in targets
            if unit
        ]
    TicketEvent.objects.bulk_create(events)
    Notice.objects.bulk_create(notices)
    _schedule_next(due, past)
    return counts


def _record_steps(
    due: list[Due], past: dict[tuple[str, int], list[str]], now: dt.datetime
) -> dict[tuple[str, int, str], int]:
    """Insert the steps, skipping those already there; return the ids of the ones inserted now."""
    table = DeadlineStepRecord._meta.db_table
    rows: list[Any] = []
    for item in due:
        for step in past[(item.clock, item.target_id)]:
            rows += [item.clock, item.target_id, step, item.due, item.ticket_id, item.unit_id, now]
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * (len(rows) // 7))
    # Only the model's own table name and "%s" placeholders are formatted in; values are parameters.
    sql = (
        f"INSERT INTO {table} (clock, target_id, step, due_at, ticket_id, unit_id, recorded_at) "  # noqa: S608
        f"VALUES {placeholders} ON CONFLICT (clock, target_id, step, due_at) DO NOTHING "
        "RETURNING id, clock, target_id, step"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, rows)
        return {(clock, int(target), step): int(pk) for pk, clock, target, step in cursor.fetchall()}


def _schedule_next(due: Iterable[Due], past: dict[tuple[str, int], list[str]]) -> None:
    by_model: dict[type[Model], tuple[list[Any], set[str]]] = {}
    for item in due:
        fields = FIELDS[DeadlineClock(item.clock)]
        nxt = following_step(item.start, item.due, past[(item.clock, item.target_id)][-1])
        setattr(item.row, fields.step, nxt[0] if nxt else "")
        setattr(item.row, fields.at, nxt[1] if nxt else None)
        rows, names = by_model.setdefault(type(item.row), ([], set()))
        rows.append(item.row)
        names.update((fields.step, fields.at))
    for model, (rows, names) in by_model.items():
        model._default_manager.bulk_update(rows, sorted(names), batch_size=BATCH)


def _title(item: Due, step: str, number: str, unit: str, now: dt.datetime) -> str:
    action = ACTION[DeadlineClock(item.clock)]
    due = timezone.localtime(item.due).strftime("%m-%d %H:%M")
    if step == DeadlineStep.WARN:
        return _("%(action)s deadline near: ticket %(number)s is due %(due)s") % {
            "action": action,
            "number": number,
            "due": due,
        }
    if step == DeadlineStep.OVERDUE:
        return _("%(action)s overdue: ticket %(number)s was due %(due)s") % {
            "action": action,
            "number": number,
            "due": due,
        }
    hours = max(1, int((now - item.due).total_seconds() // 3600))
    if step == DeadlineStep.URGE:
        return _("Urged: ticket %(number)s, %(action)s overdue by %(hours)d h — act now") % {
            "number": number,
            "action": action,
            "hours": hours,
        }
    return _("Escalated for supervision: %(unit)s, ticket %(number)s, %(action)s overdue by %(hours)d h") % {
        "unit": unit,
        "number": number,
        "action": action,
        "hours": hours,
    }
