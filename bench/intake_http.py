"""Benchmark: ticket creation through the HTTP API under gunicorn, with concurrent clients.

    .venv/bin/python bench/intake_http.py [--clients 32] [--seconds 20] [--workers 4]
    .venv/bin/python bench/intake_http.py --peer-shape --peer helpdesk --rounds 3

Starts gunicorn on PostgreSQL (a dedicated bench database), warms up, then lets client processes
POST realistic tickets (real categories, regions and varied callers) as fast as the server answers,
over keep-alive connections on loopback. Prints tickets per second and latency percentiles. The
clients share the machine's cores with the server, so the figures are a floor.

``--peer helpdesk`` measures django-helpdesk 2.6.1 (installed from PyPI under ``var/peer/`` on the
first run, bench/peer_helpdesk.py) the same way in the same run: each round serves ours, then the
peer, with the same gunicorn workers, clients and duration, on the same PostgreSQL server, and the
last lines print each round's pair and ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from environment import GunicornServer, create_database, setup_django

CONTENTS = [
    "暖气不热，室温只有16度，家里有老人孩子。",
    "小区门口夜间施工噪音太大，影响休息。",
    "楼下饭店油烟直排，窗户都不敢开。",
    "路灯坏了好几天了，晚上出行不安全。",
    "停水一天了也没有通知，什么时候恢复？",
    "小区垃圾堆了三天没人清运，气味很大。",
    "共享单车堵在地铁口，行人过不去。",
    "物业不作为，电梯坏了一个月没人修。",
]


def prepare(agent_count: int) -> tuple[list[str], list[dict[str, object]]]:
    setup_django()
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from dispatch.directory.choices import MembershipRole
    from dispatch.directory.models import Region, Unit
    from dispatch.directory.reads import category_leaves
    from dispatch.directory.services import membership_grant

    hotline = Unit.objects.get(code="HOTLINE")
    tokens = []
    for i in range(agent_count):
        user, _ = User.objects.get_or_create(username=f"bench-agent-{i}")
        membership_grant(user=user, unit=hotline, role=MembershipRole.AGENT)
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    leaves = list(category_leaves())
    regions = list(Region.objects.filter(level="street", kind__in=["subdistrict", "town", "township"]))
    rng = random.Random(12345)
    bodies = []
    for n in range(2000):
        category = rng.choice(leaves)
        bodies.append(
            {
                "channel": rng.choice(["phone", "phone", "phone", "app", "wechat", "web"]),
                "demand_type": rng.choice(category.demand_types),
                "category": category.code,
                "region": rng.choice(regions).code,
                "address": f"{rng.randint(1, 40)}号楼{rng.randint(1, 6)}单元",
                "content": rng.choice(CONTENTS),
                "caller_phone": f"13{rng.randint(0, 9)}{n:08d}",
                "caller_name": rng.choice(["张", "王", "李", "赵", "刘"]) + "先生",
            }
        )
    return tokens, bodies


def client_loop(
    port: int,
    path: str,
    tokens: list[str],
    bodies: list[dict[str, object]],
    start_at: float,
    stop_at: float,
    queue: multiprocessing.Queue,
) -> None:  # type: ignore[type-arg]
    import threading

    latencies: list[float] = []
    errors: dict[int, int] = {}
    lock = threading.Lock()

    def worker(index: int) -> None:
        rng = random.Random(index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        token = tokens[index % len(tokens)]
        local: list[float] = []
        local_errors: dict[int, int] = {}
        while time.time() < stop_at:
            body = json.dumps(rng.choice(bodies)).encode()
            began = time.perf_counter()
            try:
                connection.request(
                    "POST",
                    path,
                    body=body,
                    headers={
                        "Authorization": f"Token {token}",
                        "Content-Type": "application/json",
                    },
                )
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            elapsed = time.perf_counter() - began
            if time.time() >= start_at:  # after warm-up
                if status == 201:
                    local.append(elapsed)
                else:
                    local_errors[status] = local_errors.get(status, 0) + 1
        with lock:
            latencies.extend(local)
            for status, count in local_errors.items():
                errors[status] = errors.get(status, 0) + count

    threads_per_process = int(os.environ["BENCH_THREADS"])
    threads = [
        threading.Thread(target=worker, args=(int(os.environ["BENCH_OFFSET"]) + i,))
        for i in range(threads_per_process)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((latencies, errors))


def statements_per_create(tokens: list[str], bodies: list[dict[str, object]], n: int = 20) -> None:
    """Create ``n`` tickets in this process through the same API view and count the SQL statements
    each costs (after a warm-up: the reference caches are filled as a running server's are)."""
    from collections import Counter

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {tokens[0]}")

    def post(body: dict[str, object]) -> None:
        response = client.post("/api/v1/tickets/", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content[:500]

    for body in bodies[-2 * n : -n]:
        post(body)
    with CaptureQueriesContext(connection) as queries:
        for body in bodies[-n:]:
            post(body)
    kinds = Counter(q["sql"].split()[0].upper() for q in queries.captured_queries)
    writes = kinds["INSERT"] + kinds["UPDATE"] + kinds["DELETE"]
    print(
        f"SQL statements per create: {len(queries.captured_queries) / n:.1f} "
        f"({writes / n:.1f} writes; {', '.join(f'{k} {v / n:g}' for k, v in sorted(kinds.items()))})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32, help="concurrent client connections")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database")
    parser.add_argument(
        "--peer-shape",
        action="store_true",
        help="the django-helpdesk comparison's shape: 8 clients, 30 s, 2 gunicorn sync workers",
    )
    parser.add_argument(
        "--peer",
        choices=["helpdesk"],
        help="also measure django-helpdesk 2.6.1 (PyPI, bench/peer_helpdesk.py), interleaved with ours",
    )
    parser.add_argument("--rounds", type=int, default=1, help="rounds of each side, interleaved")
    args = parser.parse_args()
    if args.peer_shape:
        args.clients, args.seconds, args.workers, args.threads = 8, 30.0, 2, 1

    create_database(fresh=args.fresh)
    tokens, bodies = prepare(agent_count=min(args.clients, 50))
    statements_per_create(tokens, bodies)
    ours = ("ours", "/api/v1/tickets/", tokens, bodies)
    sides = [ours]
    if args.peer == "helpdesk":
        import peer_helpdesk

        token, queue = peer_helpdesk.prepare()
        sides.append(
            ("django-helpdesk 2.6.1", "/api/tickets/", [token], peer_helpdesk.bodies(queue, CONTENTS))
        )
    print(
        f"intake over HTTP: {args.clients} clients, gunicorn {args.workers}x{args.threads} for each side, "
        f"{os.cpu_count()} cores, PostgreSQL; {args.rounds} round(s) of {args.seconds:.0f}s, interleaved"
    )
    figures: dict[str, list[tuple[float, float]]] = {label: [] for label, *_ in sides}
    for round_number in range(args.rounds):
        for label, path, side_tokens, side_bodies in sides:
            server = (
                GunicornServer(args.port, args.workers, args.threads)
                if label == "ours"
                else peer_helpdesk.server(args.port, args.workers, args.threads)
            )
            with server:
                if label != "ours":
                    peer_helpdesk.check(args.port, side_tokens[0], side_bodies[0])
                latencies, errors = measure(args, path, side_tokens, side_bodies)
            figures[label].append(
                report(f"round {round_number + 1}, {label}", latencies, errors, args.seconds)
            )
    if len(sides) > 1:
        print("same run, side by side:")
        for n in range(args.rounds):
            (rate, p99), (peer_rate, peer_p99) = figures["ours"][n], figures[sides[1][0]][n]
            print(
                f"  round {n + 1}: ours {rate:.0f} t/s (p99 {p99:.0f} ms), {sides[1][0]} {peer_rate:.0f} t/s "
                f"(p99 {peer_p99:.0f} ms): {rate / peer_rate:.2f}x (target at least 5x, p99 at most 50 ms)"
            )


def measure(
    args: argparse.Namespace, path: str, tokens: list[str], bodies: list[dict[str, object]]
) -> tuple[list[float], dict[int, int]]:
    """Client processes POST as fast as the server answers; the latencies after warm-up."""
    processes_count = 2
    start_at = time.time() + args.warmup
    stop_at = start_at + args.seconds
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    processes = []
    per_process = max(1, args.clients // processes_count)
    for p in range(processes_count):
        os.environ["BENCH_THREADS"] = str(per_process)
        os.environ["BENCH_OFFSET"] = str(p * per_process)
        process = multiprocessing.Process(
            target=client_loop, args=(args.port, path, tokens, bodies, start_at, stop_at, queue)
        )
        process.start()
        processes.append(process)
    results = [queue.get(timeout=args.warmup + args.seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    errors: dict[int, int] = {}
    for _, errs in results:
        for status, count in errs.items():
            errors[status] = errors.get(status, 0) + count
    return latencies, errors


def report(label: str, latencies: list[float], errors: dict[int, int], seconds: float) -> tuple[float, float]:
    """Print one side's figures; return (tickets per second, p99 ms)."""
    if not latencies:
        print(f"  {label}: no successful requests", errors)
        sys.exit(1)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    rate = len(latencies) / seconds
    print(f"  {label}: {len(latencies)} tickets created in {seconds:.0f}s = {rate:.0f} tickets/s")
    print(
        f"    latency ms: p50 {pct(50):.1f}  p90 {pct(90):.1f}  p99 {pct(99):.1f}  "
        f"max {latencies[-1] * 1000:.1f}  mean {statistics.mean(latencies) * 1000:.1f}; "
        f"non-201 answers: {errors or 'none'}"
    )
    return rate, pct(99)


if __name__ == "__main__":
    main()
