"""Benchmark: duplicate-suggestion latency against 1,000,000 stored tickets.

    .venv/bin/python bench/duplicates.py [--tickets 1000000] [--queries 500] [--keep]

Bulk-loads (COPY) 40 days of tickets (25,000 a day, as the largest hotlines log) over the real streets
and leaf categories, with texts built from realistic complaint phrases and 200,000 repeat callers;
tickets older than 5 days are mostly closed. Then times the intake desk's duplicate suggestion
(``hotline.api.views.duplicates_for``: the candidate pool query, the scoring, the rows returned) for
``--queries`` new demands of random streets, categories and callers — half of them rewordings of an
open ticket — and prints p50/p95/p99 and how often the reworded original came first.
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

PLACES = [
    "小区门口",
    "3号楼下",
    "楼道里",
    "路口",
    "菜市场旁",
    "地铁站出口",
    "学校门口",
    "公交站",
    "单元门前",
    "停车场",
]
PROBLEMS = [
    "暖气不热，室温只有15度",
    "路灯坏了晚上不亮",
    "垃圾好几天没人清运，味道很大",
    "饭馆油烟太大，熏得没法开窗",
    "施工噪音扰民，晚上十点还在干",
    "井盖丢了很危险",
    "停水一上午了也没通知",
    "共享单车乱停堵住了路",
    "违建占用消防通道",
    "物业不管电梯经常坏",
    "树枝压到电线了",
    "道路坑洼积水严重",
]
ENDINGS = ["，请尽快处理。", "，多次反映没解决。", "，希望相关部门管一管。", "。", "，老人出行不便。"]
REWORD = [("不热", "不够热"), ("坏了", "坏掉了"), ("很大", "特别大"), ("太大", "非常大"), ("没人", "没有人")]


def text(rng: random.Random) -> str:
    return rng.choice(PLACES) + rng.choice(PROBLEMS) + rng.choice(ENDINGS)


def reworded(original: str, rng: random.Random) -> str:
    out = original
    for old, new in REWORD:
        out = out.replace(old, new)
    return "我家" + out.rstrip("。，") + rng.choice(["，快来看看", "，怎么还不解决"])


def truncate() -> None:
    from bulk import truncate_work

    truncate_work(callers=True)


def load(count: int, now: dt.datetime) -> None:
    from bulk import copy_rows
    from django.db import connection

    from dispatch.directory.models import Region
    from dispatch.directory.reads import category_leaves
    from orders.models import Caller, Ticket
    from orders.privacy import encrypt, phone_hash, phone_mask

    rng = random.Random(7)
    callers = []
    print("  callers ...")
    for n in range(200_000):
        phone = f"139{n:08d}"
        callers.append(
            {
                "phone_hash": phone_hash(phone),
                "phone_encrypted": encrypt(phone),
                "phone_masked": phone_mask(phone),
                "first_contact_at": now,
                "last_contact_at": now,
            }
        )
    copy_rows(Caller, callers)
    leaves = list(category_leaves().values_list("pk", "default_urgency"))
    streets = list(Region.objects.filter(level="street").values_list("pk", "parent_id"))
    days = 40
    tickets = []
    print(f"  generating {count:,} tickets ...")
    for n in range(count):
        category, urgency = rng.choice(leaves)
        street, district = rng.choice(streets)
        created = now - dt.timedelta(seconds=rng.uniform(0, days * 86400))
        age_days = (now - created).total_seconds() / 86400
        closed = rng.random() < (0.95 if age_days > 5 else 0.3)
        tickets.append(
            {
                "number": f"7{n:013d}",
                "state": "closed" if closed else rng.choice(["dispatched", "accepted", "handled"]),
                "channel": "phone",
                "demand_type": "complaint",
                "category_id": category,
                "region_id": street,
                "district_id": district,
                "street_id": street,
                "content": text(rng),
                "urgency": urgency,
                "caller_id": rng.randint(1, 200_000),
                "created_at": created,
                "updated_at": created,
            }
        )
    began = time.perf_counter()
    copy_rows(Ticket, tickets, progress_every=500_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_ticket; ANALYZE orders_caller")
    print(f"  loaded in {time.perf_counter() - began:.0f}s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    create_database(fresh=False)
    setup_django()
    from django.utils import timezone

    from dispatch.directory.models import Category, Region
    from hotline.selectors import duplicates_for
    from orders.models import Ticket

    now = timezone.now()
    if Ticket.objects.count() != args.tickets or not Ticket.objects.filter(number__startswith="7").exists():
        truncate()
        load(args.tickets, now)
    rng = random.Random(11)
    open_recent = list(
        Ticket.objects.filter(created_at__gte=now - dt.timedelta(days=5))
        .exclude(state="closed")
        .values_list("pk", "content", "category_id", "region_id", "caller__phone_masked")[:20_000]
    )
    categories = {c.pk: c for c in Category.objects.filter(level=3)}
    regions = {r.pk: r for r in Region.objects.filter(level="street")}
    latencies, found_first, rewordings, suggested = [], 0, 0, 0
    for n in range(args.queries):
        pk, content, category_id, region_id, _masked = rng.choice(open_recent)
        if n % 2 == 0:  # a rewording of an open ticket, same street and category
            demand, category, region, expected = (
                reworded(content, rng),
                categories[category_id],
                regions[region_id],
                pk,
            )
            rewordings += 1
        else:  # a new demand somewhere else
            demand = text(rng)
            category, region, expected = (
                rng.choice(list(categories.values())),
                rng.choice(list(regions.values())),
                None,
            )
        phone = f"139{rng.randint(0, 199_999):08d}" if rng.random() < 0.5 else ""
        began = time.perf_counter()
        rows = duplicates_for(content=demand, category=category, region=region, caller_phone=phone, now=now)
        latencies.append((time.perf_counter() - began) * 1000)
        suggested += bool(rows)
        if expected is not None and rows and rows[0]["id"] == expected:
            found_first += 1
    print(f"duplicate suggestion against {Ticket.objects.count():,} tickets, {args.queries} queries:")
    print(
        f"  latency p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
        f"p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms"
    )
    print(
        f"  rewordings whose original came first: {found_first}/{rewordings}; "
        f"queries with any suggestion: {suggested}"
    )
    if not args.keep:
        truncate()


if __name__ == "__main__":
    main()
