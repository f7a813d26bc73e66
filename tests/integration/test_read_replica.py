"""A real PostgreSQL streaming replica: insight reads from it, writes and everything else go to the
primary, and when the replica is down the same pages are answered from the primary.

The replica is a second cluster on this machine, made with ``pg_basebackup -R`` from the primary and
started on a free port. The primary must accept replication connections from 127.0.0.1 (``.ci/run``
adds the pg_hba.conf line, docs/scaling.md says how). The web server is gunicorn in its own process,
with ``DATABASE_REPLICA_URL`` pointing at the replica.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from orders.models import Ticket
from tests.integration.conftest import as_postgres, free_port, wait_for, web_server

pytestmark = pytest.mark.replica


def _pg_bin() -> Path:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    return Path(f"/usr/lib/postgresql/{major}/bin")


class Replica:
    """A hot standby of the test's primary, streaming from it."""

    def __init__(self) -> None:
        primary = connection.settings_dict
        self.primary = (primary["HOST"], str(primary["PORT"]), primary["USER"])
        self.database = primary["NAME"]
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="hotline-replica-"))
        self.data = self.folder / "data"
        self.bin = _pg_bin()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> None:
        host, port, user = self.primary
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        backup = subprocess.run(
            as_postgres(
                [
                    *("pg_basebackup", "-h", host, "-p", port, "-U", user, "-D", str(self.data)),
                    *("-R", "-X", "stream", "-c", "fast"),
                ]
            ),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert backup.returncode == 0, (
            "pg_basebackup failed — does pg_hba.conf let 127.0.0.1 connect for replication? "
            f"(see docs/scaling.md)\n{backup.stderr}"
        )
        # Debian keeps the primary's configuration outside its data folder: the standby gets its own.
        for name, text in {
            "postgresql.conf": "hot_standby = on\n",
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }.items():
            if not (self.data / name).exists():
                (self.data / name).write_text(text)
                if os.geteuid() == 0:
                    shutil.chown(self.data / name, "postgres", "postgres")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        started = subprocess.run(
            as_postgres(
                [
                    *(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options),
                    *("-l", str(self.folder / "log"), "-w", "-t", "60", "start"),
                ]
            ),
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert started.returncode == 0, started.stderr + self.log()
        wait_for(self.streaming, 30, "the replica does not stream from the primary")

    def sql(self, statement: str) -> object:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=3) as conn:
            row = conn.execute(statement).fetchone()
            return row[0] if row else None

    def streaming(self) -> bool:
        try:
            return bool(self.sql("SELECT pg_is_in_recovery() AND pg_last_wal_receive_lsn() IS NOT NULL"))
        except psycopg.OperationalError:
            return False

    def pause(self) -> None:
        self.sql("SELECT pg_wal_replay_pause()")
        wait_for(lambda: self.sql("SELECT pg_get_wal_replay_pause_state()") == "paused", 10, "not paused")

    def resume(self) -> None:
        self.sql("SELECT pg_wal_replay_resume()")

    def stop(self) -> None:
        subprocess.run(
            as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            timeout=60,
        )

    def log(self) -> str:
        path = self.folder / "log"
        return path.read_text(errors="replace") if path.exists() else ""

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def replica(committed_db) -> Iterator[Replica]:  # type: ignore[no-untyped-def]
    standby = Replica()
    try:
        standby.start()
        yield standby
    finally:
        standby.remove()


@pytest.fixture
def web(replica: Replica, tmp_path: Path) -> Iterator[str]:
    """gunicorn on the primary, with the replica configured for the reads that may lag."""
    with web_server(
        tmp_path / "web.log", DATABASE_REPLICA_URL=replica.url, REPLICA_CHECK_SECONDS="2"
    ) as base:
        yield base


def test_insight_reads_the_replica_writes_go_to_the_primary_and_a_lost_replica_falls_back(  # type: ignore[no-untyped-def]
    replica, web, cast, make_user
) -> None:
    assessor = make_user("assessor", "HOTLINE")
    headers = {"Authorization": f"Token {Token.objects.create(user=assessor).key}"}
    dispatcher = {"Authorization": f"Token {Token.objects.create(user=cast.dispatcher).key}"}
    cast.create()

    def insight_count() -> int:
        response = requests.get(
            f"{web}/api/v1/insight/overview/",
            params={"since": "2026-11-01", "until": "2027-01-01"},
            headers=headers,
            timeout=10,
        )
        assert response.status_code == 200, response.text[:2000]
        return int(response.json()["logged"])

    def ticket_list_count() -> int:
        response = requests.get(f"{web}/api/v1/tickets/", headers=dispatcher, timeout=10)
        assert response.status_code == 200, response.text[:2000]
        return int(response.json()["count"])

    wait_for(lambda: insight_count() == 1, 30, "the replica never showed the first ticket")

    # Replay paused: the replica stays at one ticket while the primary gets two more.
    replica.pause()
    cast.create()
    cast.create()
    assert Ticket.objects.count() == 3
    assert [insight_count() for _ in range(3)] == [1, 1, 1]  # insight reads the replica
    assert ticket_list_count() == 3  # the work list reads the primary

    # A write on an insight path goes to the primary, even while the replica lags.
    adopted = requests.post(
        f"{web}/api/v1/insight/topics/",
        json={"month": "2026-11", "category": cast.create().category.code, "title": "供暖季室温达标"},
        headers=headers,
        timeout=10,
    )
    assert adopted.status_code == 201, adopted.text[:2000]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM evaluation_monthlytopic WHERE title = %s", ["供暖季室温达标"])
        assert cursor.fetchone()[0] == 1
    assert replica.sql("SELECT count(*) FROM evaluation_monthlytopic") == 0

    replica.resume()
    wait_for(lambda: insight_count() == 4, 30, "the replica did not catch up")

    # The replica goes away: the same request is answered from the primary, at once.
    replica.pause()
    cast.create()
    replica.stop()
    assert insight_count() == 5
    assert insight_count() == 5
