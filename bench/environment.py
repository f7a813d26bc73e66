"""Shared set-up for the benchmarks: a dedicated PostgreSQL database with the real reference data.

Benchmarks never touch the development or test databases. ``BENCH_DATABASE_URL`` overrides the
default ``postgres://postgres@127.0.0.1:5432/hotline_bench``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_bench")


def bench_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": BENCH_DATABASE_URL,
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
        "DATA_DIR": str(ROOT / "var" / "bench"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def setup_django() -> None:
    os.environ.update(bench_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_database(*, fresh: bool) -> None:
    """Create the bench database (dropping it first when ``fresh``), migrate, load reference data."""
    import psycopg

    name = BENCH_DATABASE_URL.rsplit("/", 1)[1]
    admin_url = BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=bench_env(), cwd=ROOT)
    subprocess.run(
        [*manage, "load_reference"], check=True, env=bench_env(), cwd=ROOT, stdout=subprocess.DEVNULL
    )
