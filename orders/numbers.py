"""Ticket numbers: the local date and a daily sequence, ``20261122`` + ``000123``.

Six digits because the largest hotlines take ~66,000 contacts a day on average and 150–200,000 on
peak days (domain.md §9), every one of which becomes a numbered ticket (most are answered directly).

On PostgreSQL each day has its own sequence (``ticket_number_20261122``): ``nextval`` takes no row
lock, so concurrent intake never queues on the counter and never collides. A rolled-back
transaction leaves a gap, which is harmless. The day's sequence is created ahead of time by the
nightly task and, if missing, on first use through a separate autocommit connection, so its
creation is visible to every other transaction at once. Elsewhere (SQLite, where writers are
serialised anyway) a counter row per day does the same job.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import DailySequence

SEQUENCE_DIGITS = 6


def sequence_name(day: dt.date) -> str:
    return f"ticket_number_{day:%Y%m%d}"


def ticket_number_next(*, now: dt.datetime | None = None) -> str:
    day = timezone.localdate(now or timezone.now())
    value = _next_postgresql(day) if connection.vendor == "postgresql" else _next_counter(day)
    return f"{day:%Y%m%d}{value:0{SEQUENCE_DIGITS}d}"


def ticket_sequences_ensure(*days: dt.date) -> None:
    """Create the sequences of the given days if they do not exist (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as own:
        for day in days:
            # A concurrent creator may win the race in the catalog: exactly what we wanted.
            with contextlib.suppress(psycopg.errors.UniqueViolation):
                own.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence_name(day)} MINVALUE 1 START 1")


# The sequence is found through pg_class (an MVCC catalog scan) rather than by name through
# regclass, whose negative cache entry would hide a sequence another session has just created.
NEXTVAL = """
    SELECT nextval(c.oid)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = %s AND c.relkind = 'S' AND n.nspname = current_schema()
"""


def _next_postgresql(day: dt.date) -> int:
    name = sequence_name(day)
    for _attempt in range(3):
        with connection.cursor() as cursor:
            cursor.execute(NEXTVAL, [name])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        ticket_sequences_ensure(day)  # first ticket of a day nobody prepared for
    raise RuntimeError(f"could not allocate a ticket number from {name}")


def _next_counter(day: dt.date) -> int:
    with transaction.atomic():
        DailySequence.objects.get_or_create(day=day)
        DailySequence.objects.filter(day=day).update(last=F("last") + 1)
        return DailySequence.objects.values_list("last", flat=True).get(day=day)
