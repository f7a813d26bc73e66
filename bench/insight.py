"""Benchmark: the warning scan and the insight figures over 1,000,000 tickets.

    .venv/bin/python bench/insight.py [--tickets 1000000]

Uses the month-and-more of tickets ``bench/duplicates.py`` loads (40 days, 25,000 a day, 200,000
callers; loaded here if missing), then times the early-warning scan and each insight figure over the
last 30 days, printing wall time and peak Python memory (tracemalloc) of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from environment import create_database, setup_django


def measure(name: str, run: Callable[[], Any]) -> str:
    tracemalloc.start()
    began = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = len(result) if hasattr(result, "__len__") else "-"
    return f"  {name:<38} {seconds:6.2f}s  peak {peak / 1e6:6.1f} MB  ({size} rows)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    create_database(fresh=False)
    setup_django()
    from django.utils import timezone

    from evaluation import analytics, quadrant_reads
    from evaluation.models import EarlyWarning
    from evaluation.reports import report_figures, window_ending_before
    from evaluation.services import warnings_scan
    from orders.models import Ticket

    if Ticket.objects.count() < args.tickets:
        here = Path(__file__).resolve().parent
        subprocess.run(
            [
                sys.executable,
                str(here / "duplicates.py"),
                "--tickets",
                str(args.tickets),
                "--queries",
                "10",
                "--keep",
            ],
            check=True,
        )
    today = timezone.localdate()
    since, until = today - dt.timedelta(days=30), today + dt.timedelta(days=1)
    EarlyWarning.objects.all().delete()
    lines = [
        measure("warning scan (first)", lambda: warnings_scan()),
        measure("warning scan (again, nothing new)", lambda: warnings_scan()),
        measure("overview", lambda: analytics.overview(since=since, until=until)),
        measure(
            "volume street × category level 2",
            lambda: analytics.volume(
                since=since, until=until, region_level="street", category_level=2, limit=100_000
            ),
        ),
        measure(
            "volume district", lambda: analytics.volume(since=since, until=until, region_level="district")
        ),
        measure("top-10 categories", lambda: analytics.top_categories(since=since, until=until)),
        measure("per 1,000 residents", lambda: analytics.per_thousand_residents(since=since, until=until)),
        measure("每月一题 candidates", lambda: analytics.topic_candidates(month=today)),
        measure(
            "category quadrants (month)",
            lambda: quadrant_reads.quadrant_chart(subject="category", label=f"{today:%Y-%m}"),
        ),
        measure(
            "street quadrants (month)",
            lambda: quadrant_reads.quadrant_chart(subject="street", label=f"{today:%Y-%m}"),
        ),
        measure("daily trend (30 days)", lambda: analytics.daily_volume(since=since, until=until)),
    ]
    now = timezone.now()
    for kind in ("daily", "weekly", "monthly"):
        start, end, label = window_ending_before(kind, now)
        lines.append(
            measure(
                f"{kind} report {label}",
                lambda s=start, e=end, k=kind: report_figures(kind=k, start=s, end=e),
            )
        )
    print(
        f"insight over {Ticket.objects.count():,} tickets ({EarlyWarning.objects.count()} warnings raised):"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
