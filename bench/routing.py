"""Benchmark: routing decisions per second over the whole catalog, and the dispatch endpoint.

    .venv/bin/python bench/routing.py [--dispatches 300]

1. Builds the routing snapshot (catalog + units) from the database once, as each process does, and
   times it; then routes every leaf category × every street/township and a sample of communities
   on one core, in memory, and prints decisions per second.
2. Creates received tickets through the services and dispatches each by its route through
   ``POST /api/v1/tickets/{id}/dispatch/`` under gunicorn, one request at a time, printing latency.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from environment import GunicornServer, create_database, percentile, setup_django


def routing_throughput() -> None:
    from dispatch import routing
    from dispatch.directory.cache import directory_cache_clear
    from dispatch.directory.models import Region
    from dispatch.directory.reads import category_leaves
    from dispatch.selectors import category_route_path, place_of, routing_snapshot

    directory_cache_clear()
    began = time.perf_counter()
    entries, directory = routing_snapshot()
    snapshot_ms = (time.perf_counter() - began) * 1000
    leaves = [category_route_path(c) for c in category_leaves()]
    streets = list(Region.objects.filter(level="street"))
    communities = list(Region.objects.filter(level="community").order_by("?")[:300])
    places = [place_of(r) for r in streets + communities]
    cases = [(codes, label, place) for codes, label in leaves for place in places]
    began = time.perf_counter()
    fallbacks = 0
    for codes, label, place in cases:
        decision = routing.route(
            category_path=codes, category_label=label, place=place, entries=entries, directory=directory
        )
        fallbacks += decision.fallback
    elapsed = time.perf_counter() - began
    print(
        f"routing snapshot: {len(entries)} catalog entries, {len(directory.by_code)} units, built in "
        f"{snapshot_ms:.0f} ms"
    )
    rate = len(cases) / elapsed
    print(f"routing: {len(cases)} decisions ({len(leaves)} leaves x {len(places)} places) in {elapsed:.2f}s")
    print(f"  = {rate:,.0f} decisions/s on one core ({fallbacks} fell back to a district government)")


def dispatch_latency(count: int, port: int) -> None:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from dispatch.directory.choices import MembershipRole
    from dispatch.directory.models import Region, Unit
    from dispatch.directory.reads import category_leaves
    from dispatch.directory.services import membership_grant
    from orders.services import ticket_create

    hotline = Unit.objects.get(code="HOTLINE")
    agent, _ = User.objects.get_or_create(username="bench-agent-0")
    membership_grant(user=agent, unit=hotline, role=MembershipRole.AGENT)
    dispatcher, _ = User.objects.get_or_create(username="bench-dispatcher")
    membership_grant(user=dispatcher, unit=hotline, role=MembershipRole.DISPATCHER)
    token = Token.objects.get_or_create(user=dispatcher)[0].key
    rng = random.Random(7)
    leaves = [c for c in category_leaves() if not c.auto_dispatch]
    streets = list(Region.objects.filter(level="street", kind__in=["subdistrict", "town", "township"]))
    ids = []
    for n in range(count):
        category = rng.choice(leaves)
        ids.append(
            ticket_create(
                by=agent,
                channel="phone",
                demand_type=category.demand_types[0],
                category=category,
                region=rng.choice(streets),
                content="路灯不亮，夜间出行不便。",
                caller_phone=f"139{n:08d}",
            ).ticket.pk
        )
    latencies = []
    codes: dict[int, int] = {}
    with GunicornServer(port=port, workers=2):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for pk in ids:
            began = time.perf_counter()
            connection.request(
                "POST",
                f"/api/v1/tickets/{pk}/dispatch/",
                body=json.dumps({}),
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - began)
            codes[response.status] = codes.get(response.status, 0) + 1
            if response.getheader("Connection", "").lower() == "close":
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies.sort()
    print(f"dispatch endpoint: {len(ids)} sequential POST /tickets/{{id}}/dispatch/ by the route: {codes}")
    p50, p90, p99 = (percentile(latencies, p) * 1000 for p in (50, 90, 99))
    print(f"  latency ms: p50 {p50:.1f}  p90 {p90:.1f}  p99 {p99:.1f}  max {latencies[-1] * 1000:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dispatches", type=int, default=300)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    create_database(fresh=args.fresh)
    setup_django()
    routing_throughput()
    dispatch_latency(args.dispatches, args.port)


if __name__ == "__main__":
    main()
