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


class GunicornServer:
    """gunicorn serving the project on the bench database, for HTTP benchmarks — or, given its
    own Python, site module and environment, a peer (bench/peer_helpdesk.py)."""

    def __init__(
        self,
        port: int,
        workers: int = 4,
        threads: int = 1,
        *,
        python: str = sys.executable,
        app: str = "config.wsgi:application",
        cwd: Path = ROOT,
        env: dict[str, str] | None = None,
        probe: str = "/accounts/login/",
    ) -> None:
        self.port, self.workers, self.threads = port, workers, threads
        self.python, self.app, self.cwd, self.env, self.probe = python, app, cwd, env, probe
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> GunicornServer:
        import http.client
        import time

        self.process = subprocess.Popen(
            [
                self.python,
                "-m",
                "gunicorn",
                self.app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--log-level",
                "warning",
                "--keep-alive",
                "30",
            ],
            cwd=self.cwd,
            env=self.env if self.env is not None else bench_env(),
            start_new_session=True,
        )
        for _ in range(150):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", self.probe)
                connection.getresponse().read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start ({self.app})")

    def __exit__(self, *exc: object) -> None:
        import signal

        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]
