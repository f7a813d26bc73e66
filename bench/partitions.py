"""Benchmark: the event trail partitioned by month (decision 37) against the same rows in one table.

    .venv/bin/python bench/partitions.py [--events 10000000] [--months 12] [--open 40000] [--due 10000]

Loads ``--events / 10`` closed tickets spread over ``--months`` months with ten events each (COPY
and ``INSERT … SELECT``), plus the sweep's ``--open`` tickets of which ``--due`` have a step due now
(as bench/sweep.py). Copies the events into a flat table with the same indexes and foreign key, in
the same database, and then in one run, for both tables:

- a ticket's timeline, as ``orders.selectors.ticket_events`` reads it (2,000 random tickets);
- a month's events of one kind counted (as the direct-answer and sensitive-content reports do);
- the latest 50 events of a day, newest first (an audit list);
- one deadline sweep with the due steps (the flat table is swapped in under the model's name).

Prints median and p95 per query and the sweep's wall time for each. The tables are emptied after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from environment import create_database, setup_django

FLAT = "bench_event_flat"
EVENTS = "orders_ticketevent"
KINDS = [
    "create",
    "dispatch",
    "accept",
    "note",
    "deadline",
    "first_contact",
    "reply",
    "close",
    "note",
    "note",
]


def load_history(tickets: int, months: int, now: dt.datetime) -> None:
    from bulk import copy_rows, max_id, street_tickets_reference
    from django.db import connection

    from orders.models import Ticket

    rng = random.Random(7)
    leaves, streets, offices = street_tickets_reference()
    span = dt.timedelta(days=30.4 * months)

    def rows():
        for n in range(tickets):
            category, urgency = rng.choice(leaves)
            street, district, code = rng.choice(streets)
            created = now - span + dt.timedelta(seconds=rng.uniform(0, span.total_seconds() - 86_400))
            yield {
                "number": f"8{n:013d}",
                "state": "closed",
                "channel": "phone",
                "demand_type": "complaint",
                "category_id": category,
                "region_id": street,
                "district_id": district,
                "street_id": street,
                "content": "bench",
                "urgency": urgency,
                "lead_unit_id": offices[code],
                "created_at": created,
                "dispatched_at": created,
                "closed_at": created + dt.timedelta(hours=20),
                "updated_at": created,
            }

    first = max_id(Ticket) + 1
    print(f"  loading {tickets:,} closed tickets over {months} months ...")
    copy_rows(Ticket, rows(), progress_every=500_000)
    print(f"  loading {tickets * 10:,} events (ten per ticket) ...")
    began = time.perf_counter()
    kinds = "ARRAY[" + ", ".join(f"'{kind}'" for kind in KINDS) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EVENTS} (kind, from_state, to_state, note, note_private, payload, created_at, "
            f"ticket_id, actor_unit_id) "
            f"SELECT ({kinds})[k + 1], '', '', 'bench', '', '{{}}'::jsonb, "
            f"t.created_at + k * interval '2 hours', t.id, t.lead_unit_id "
            f"FROM orders_ticket t CROSS JOIN generate_series(0, 9) k WHERE t.id >= %s",
            [first],
        )
        print(f"    {cursor.rowcount:,} events in {time.perf_counter() - began:.0f}s")
        cursor.execute(f"VACUUM ANALYZE {EVENTS}")


def flat_copy() -> None:
    """The same rows in one unpartitioned table with the same indexes and the ticket foreign key."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLAT}")
        cursor.execute(f"CREATE TABLE {FLAT} (LIKE {EVENTS} INCLUDING ALL EXCLUDING INDEXES)")
        cursor.execute(f"INSERT INTO {FLAT} SELECT * FROM {EVENTS}")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{FLAT}', 'id'), max(id)) FROM {FLAT}")
        cursor.execute(f"ALTER TABLE {FLAT} ADD PRIMARY KEY (id)")
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
            [EVENTS, "%pkey"],
        )
        for (definition,) in cursor.fetchall():
            _head, _, columns = definition.partition(" USING ")
            cursor.execute(f"CREATE INDEX ON {FLAT} USING {columns}")
        cursor.execute(
            f"ALTER TABLE {FLAT} ADD FOREIGN KEY (ticket_id) REFERENCES orders_ticket(id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )
        cursor.execute(f"VACUUM ANALYZE {FLAT}")
    print(f"  flat copy with its indexes in {time.perf_counter() - began:.0f}s")


def timed(sql: str, params_list: list[list[object]]) -> tuple[float, float]:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for params in params_list:
            began = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def queries(now: dt.datetime, months: int) -> list[tuple[str, str, list[list[object]]]]:
    """(label, SQL on the event table, parameter lists) — SQL compiled from the code where it exists."""
    from django.db import connection

    from orders.models import Ticket
    from orders.partitions import month_bounds
    from orders.selectors import ticket_events

    rng = random.Random(3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM orders_ticket WHERE state = 'closed'")
        low, high = cursor.fetchone()
    sample = Ticket.objects.filter(pk__in=[rng.randint(low, high) for _ in range(2_000)])
    timeline = [ticket_events(ticket=ticket).query.sql_with_params() for ticket in sample]
    month = (now - dt.timedelta(days=30.4 * (months // 2))).date()
    start, end = month_bounds(month)
    days = [now - dt.timedelta(days=rng.uniform(2, 30.4 * months - 2)) for _ in range(50)]
    return [
        ("a ticket's timeline (ticket_events)", timeline[0][0], [list(p) for _, p in timeline]),
        (
            "a month's 'close' events counted",
            f"SELECT count(*) FROM {EVENTS} WHERE kind = %s AND created_at >= %s AND created_at < %s",
            [["close", start, end]] * 20,
        ),
        (
            "a day's latest 50 events",
            f"SELECT * FROM {EVENTS} WHERE created_at >= %s AND created_at < %s "
            "ORDER BY created_at DESC, id DESC LIMIT 50",
            [[day - dt.timedelta(days=1), day] for day in days],
        ),
    ]


def swap() -> None:
    """Put the flat table under the model's name, or back."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {EVENTS} RENAME TO bench_event_swap")
        cursor.execute(f"ALTER TABLE {FLAT} RENAME TO {EVENTS}")
        cursor.execute(f"ALTER TABLE bench_event_swap RENAME TO {FLAT}")


def sweep_timed(now: dt.datetime, due: int) -> float:
    """One sweep of the due steps; then the steps are undone so the next sweep takes them again."""
    from django.db import connection
    from sweep import sweep_once

    from orders.models import Assignment

    columns = [f.column for f in Assignment._meta.concrete_fields if f.column != "id"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_assignment_before")
        cursor.execute("CREATE TABLE bench_assignment_before AS SELECT * FROM orders_assignment")
    elapsed, _queries, taken = sweep_once(now)
    assert taken == {"sign:overdue": due}, taken
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM orders_notice")
        cursor.execute("DELETE FROM orders_deadlinesteprecord")
        assignments = ", ".join(f"{c} = b.{c}" for c in columns)
        cursor.execute(
            f"UPDATE orders_assignment a SET {assignments} FROM bench_assignment_before b WHERE a.id = b.id"
        )
        cursor.execute("DROP TABLE bench_assignment_before")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--open", type=int, default=40_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="leave the rows (and the flat table) loaded")
    args = parser.parse_args()
    create_database(fresh=False)
    setup_django()
    from bulk import truncate_work
    from django.db import connection
    from django.utils import timezone
    from sweep import load

    from orders.partitions import event_partitions, event_partitions_ensure

    now = timezone.now()
    truncate_work()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLAT}")
    # the history's months, as the daily task would have made them month by month
    first = (now - dt.timedelta(days=30.4 * args.months)).date()
    event_partitions_ensure(today=first, ahead=args.months + 3)
    load(args.open, args.due, now)
    load_history(args.events // 10, args.months, now)
    flat_copy()
    parts = event_partitions()
    in_default = next(p.rows for p in parts if p.month is None)
    print(f"  {len(parts) - 1} monthly partitions, {in_default} rows in the default partition")

    results = []
    for label, sql, params in queries(now, args.months):
        flat_sql = sql.replace(f'"{EVENTS}"', FLAT).replace(f" {EVENTS} ", f" {FLAT} ")
        timed(sql, params[:20])  # warm both
        timed(flat_sql, params[:20])
        results.append((label, timed(sql, params), timed(flat_sql, params)))
    partitioned_sweep = sweep_timed(now, args.due)
    swap()
    try:
        flat_sweep = sweep_timed(now, args.due)
    finally:
        swap()
    if not args.keep:
        truncate_work()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FLAT}")

    print(f"events by month, {args.events:,} events over {args.months} months (same run, same rows):")
    print(f"  {'query':<40} {'partitioned p50 / p95':>24} {'one table p50 / p95':>24}")
    for label, (p50, p95), (f50, f95) in results:
        print(f"  {label:<40} {p50:>10.2f} / {p95:>7.2f} ms {f50:>10.2f} / {f95:>7.2f} ms")
    print(
        f"  deadline sweep, {args.due:,} due with {args.events:,} events: "
        f"partitioned {partitioned_sweep:.2f}s, one table {flat_sweep:.2f}s"
    )


if __name__ == "__main__":
    main()
