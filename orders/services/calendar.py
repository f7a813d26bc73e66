"""Recompute deadlines that rest on a provisional calendar year once its notice is imported.

A due time computed over days of a year without the State Council's notice is flagged
(``*_due_provisional``). When the notice arrives, every flagged deadline that has not passed yet is
computed again from its start with the official calendar:

- in batches (one transaction each, rows locked with ``SKIP LOCKED`` so that a ticket someone is
  acting on is simply taken by the next run);
- idempotently: a recomputed row carries the flag only if it still rests on a provisional year, and
  a row whose due time does not change is only unflagged;
- one ``deadline_moved`` event per moved deadline, and a notice to the unit when it moved earlier;
- escalation steps already recorded are never undone: the next step is the first one of the
  ladder not yet recorded for the deadline, at its time on the new due time (if that time has
  passed, the next sweep takes it).

After an import the command runs it at once and the admin queues it; a periodic task runs it as a
safety net (a lost message, a process that computed a deadline on a stale cached calendar).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines, sla
from ..choices import DeadlineClock, EventKind, TicketState
from ..deadline_clocks import FIELDS, clock_due_set
from ..models import Assignment, DeadlineStepRecord, Notice, Ticket, TicketEvent

BATCH = 500


@dataclass(frozen=True)
class _Clock:
    clock: str
    model: type[Model]
    open_filter: Q  # the clock still runs (its deadline matters)


CLOCKS = (
    _Clock(DeadlineClock.SIGN, Assignment, Q(ended_at__isnull=True, signed_at__isnull=True)),
    _Clock(DeadlineClock.HANDLE, Assignment, Q(ended_at__isnull=True, replied_at__isnull=True)),
    _Clock(DeadlineClock.CALLBACK, Ticket, Q(state=TicketState.HANDLED)),
)


def _year_start(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=timezone.get_default_timezone())


def _candidates(spec: _Clock, *, year: int | None, now: dt.datetime) -> Q:
    fields = FIELDS[DeadlineClock(spec.clock)]
    assert fields.provisional is not None
    assert fields.start is not None
    query = spec.open_filter & Q(**{fields.provisional: True, f"{fields.due}__gt": now})
    if year is not None:
        # The deadline's span (start, due] meets the imported year.
        query &= Q(**{f"{fields.due}__gte": _year_start(year), f"{fields.start}__lt": _year_start(year + 1)})
    return query


def provisional_deadlines_recompute(
    *, year: int | None = None, now: dt.datetime | None = None, batch: int = BATCH
) -> Counter[str]:
    """Recompute flagged deadlines (those meeting ``year``, or every flagged one whose due time's
    year now has its official schedule). Returns counts: ``moved``, ``earlier``, ``confirmed``."""
    now = now or timezone.now()
    calendar = sla.work_calendar(fresh=True)
    counts: Counter[str] = Counter()
    for spec in CLOCKS:
        query = _candidates(spec, year=year, now=now)
        if year is None:
            zone = calendar.zone
            official = sorted(y for y in calendar.official_years if y >= now.astimezone(zone).year - 1)
            if not official:
                continue
            due_field = FIELDS[DeadlineClock(spec.clock)].due
            query &= Q(**{f"{due_field}__gte": _year_start(official[0])})
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(
                    spec.model._default_manager.select_for_update(skip_locked=True, of=("self",))
                    .filter(query, pk__gt=last_pk)
                    .order_by("pk")[:batch]
                )
                if not rows:
                    break
                last_pk = rows[-1].pk
                counts += _recompute_rows(spec.clock, rows, calendar, now)
    return counts


def _recompute_rows(
    clock: str, rows: list[Any], calendar: deadlines.WorkCalendar, now: dt.datetime
) -> Counter[str]:
    fields = FIELDS[DeadlineClock(clock)]
    assert fields.start is not None
    is_ticket = clock == DeadlineClock.CALLBACK
    ticket_ids = {row.pk if is_ticket else row.ticket_id for row in rows}
    tickets = {
        t.pk: t for t in Ticket.objects.filter(pk__in=ticket_ids).only("pk", "number", "state", "urgency")
    }
    hotline = _hotline_unit_id() if is_ticket else None
    counts: Counter[str] = Counter()
    changed: list[Any] = []
    events: list[TicketEvent] = []
    notices: list[Notice] = []
    for row in rows:
        ticket = tickets[row.pk if is_ticket else row.ticket_id]
        start, old_due = getattr(row, fields.start), getattr(row, fields.due)
        if start is None or old_due is None:
            continue
        new = sla.deadline(urgency=ticket.urgency, clock=clock, start=start, calendar=calendar)
        if new.at == old_due:
            if not new.provisional:
                clock_due_set(row, clock, due=old_due, provisional=False)
                changed.append(row)
                counts["confirmed"] += 1
            continue
        clock_due_set(row, clock, due=new.at, provisional=new.provisional)
        _reschedule(row, clock, start, old_due, new.at)
        changed.append(row)
        counts["moved"] += 1
        unit_id = hotline if is_ticket else row.unit_id
        title = _(
            "%(clock)s deadline of ticket %(number)s recomputed on the official calendar: %(old)s → %(new)s"
        ) % {
            "clock": DeadlineClock(clock).label,
            "number": ticket.number,
            "old": timezone.localtime(old_due).strftime("%Y-%m-%d %H:%M"),
            "new": timezone.localtime(new.at).strftime("%Y-%m-%d %H:%M"),
        }
        events.append(
            TicketEvent(
                ticket_id=ticket.pk,
                created_at=now,
                kind=EventKind.DEADLINE_MOVED,
                from_state=ticket.state,
                to_state=ticket.state,
                actor=None,
                actor_unit_id=unit_id,
                note=title,
                payload={
                    "clock": clock,
                    "from": timezone.localtime(old_due).isoformat(),
                    "to": timezone.localtime(new.at).isoformat(),
                    "provisional": new.provisional,
                    "reason": "calendar_notice",
                },
            )
        )
        if new.at < old_due and unit_id is not None:
            counts["earlier"] += 1
            notices.append(
                Notice(
                    unit_id=unit_id,
                    ticket_id=ticket.pk,
                    kind="deadline_moved_earlier",
                    title=title,
                    created_at=now,
                )
            )
    if changed:
        names = [fields.due, fields.step, fields.at]
        assert fields.provisional is not None
        names.append(fields.provisional)
        type(changed[0])._default_manager.bulk_update(changed, names, batch_size=BATCH)
    TicketEvent.objects.bulk_create(events)
    Notice.objects.bulk_create(notices)
    return counts


def _reschedule(row: Any, clock: str, start: dt.datetime, old_due: dt.datetime, new_due: dt.datetime) -> None:
    """The first step of the ladder not yet recorded for this deadline, at its time on ``new_due``.

    A paused clock (no step scheduled while a return request waits) stays paused.
    """
    fields = FIELDS[DeadlineClock(clock)]
    if not getattr(row, fields.step):
        return
    done = set(
        DeadlineStepRecord.objects.filter(clock=clock, target_id=row.pk, due_at=old_due).values_list(
            "step", flat=True
        )
    )
    nxt = sla.policy_at(start).ladder.next_step(start, new_due, done)
    setattr(row, fields.step, nxt[0] if nxt else "")
    setattr(row, fields.at, nxt[1] if nxt else None)


def _hotline_unit_id() -> int | None:
    from dispatch.directory.models import Unit

    return Unit.objects.filter(code=settings.HOTLINE_UNIT_CODE).values_list("pk", flat=True).first()


# ------------------------------------------------------------------------ the yearly warning

PROVISIONAL_NOTICE_KIND = "calendar_provisional"


def calendar_watch(*, today: dt.date | None = None) -> dict[str, Any]:
    """Daily: store this year's and next year's provisional schedules if they have none, and from
    1 November tell supervisors' units and the hotline centre — once each — that next year is still
    provisional. Idempotent."""
    from dispatch.directory.choices import MembershipRole
    from dispatch.directory.models import Membership

    today = today or timezone.localdate()
    stored = sla.calendar_provisional_ensure(years=[today.year, today.year + 1])
    years = [y for y in sla.provisional_calendar_years(today) if y > today.year]
    sent = 0
    if years:
        season_start = dt.datetime(today.year, 11, 1, tzinfo=timezone.get_default_timezone())
        units = set(
            Membership.objects.filter(role=MembershipRole.SUPERVISOR, is_active=True).values_list(
                "unit_id", flat=True
            )
        )
        hotline = _hotline_unit_id()
        if hotline is not None:
            units.add(hotline)
        told = set(
            Notice.objects.filter(
                unit_id__in=units, kind=PROVISIONAL_NOTICE_KIND, created_at__gte=season_start
            ).values_list("unit_id", flat=True)
        )
        year = years[0]
        title = provisional_warning_text(year)
        body = _(
            "Working-day deadlines that reach %(year)s are computed from the statutory holiday rules and "
            "marked provisional. When the State Council publishes its notice, an administrator imports it "
            "(Calendar years → Import a holiday notice) and those deadlines are recomputed."
        ) % {"year": year}
        now = timezone.now()
        Notice.objects.bulk_create(
            Notice(unit_id=unit, kind=PROVISIONAL_NOTICE_KIND, title=title, body=body, created_at=now)
            for unit in sorted(units - told)
        )
        sent = len(units - told)
    return {"stored": stored, "provisional": years, "notices": sent}


def provisional_warning_text(year: int) -> str:
    return _(
        "The %(year)s holiday notice is not imported yet: deadlines reaching %(year)s are provisional."
    ) % {"year": year}
