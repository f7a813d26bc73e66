"""Real Celery worker processes and a private Redis broker for the integration tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A throwaway redis-server on its own port, so a test may stop and start the broker."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is needed for the broker integration tests")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _accepts(self.port), 10, "redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
        wait_for(lambda: not _accepts(self.port), 10, "redis-server did not stop")


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_for(condition: Callable[[], bool], seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


class Worker:
    """``celery -A config worker`` as a separate process, on the test database and a given broker."""

    def __init__(self, broker_url: str, log: Path, queues: list[str] | None = None) -> None:
        self.broker_url, self.log, self.queues = broker_url, log, queues
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        database = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "CELERY_BROKER_URL": self.broker_url,
            "DATA_DIR": str(settings.DATA_DIR),
            "ACCESS_CACHE_SECONDS": "0",
            "DIRECTORY_CACHE_SECONDS": "0",
        }
        self.handle = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{self.log.stem}@%h",
                *(["-Q", ",".join(self.queues)] if self.queues else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )
        wait_for(
            lambda: b"ready." in self.log.read_bytes() or self.process.poll() is not None,
            60,
            "the worker did not start",
        )
        if self.process.poll() is not None:
            raise AssertionError(self.log.read_text(errors="replace"))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
            self.handle.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def private_broker() -> Iterator[RedisServer]:
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def use_broker() -> Iterator[Callable[[str], None]]:
    """Point this process's Celery app (the publisher) at another broker for the test."""
    from config.celery import app

    original = app.conf.broker_url

    def switch(url: str) -> None:
        from kombu import pools

        # Celery reads CELERY_BROKER_URL from the environment before its configuration.
        os.environ["CELERY_BROKER_URL"] = url
        app.conf.broker_url = url
        pools.reset()  # close and forget every pooled connection and producer
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # rebuilt for the new broker on the next publish

    yield switch
    switch(original)


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start ``celery worker`` on a broker; ``queues`` limits it to those queues (-Q), else all."""
    workers: list[Worker] = []

    def start(broker_url: str, queues: list[str] | None = None) -> Worker:
        worker = Worker(broker_url, tmp_path / f"worker-{len(workers)}.log", queues)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def as_postgres(command: list[str]) -> list[str]:
    """Run a PostgreSQL tool (pg_basebackup, pg_ctl, pgbouncer) as the postgres user when root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def web_server(log: Path, *, workers: int = 1, **environment: str) -> Iterator[str]:
    """gunicorn serving the project on the test database (unless ``environment`` says otherwise),
    in its own process; yields its base URL once it answers."""
    import requests

    database = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "ACCESS_CACHE_SECONDS": "0",
        "DIRECTORY_CACHE_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **environment,
    }
    handle = log.open("wb")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"),
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_for(up, 60, "the web server did not start:\n" + log.read_text(errors="replace"))
        yield base
    finally:
        server.terminate()
        server.wait(30)
        handle.close()
