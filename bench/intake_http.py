"""Benchmark: ticket creation through the HTTP API under gunicorn, with concurrent clients.

    .venv/bin/python bench/intake_http.py [--clients 32] [--seconds 20] [--workers 4]

Starts gunicorn on PostgreSQL (a dedicated bench database), warms up, then lets client processes
POST realistic tickets (real categories, regions and varied callers) as fast as the server answers,
over keep-alive connections on loopback. Prints tickets per second and latency percentiles. The
clients share the machine's cores with the server, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from environment import ROOT, bench_env, create_database, setup_django

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
                    "/api/v1/tickets/",
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
    args = parser.parse_args()
    if args.peer_shape:
        args.clients, args.seconds, args.workers, args.threads = 8, 30.0, 2, 1

    create_database(fresh=args.fresh)
    tokens, bodies = prepare(agent_count=min(args.clients, 50))
    statements_per_create(tokens, bodies)
    env = bench_env()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request(
                    "GET", "/accounts/login/"
                )
                break
            except OSError:
                time.sleep(0.2)
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
                target=client_loop, args=(args.port, tokens, bodies, start_at, stop_at, queue)
            )
            process.start()
            processes.append(process)
        results = [queue.get(timeout=args.warmup + args.seconds + 120) for _ in processes]
        for process in processes:
            process.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    latencies = sorted(x for lat, _ in results for x in lat)
    errors: dict[int, int] = {}
    for _, errs in results:
        for status, count in errs.items():
            errors[status] = errors.get(status, 0) + count
    if not latencies:
        print("no successful requests", errors)
        sys.exit(1)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    rate = len(latencies) / args.seconds
    cores = os.cpu_count()
    print(
        f"intake over HTTP: {args.clients} clients, gunicorn {args.workers}x{args.threads}, "
        f"{cores} cores, PostgreSQL"
    )
    print(f"  tickets created: {len(latencies)} in {args.seconds:.0f}s = {rate:.0f} tickets/s")
    mean = statistics.mean(latencies) * 1000
    print(
        f"  latency ms: p50 {pct(50):.1f}  p90 {pct(90):.1f}  p99 {pct(99):.1f}  "
        f"max {latencies[-1] * 1000:.1f}"
    )
    print(f"  mean latency ms: {mean:.1f}")
    print(f"  non-201 answers: {errors or 'none'}")


if __name__ == "__main__":
    main()
