"""Benchmark: a month's assessment over 1,000,000 closed tickets.

    .venv/bin/python bench/assessment.py [--tickets 1000000] [--keep]

Bulk-loads (COPY) a month (October 2026) of closed tickets over the real regions, units and
categories — each with its caller, its lead assignment (with the first contact) and its final callback
(5% unreachable, 0.5% exempt by appeal, answers drawn around a per-unit quality, 基本解决 among the
unresolved); 6% of tickets repeat an earlier caller's demand on the same category within 20 days,
4% were sent back once (a reopened round before the final one), 1% are proactive work verified by a
supervisor — then times the month's computation for every assessment group (``period_scores_compute``,
final: the three rates with the scheme's counting rules and the further indicators) with its peak
Python memory (tracemalloc) and the process's peak RSS, and a raw SQL aggregate applying the same
counting rules (final rounds, exempt out, a caller's repeats counted once) for comparison. Checks
that the stored counts equal the raw aggregate's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from environment import create_database, setup_django

MONTH_START = dt.date(2026, 10, 1)
MONTH_DAYS = 31


CALLER_PREFIX = "assessment-bench-"


def truncate() -> None:
    from bulk import truncate_work
    from django.db import connection

    truncate_work(callers=False)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE evaluation_verification, evaluation_stalescores")
        cursor.execute("DELETE FROM orders_caller WHERE phone_hash LIKE %s", [CALLER_PREFIX + "%"])


def load(count: int) -> None:
    from bulk import copy_rows, max_id
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from dispatch.directory.models import Region, Unit
    from dispatch.directory.reads import category_leaves
    from evaluation.models import Callback, Verification
    from orders.models import Assignment, Caller, Ticket

    rng = random.Random(12345)
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(MONTH_START, dt.time(), tzinfo=tz)
    leaves = list(category_leaves().values_list("pk", "default_urgency"))
    streets = list(Region.objects.filter(level="street").values_list("pk", "parent_id", "code"))
    units = {
        u.pk: u
        for u in Unit.objects.filter(is_active=True)
        .exclude(kind="hotline_centre")
        .select_related("parent")
        .only("pk", "kind", "assessment_group", "region_id", "parent__assessment_group")
    }
    office_of = dict(Unit.objects.filter(kind="street_office").values_list("region__code", "pk"))
    by_group: dict[str, list[int]] = {}
    for unit in units.values():
        by_group.setdefault(unit.assessment_group, []).append(unit.pk)
    # who leads: mostly street offices (属地), then district departments, municipal ones, enterprises
    lead_mix = [
        ("street", 0.70),
        ("district_department", 0.15),
        ("department", 0.08),
        ("enterprise", 0.05),
        ("district", 0.02),
    ]
    quality = {pk: rng.uniform(0.6, 0.97) for pk in units}

    def district_of(pk: int) -> int | None:
        unit = units[pk]
        if unit.assessment_group == "district":
            return pk
        if unit.parent is not None and unit.parent.assessment_group == "district":
            return unit.parent_id
        return None

    supervisor, _ = get_user_model().objects.get_or_create(username="bench-supervisor")
    first = max_id(Ticket) + 1
    tickets: list[dict] = []
    assignments, callbacks, callers, verifications = [], [], [], []
    end = start + dt.timedelta(days=MONTH_DAYS - 3)
    print(f"  generating {count:,} closed tickets ...")
    for n in range(count):
        category, urgency = rng.choice(leaves)
        street, district, code = rng.choice(streets)
        created = start + dt.timedelta(seconds=rng.uniform(0, (MONTH_DAYS - 3) * 86400))
        proactive = rng.random() < 0.01
        caller = None
        if not proactive and n > 1000 and rng.random() < 0.06:
            # the same caller again on the same matter (重复诉求), days after an earlier ticket
            earlier = tickets[rng.randrange(n)]
            if earlier["caller_id"] is not None:
                caller, category = earlier["caller_id"], earlier["category_id"]
                street, district = earlier["street_id"], earlier["district_id"]
                created = min(end, earlier["created_at"] + dt.timedelta(days=rng.uniform(0.1, 20)))
        if caller is None and not proactive:
            caller = len(callers)  # an index into callers until they are loaded
            callers.append(
                {
                    "phone_hash": f"{CALLER_PREFIX}{n}",
                    "phone_encrypted": "bench",
                    "phone_masked": "138****0000",
                    "first_contact_at": created,
                    "last_contact_at": created,
                }
            )
        group = rng.choices([g for g, _ in lead_mix], weights=[w for _, w in lead_mix])[0]
        lead = office_of.get(code) if group == "street" else rng.choice(by_group[group])
        lead = lead or rng.choice(by_group["street"])
        signed = created + dt.timedelta(hours=rng.uniform(0.2, 30))
        replied = signed + dt.timedelta(hours=rng.uniform(2, 24 * 8))
        closed = replied + dt.timedelta(hours=rng.uniform(1, 48))
        tickets.append(
            {
                "number": f"8{n:013d}",
                "state": "closed",
                "channel": "proactive" if proactive else "phone",
                "demand_type": "complaint",
                "category_id": category,
                "region_id": street,
                "district_id": district,
                "street_id": street,
                "caller_id": caller,
                "content": "bench",
                "urgency": urgency,
                "lead_unit_id": lead,
                "created_at": created,
                "dispatched_at": created,
                "accepted_at": signed,
                "handled_at": replied,
                "closed_at": closed,
                "updated_at": closed,
                "assessment_exempt": rng.random() < 0.005,
            }
        )
        contact_due = created + dt.timedelta(hours=2)
        assignments.append(
            {
                "ticket_id": first + n,
                "unit_id": lead,
                "role": "lead",
                "assigned_at": created,
                "signed_at": signed,
                "replied_at": replied,
                "sign_started_at": created,
                "sign_due_at": created + dt.timedelta(hours=24),
                "handle_started_at": created,
                "handle_due_at": created + dt.timedelta(days=7),
                "first_contact_due_at": contact_due,
                "first_contact_at": None
                if proactive or rng.random() < 0.1
                else created + dt.timedelta(hours=rng.uniform(0.1, 3)),
                "ended_at": closed,
                "end_reason": "closed",
                "extensions_granted": 0,
            }
        )
        if proactive:
            # work without a caller: verified by a supervisor, never called back
            verifications.append(
                {
                    "ticket_id": first + n,
                    "round": 0,
                    "unit_id": lead,
                    "verified": True,
                    "note": "bench",
                    "by_id": supervisor.pk,
                    "at": closed,
                }
            )
            continue
        callback = {
            "ticket_id": first + n,
            "round": 0,
            "unit_id": lead,
            "district_unit_id": district_of(lead),
            "group": units[lead].assessment_group,
            "started_at": closed,
            "completed_at": closed,
            "is_final": True,
        }
        q = quality[lead]
        if rng.random() < 0.04:
            # sent back once: an unresolved, unsatisfied round before the final one
            callbacks.append(
                {
                    **callback,
                    "is_final": False,
                    "attempts": 1,
                    "reached": True,
                    "valid": True,
                    "contacted": True,
                    "resolved": False,
                    "resolution": "unresolved",
                    "satisfaction": "unsatisfied",
                    "outcome": "reopened",
                    "completed_at": closed - dt.timedelta(hours=1),
                    "started_at": closed - dt.timedelta(hours=1),
                }
            )
            callback["round"] = 1
        if rng.random() < 0.05:
            callback.update(attempts=3, reached=False, valid=False, outcome="unreachable")
        else:
            resolved = rng.random() < q
            draw = rng.random()
            satisfaction = (
                ("satisfied" if draw < 0.85 else "basic")
                if resolved
                else ("unsatisfied" if draw < 0.6 else "basic")
            )
            callback.update(
                attempts=1,
                reached=True,
                valid=True,
                contacted=rng.random() < min(1.0, q + 0.1),
                resolved=resolved,
                resolution="resolved" if resolved else ("basic" if rng.random() < 0.3 else "unresolved"),
                satisfaction=satisfaction,
                outcome="closed",
            )
        callbacks.append(callback)
    began = time.perf_counter()
    print(f"  COPY {count:,} tickets, assignments and callbacks ...")
    copy_rows(Caller, callers, progress_every=500_000)
    # COPY takes the ids from the sequence, in row order: the callers' real ids, by their index
    ids = list(
        Caller.objects.filter(phone_hash__startswith=CALLER_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for ticket in tickets:
        if ticket["caller_id"] is not None:
            ticket["caller_id"] = ids[ticket["caller_id"]]
    copy_rows(Ticket, tickets, progress_every=500_000)
    copy_rows(Assignment, assignments, progress_every=500_000)
    copy_rows(Callback, callbacks, progress_every=500_000)
    copy_rows(Verification, verifications)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE orders_caller; ANALYZE orders_ticket; ANALYZE orders_assignment; "
            "ANALYZE evaluation_callback; ANALYZE evaluation_verification"
        )
    print(f"  loaded in {time.perf_counter() - began:.0f}s")


RAW_SQL = """
WITH counted AS (
    SELECT c."group", c.unit_id, c.contacted, c.resolution, c.satisfaction, c.valid,
           t.assessment_exempt AS exempt,
           EXISTS (
               SELECT 1 FROM orders_ticket later
               WHERE later.caller_id = t.caller_id AND later.category_id = t.category_id
                 AND later.created_at > t.created_at
                 AND later.created_at <= t.created_at + make_interval(days => %s)
                 AND later.state NOT IN ('rejected', 'merged', 'answered')
           ) AS superseded
    FROM evaluation_callback c JOIN orders_ticket t ON t.id = c.ticket_id
    WHERE c.is_final AND c.completed_at >= %s AND c.completed_at < %s
      AND c.outcome NOT IN ('inherited', 'verified')
), scored AS (
    SELECT *, valid AND NOT exempt AND NOT superseded AS v FROM counted
)
SELECT "group", unit_id,
       COUNT(*) AS callbacks,
       COUNT(*) FILTER (WHERE v) AS valid,
       COUNT(*) FILTER (WHERE v AND contacted) AS contacted,
       COUNT(*) FILTER (WHERE v AND resolution = 'resolved') AS resolved,
       COUNT(*) FILTER (WHERE v AND satisfaction = 'satisfied') AS satisfied,
       COUNT(*) FILTER (WHERE v AND satisfaction = 'basic') AS basic,
       COUNT(*) FILTER (WHERE NOT exempt AND superseded) AS repeats
FROM scored
GROUP BY "group", unit_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", action="store_true", help="keep the loaded month (skip reloading next time)"
    )
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_only:
        setup_django()
        truncate()
        load(args.tickets)
        return
    create_database(fresh=False)
    setup_django()
    from django.db import connection
    from django.db.models import Avg, Sum
    from django.utils import timezone

    from evaluation import scoring
    from evaluation.counting import ANALYTIC_WORK_MEM
    from evaluation.models import PeriodScore
    from evaluation.selectors import scheme_in_force
    from evaluation.services import GROUPS, period_scores_compute
    from orders.models import Ticket

    if Ticket.objects.count() != args.tickets:
        # loaded by a separate process, so that this one's peak memory is the computation's
        subprocess.run([sys.executable, __file__, "--load-only", "--tickets", str(args.tickets)], check=True)
    since, until = scoring.period_bounds(MONTH_START, dt.date(2026, 11, 1), timezone.get_default_timezone())
    # the raw aggregate, once to warm the cache, then timed
    repeat_days = scheme_in_force("street", MONTH_START).repeat_window_days
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = %s", [ANALYTIC_WORK_MEM])  # as the computation's transaction has
        cursor.execute(RAW_SQL, [repeat_days, since, until])
        cursor.fetchall()
        began = time.perf_counter()
        cursor.execute(RAW_SQL, [repeat_days, since, until])
        raw = {(row[0], row[1]): row[2:] for row in cursor.fetchall()}
        raw_seconds = time.perf_counter() - began

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    timings = {}
    began_all = time.perf_counter()
    shared: dict[object, object] = {}  # as the nightly run shares the city's figures between groups
    for group in GROUPS:
        began = time.perf_counter()
        scored = period_scores_compute(group=group, day=MONTH_START, final=True, shared=shared)
        timings[group] = (time.perf_counter() - began, scored)
    total = time.perf_counter() - began_all
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    # the stored counts are the raw aggregate's
    stored = {
        (group, unit): tuple(counts)
        for group, unit, *counts in PeriodScore.objects.filter(label="2026-10")
        .exclude(group="district")
        .values_list(
            "group",
            "unit_id",
            "callbacks",
            "valid_callbacks",
            "contacted",
            "resolved",
            "satisfied",
            "basic",
            "repeats",
        )
    }
    units_led = {key: value for key, value in raw.items() if key[0] != "district"}
    assert stored == units_led, "stored scores differ from the raw aggregate"
    valid = sum(row[1] for row in raw.values())
    repeats = sum(row[6] for row in raw.values())
    extras = PeriodScore.objects.filter(label="2026-10", group="street").aggregate(
        first_contact=Avg("first_contact_on_time_rate"),
        first_time=Avg("first_time_resolution_rate"),
        proactive=Sum("proactive_tickets"),
    )

    print(
        f"assessment of one month, {args.tickets:,} closed tickets ({valid:,} valid callbacks counted, "
        f"{repeats:,} repeated demands counted once):"
    )
    for group, (seconds, scored) in timings.items():
        print(f"  {group:<20} {scored:>4} units scored in {seconds:.2f}s")
    print(
        f"  all groups: {total:.2f}s; peak Python memory {peak / 1e6:.1f} MB (tracemalloc); "
        f"peak RSS {rss_after / 1024:.0f} MB (was {rss_before / 1024:.0f} MB before)"
    )
    print(f"  raw SQL aggregate (same counting rules, grouped by unit, {len(raw)} units): {raw_seconds:.2f}s")
    print(f"  all groups / raw SQL, same run: {total / raw_seconds:.2f}x (target at most 2x)")
    print(
        f"  streets' further indicators: first contact on time {extras['first_contact'] or 0:.1f}% "
        f"(mean), first-time resolution {extras['first_time'] or 0:.1f}% (mean), "
        f"{extras['proactive'] or 0:,} proactive tickets verified"
    )
    if not args.keep:
        truncate()


if __name__ == "__main__":
    main()
