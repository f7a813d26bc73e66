"""Benchmark: the intake desk's category suggestion — accuracy on held-out demands, and latency.

    .venv/bin/python bench/category_suggest.py [--folds 5]

The held-out set is ``bench/data/category_demands.tsv``: 343 realistic calls written for this
benchmark (code, text). It is never loaded into the catalog or the synonym list.

1. **Catalog only** (an empty database): the model built from names, keywords and synonyms; top-1 and
   top-3 accuracy on all held-out demands.
2. **Learning from agents' choices**: k-fold — for each fold, the other folds are filed as tickets
   through ``orders.services.ticket_create`` (as an agent would), the nightly training task's service
   counts them, and the fold is scored; every fold's tickets are rolled back.
3. **Latency**: one suggestion in-process (segmentation + scoring), and ``POST
   /api/v1/categories/suggest/`` through Django's full stack (test client, no network): p50/p95/p99.
4. The search words from the issue that used to find nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from environment import create_database, percentile, setup_django

DATA = Path(__file__).resolve().parent / "data" / "category_demands.tsv"
SEARCHES = [
    "违章建筑",
    "燃气异味",
    "宠物",
    "地锁",
    "快递",
    "施工噪音",
    "楼上漏水",
    "养犬",
    "餐馆",
    "食品安全",
]


def held_out() -> list[tuple[str, str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, text = line.split("\t", 1)
            rows.append((code.strip(), text.strip()))
    return rows


def accuracy(rows: list[tuple[str, str]]) -> tuple[float, float, list[tuple[str, str, list[str]]]]:
    from dispatch.category_finder import category_suggestions

    top1 = top3 = 0
    misses = []
    for code, text in rows:
        found = [s.code for s in category_suggestions(text, limit=3)]
        top1 += bool(found) and found[0] == code
        top3 += code in found
        if code not in found:
            misses.append((code, text, found))
    return top1 / len(rows), top3 / len(rows), misses


def learned_folds(rows: list[tuple[str, str]], folds: int) -> tuple[float, float, int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from dispatch.directory.cache import directory_cache_clear
    from dispatch.directory.choices import MembershipRole
    from dispatch.directory.models import Category, Region, Unit
    from dispatch.directory.services import membership_grant
    from dispatch.services import category_model_train
    from orders.services import ticket_create

    shuffled = rows[:]
    random.Random(12345).shuffle(shuffled)
    categories = {c.code: c for c in Category.objects.filter(level=3)}
    region = Region.objects.get(code="110105026")
    hits1 = hits3 = trained = 0
    for k in range(folds):
        test = shuffled[k::folds]
        train = [row for i, row in enumerate(shuffled) if i % folds != k]
        with transaction.atomic():
            agent, _ = get_user_model().objects.get_or_create(username="bench-agent")
            membership_grant(user=agent, unit=Unit.objects.get(code="HOTLINE"), role=MembershipRole.AGENT)
            for i, (code, text) in enumerate(train):
                category = categories[code]
                ticket_create(
                    by=agent,
                    channel="phone",
                    demand_type=(category.demand_types or ["complaint"])[0],
                    category=category,
                    region=region,
                    content=text,
                    address="",
                    caller_phone=f"139{k:02d}{i:06d}",
                    caller_name="",
                )
            snapshot = category_model_train()
            trained = snapshot.examples
            directory_cache_clear()
            top1, top3, _ = accuracy(test)
            hits1 += round(top1 * len(test))
            hits3 += round(top3 * len(test))
            transaction.set_rollback(True)
        directory_cache_clear()
    return hits1 / len(rows), hits3 / len(rows), trained


def latency(rows: list[tuple[str, str]], rounds: int) -> tuple[list[float], list[float]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from dispatch.category_finder import category_suggestions

    inproc = []
    for _ in range(rounds):
        for _code, text in rows:
            began = time.perf_counter()
            category_suggestions(text)
            inproc.append((time.perf_counter() - began) * 1000)
    user, _ = get_user_model().objects.get_or_create(username="bench-latency")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    api = []
    for _code, text in rows:
        began = time.perf_counter()
        response = client.post("/api/v1/categories/suggest/", {"text": text}, content_type="application/json")
        api.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content
    return sorted(inproc), sorted(api)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--misses", action="store_true", help="print the held-out demands missed")
    args = parser.parse_args()
    create_database(fresh=args.fresh)
    setup_django()
    from dispatch.category_finder import category_model, category_search_codes
    from dispatch.directory.cache import directory_cache_clear
    from dispatch.directory.models import Category
    from dispatch.models import CategoryModelSnapshot

    CategoryModelSnapshot.objects.all().delete()
    directory_cache_clear()
    rows = held_out()
    leaves = {c.code: c.name for c in Category.objects.filter(level=3)}
    assert all(code in leaves for code, _ in rows), [c for c, _ in rows if c not in leaves]
    print(f"held-out demands: {len(rows)} over {len({c for c, _ in rows})} of {len(leaves)} leaves")

    began = time.perf_counter()
    model = category_model()
    print(
        f"model built from the catalog in {(time.perf_counter() - began) * 1000:.0f} ms "
        f"({len(model.vocabulary)} words; jieba's dictionary included on first build)"
    )
    top1, top3, misses = accuracy(rows)
    print(f"catalog only:        top-1 {top1:.1%}  top-3 {top3:.1%}")
    if args.misses:
        for code, text, found in misses:
            print(f"  miss {code} {leaves[code]}: {text} → {[leaves[c] for c in found]}")

    l1, l3, trained = learned_folds(rows, args.folds)
    print(f"learned ({args.folds}-fold, ~{trained} filed demands per fold): top-1 {l1:.1%}  top-3 {l3:.1%}")

    inproc, api = latency(rows, rounds=3)
    print(
        f"suggestion in-process ({len(inproc)}): p50 {percentile(inproc, 50):.2f} ms  "
        f"p95 {percentile(inproc, 95):.2f} ms  p99 {percentile(inproc, 99):.2f} ms"
    )
    print(
        f"POST /api/v1/categories/suggest/ ({len(api)}): p50 {percentile(api, 50):.1f} ms  "
        f"p95 {percentile(api, 95):.1f} ms  p99 {percentile(api, 99):.1f} ms"
    )
    print("search words that found nothing before:")
    for word in SEARCHES:
        found = category_search_codes(word)[:3]
        print(f"  {word}: {'、'.join(leaves[c] for c in found) or '—'}")


if __name__ == "__main__":
    main()
