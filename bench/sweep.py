"""Benchmark: the deadline sweep's cost follows the number of deadlines due, not the number open.

    .venv/bin/python bench/sweep.py [--open 400000 40000] [--due 4000] [--peer helpdesk]

For each size, loads that many open tickets (COPY), each with a lead assignment whose sign-for and
handling clocks are running, of which ``--due`` have a step due now (1% of 400,000); then times one
sweep — wall time and SQL statements — and checks that it took exactly the due steps. The tables
are emptied between sizes. ``--peer helpdesk`` then times django-helpdesk 2.6.1's own escalation
(``escalate_tickets``, bench/peer_helpdesk.py) over the smallest size with the same number due.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from environment import create_database, setup_django


def truncate() -> None:
    from bulk import truncate_work

    truncate_work(callers=False)


def load(open_count: int, due_count: int, now: dt.datetime) -> None:
    from bulk import copy_rows, max_id, street_tickets_reference
    from django.db import connection

    from orders.models import Assignment, Ticket

    rng = random.Random(1)
    leaves, streets, offices = street_tickets_reference()
    due_rows = set(rng.sample(range(open_count), due_count))
    tickets = []
    for n in range(open_count):
        category, urgency = rng.choice(leaves)
        street, district, code = rng.choice(streets)
        created = now - dt.timedelta(hours=rng.uniform(1, 48))
        tickets.append(
            {
                "number": f"9{n:013d}",
                "state": "dispatched",
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
                "updated_at": created,
            }
        )
    print(f"  loading {open_count:,} open tickets ...")
    first = max_id(Ticket) + 1
    copy_rows(Ticket, tickets)
    assignments = []
    for n, ticket in enumerate(tickets):
        start = ticket["created_at"]
        sign_due, handle_due = start + dt.timedelta(hours=24), start + dt.timedelta(days=7)
        handle_start = start
        if n in due_rows:  # the sign-for deadline passed a few minutes ago
            sign_next, sign_at = "overdue", now - dt.timedelta(minutes=rng.randint(1, 30))
            start, sign_due = sign_at - dt.timedelta(hours=24), sign_at
        else:  # the next step lies ahead
            sign_next, sign_at = "warn", now + dt.timedelta(hours=rng.uniform(1, 20))
        assignments.append(
            {
                "ticket_id": first + n,
                "unit_id": ticket["lead_unit_id"],
                "role": "lead",
                "assigned_at": start,
                "sign_started_at": start,
                "sign_due_at": sign_due,
                "sign_next_step": sign_next,
                "sign_next_at": sign_at,
                "handle_started_at": handle_start,
                "handle_due_at": handle_due,
                "handle_next_step": "warn",
                "handle_next_at": now + dt.timedelta(days=rng.uniform(1, 5)),
                "extensions_granted": 0,
            }
        )
    print(f"  loading {open_count:,} assignments ...")
    copy_rows(Assignment, assignments)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_ticket; ANALYZE orders_assignment")


def sweep_once(now: dt.datetime) -> tuple[float, int, dict[str, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dispatch.directory.cache import directory_cache_clear
    from orders.sweep import deadline_sweep

    directory_cache_clear()
    from orders import sla

    sla.policy_at(now)  # warm the policy cache as a running worker would have it
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        taken = deadline_sweep(now=now)
        elapsed = time.perf_counter() - began
    return elapsed, len(queries), dict(taken)


def explain(now: dt.datetime) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM orders_assignment WHERE sign_next_at <= %s AND ended_at IS NULL "
            "ORDER BY sign_next_at LIMIT 500",
            [now],
        )
        return " | ".join(row[0].strip() for row in cursor.fetchall()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--open", type=int, nargs="+", default=[400_000, 40_000])
    parser.add_argument("--due", type=int, default=4_000)
    parser.add_argument(
        "--peer",
        choices=["helpdesk"],
        help="also time django-helpdesk 2.6.1's escalate_tickets at the smallest size (peer_helpdesk.py)",
    )
    args = parser.parse_args()
    create_database(fresh=False)
    setup_django()
    from django.utils import timezone

    now = timezone.now()
    results = []
    for open_count in args.open:
        truncate()
        load(open_count, args.due, now)
        elapsed, queries, taken = sweep_once(now)
        again, again_queries, again_taken = sweep_once(now)
        assert taken == {"sign:overdue": args.due}, taken
        assert again_taken == {}, again_taken
        print(f"  plan: {explain(now)}")
        results.append((open_count, elapsed, queries, again, again_queries))
    truncate()
    peer = None
    if args.peer == "helpdesk":
        import peer_helpdesk

        peer = peer_helpdesk.escalation_timed(min(args.open), args.due)
    print(f"deadline sweep, {args.due:,} deadlines due:")
    for open_count, elapsed, queries, again, again_queries in results:
        print(
            f"  {open_count:>9,} open: one sweep {elapsed:.2f}s, {queries} SQL statements; "
            f"a second sweep (nothing due) {again * 1000:.0f} ms, {again_queries} statements"
        )
    if len(results) > 1:
        largest, smallest = max(results), min(results)
        print(
            f"  cost with {largest[0]:,} open / with {smallest[0]:,} open: {largest[1] / smallest[1]:.2f}x "
            f"(target at most 1.5x); {args.due / largest[1]:,.0f} due steps per second taken"
        )
    slowest = max(elapsed for _, elapsed, *_ in results)
    print(f"  target: {args.due:,} due in at most 1 s: slowest sweep {slowest:.2f}s")
    if peer is not None:
        smallest = min(results)
        print(
            f"  django-helpdesk 2.6.1 escalate_tickets, same run, {args.due:,} of {smallest[0]:,} open due: "
            f"{peer:.1f}s; ours {smallest[1]:.2f}s: {peer / smallest[1]:.0f}x faster (target at least 100x)"
        )


if __name__ == "__main__":
    main()
