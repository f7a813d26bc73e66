"""The event trail partitioned by month on PostgreSQL (decision 37, orders/partitions.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from orders import clock
from orders.choices import TicketState
from orders.models import TicketEvent
from orders.partitions import (
    DEFAULT_PARTITION,
    event_partitions,
    event_partitions_ensure,
    is_partitioned,
    month_after,
    partition_name,
)
from orders.selectors import ticket_events
from tests.cities import ZONE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's"),
]


def table_of(event: TicketEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM orders_ticketevent WHERE id = %s", [event.pk])
        return cursor.fetchone()[0]


def migrated_month() -> dt.date:
    """The month the test database was migrated in: its first partition (the suite's clock is
    November 2026, so ``now`` here says nothing about which months exist)."""
    return event_partitions()[0].month  # type: ignore[return-value]


def event_at(ticket, moment: dt.datetime) -> TicketEvent:  # type: ignore[no-untyped-def]
    return TicketEvent.objects.create(ticket=ticket, kind="note", note="x", created_at=moment)


def test_the_migration_partitions_the_event_table_by_month() -> None:
    assert is_partitioned()
    parts = event_partitions()
    assert (parts[-1].name, parts[-1].month) == (DEFAULT_PARTITION, None)
    months = [p.month for p in parts[:-1]]
    consecutive = [months[0]]
    for _ in range(3):
        consecutive.append(month_after(consecutive[-1]))
    assert months == consecutive  # the month it ran in and three ahead (an empty table: no history)


def test_an_event_lands_in_its_months_partition_by_the_citys_calendar(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    month = migrated_month()
    nxt = month_after(month)
    first_of_next = dt.datetime.combine(nxt, dt.time(), tzinfo=ZONE)
    # months are the city's: 23:59 on the last day (15:59 UTC) is this month, 00:00 the next one's
    assert table_of(event_at(ticket, first_of_next - dt.timedelta(minutes=1))) == partition_name(month)
    assert table_of(event_at(ticket, first_of_next)) == partition_name(nxt)
    far = dt.datetime(month.year + 5, 6, 1, tzinfo=ZONE)
    assert table_of(event_at(ticket, far)) == DEFAULT_PARTITION  # no month yet: never refused


def test_ensure_makes_months_ahead_and_moves_rows_out_of_the_default(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    later = dt.date(migrated_month().year + 3, 2, 1)
    stranded = event_at(ticket, dt.datetime(later.year, 2, 28, 23, 30, tzinfo=ZONE))
    far = event_at(ticket, dt.datetime(later.year + 2, 1, 1, tzinfo=ZONE))  # beyond the months ahead
    assert table_of(stranded) == DEFAULT_PARTITION

    created = event_partitions_ensure(today=dt.date(later.year, 1, 15), ahead=2)

    far_month = dt.date(later.year + 2, 1, 1)
    made = [*(partition_name(dt.date(later.year, m, 1)) for m in (1, 2, 3)), partition_name(far_month)]
    assert created[-4:] == made  # (after the suite clock's month, where the create event sat)
    assert table_of(stranded) == partition_name(later)
    moved = TicketEvent.objects.get(pk=stranded.pk)
    assert (moved.created_at, moved.kind, moved.note, moved.ticket_id) == (
        stranded.created_at,
        "note",
        "x",
        ticket.pk,
    )
    assert table_of(far) == partition_name(far_month)  # every stranded month gets its partition
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION}")
        assert cursor.fetchone()[0] == 0
    assert TicketEvent.objects.filter(ticket=ticket).count() == 3  # the create event, and these two
    assert event_partitions_ensure(today=dt.date(later.year, 1, 15), ahead=2) == []  # idempotent


def test_months_with_stranded_rows_are_made_even_when_in_the_past(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()  # the suite's clock: November 2026, before the migration's first month
    created_month = ticket.created_at.astimezone(ZONE).date().replace(day=1)
    if created_month in {p.month for p in event_partitions()}:
        pytest.fail("the suite's clock month should have no partition in a database migrated later")
    event = ticket.events.get()
    assert table_of(event) == DEFAULT_PARTITION

    assert partition_name(created_month) in event_partitions_ensure()
    assert table_of(event) == partition_name(created_month)


def test_partitions_keep_the_trail_append_only(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    month = migrated_month()
    event = event_at(ticket, dt.datetime.combine(month, dt.time(12), tzinfo=ZONE))
    for table in ("orders_ticketevent", partition_name(month)):
        for statement in (
            f"UPDATE {table} SET note = 'y' WHERE id = %s",
            f"DELETE FROM {table} WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                connection.cursor().execute(statement, [event.pk])
    # rows moved out of the default partition are protected in their new one
    later = dt.date(month.year + 3, 5, 1)
    moved = event_at(ticket, dt.datetime(later.year, 5, 2, tzinfo=ZONE))
    event_partitions_ensure(today=later, ahead=0)
    assert table_of(moved) == partition_name(later)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(f"DELETE FROM {partition_name(later)} WHERE id = %s", [moved.pk])


def test_a_tickets_timeline_reads_no_month_before_the_ticket(cast) -> None:  # type: ignore[no-untyped-def]
    month = migrated_month()
    earlier = dt.date(month.year - 1, month.month, 1)
    event_partitions_ensure(today=earlier, ahead=0)
    with clock.frozen_at(dt.datetime.combine(month, dt.time(9), tzinfo=ZONE)):
        ticket = cast.ticket_in(TicketState.DISPATCHED)
    # the database clock may trail the web server's: an event stamped an hour "before" still shows
    event_at(ticket, ticket.created_at - dt.timedelta(hours=1))
    events = ticket_events(ticket=ticket)
    kinds = [e.kind for e in events]
    assert kinds[0] == "note"
    assert {"create", "dispatch"} <= set(kinds)
    assert list(events) == list(ticket.events.order_by("created_at", "pk"))  # all of them, in order

    sql, params = events.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert partition_name(earlier) not in plan
    assert partition_name(month) in plan
