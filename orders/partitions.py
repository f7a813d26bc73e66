"""按月分区: the ticket event trail is partitioned by month of ``created_at`` on PostgreSQL.

Events are the largest table (about ten per ticket, 100M a year at Beijing's volume) and are
append-only, so they are what is partitioned (decision 37, docs/scaling.md). Months are the city's
months (``TIME_ZONE``): a partition holds ``[first day 00:00, first day of the next month 00:00)``.

A ``DEFAULT`` partition takes any row whose month has no partition yet, so an insert never fails
because maintenance was late. ``event_partitions_ensure`` (daily, Celery beat) creates this month's
partition and the next ``ahead`` months'; if rows of such a month already sit in the default
partition, they are moved into the new one in the same transaction. On SQLite nothing is partitioned
and every function here does nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

EVENT_TABLE = "orders_ticketevent"
DEFAULT_PARTITION = f"{EVENT_TABLE}_default"
MONTHS_AHEAD = 3
# A ticket's events cannot predate it; the slack covers a database clock behind the web server's.
# Reads of one ticket's events say so (``events_floor``), so PostgreSQL skips the months before it.
EVENT_CLOCK_SLACK = dt.timedelta(days=1)
# pg_advisory_xact_lock key: one maintainer at a time ("orders partitions").
_LOCK_KEY = 0x12345_0E7


@dataclass(frozen=True)
class Partition:
    name: str
    month: dt.date | None  # None for the default partition
    rows: int  # the planner's estimate (pg_class.reltuples), -1 before the first ANALYZE


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_after(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{EVENT_TABLE}_y{month.year}m{month.month:02d}"


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as the city counts it, as two aware datetimes (start inclusive, end exclusive)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(month_start(month), dt.time(), tzinfo=zone)
    return start, dt.datetime.combine(month_after(month_start(month)), dt.time(), tzinfo=zone)


def events_floor(ticket_created_at: dt.datetime) -> dt.datetime:
    """The earliest ``created_at`` an event of a ticket received at ``ticket_created_at`` can have."""
    return ticket_created_at - EVENT_CLOCK_SLACK


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
            [EVENT_TABLE],
        )
        return cursor.fetchone() is not None


def event_partitions() -> list[Partition]:
    """The event table's partitions, oldest month first, the default partition last."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = %s AND p.relnamespace = current_schema()::regnamespace",
            [EVENT_TABLE],
        )
        rows = cursor.fetchall()
    found = []
    for name, tuples in rows:
        month = None
        if name != DEFAULT_PARTITION:
            year, month_number = name.removeprefix(f"{EVENT_TABLE}_y").split("m")
            month = dt.date(int(year), int(month_number), 1)
        found.append(Partition(name, month, int(tuples)))
    return sorted(found, key=lambda part: (part.month is None, part.month or dt.date.min))


def event_partitions_ensure(*, today: dt.date | None = None, ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create the partitions of this month and the next ``ahead`` months that do not exist yet, and
    of any earlier month whose rows sit in the default partition. Idempotent; returns the names
    created."""
    if not is_partitioned():
        return []
    month = month_start(today or timezone.localdate())
    wanted = [month]
    for _ in range(ahead):
        wanted.append(month_after(wanted[-1]))
    created: list[str] = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        existing = {part.month for part in event_partitions()}
        stranded = _default_months()
        for each in sorted(set(wanted) | stranded):
            if each not in existing:
                _partition_create(each, move=each in stranded)
                created.append(partition_name(each))
    return created


def _default_months() -> set[dt.date]:
    """Months that have rows in the default partition (maintenance was late, or a clock was off)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE %s)::date FROM {DEFAULT_PARTITION}",  # noqa: S608
            [settings.TIME_ZONE],
        )
        return {row[0] for row in cursor.fetchall()}


def _partition_create(month: dt.date, *, move: bool) -> None:
    start, end = month_bounds(month)
    name = partition_name(month)
    # DDL takes no bound parameters: the bounds are written as literals (our own datetimes).
    bounds = f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    with connection.cursor() as cursor:
        if not move:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {EVENT_TABLE} {bounds}")
            return
        # The month's rows are in the default partition, whose constraint would then be violated:
        # detach it (a detached partition loses the append-only trigger's clone, so its rows can be
        # moved), create the month, move its rows through the parent, attach the default again.
        cursor.execute(f"ALTER TABLE {EVENT_TABLE} DETACH PARTITION {DEFAULT_PARTITION}")
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {EVENT_TABLE} {bounds}")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE created_at >= %s AND created_at < %s "  # noqa: S608
            f"RETURNING *) INSERT INTO {EVENT_TABLE} SELECT * FROM moved",
            [start, end],
        )
        cursor.execute(f"ALTER TABLE {EVENT_TABLE} ATTACH PARTITION {DEFAULT_PARTITION} DEFAULT")
