"""PgBouncer in transaction mode between many web workers and PostgreSQL (docs/scaling.md).

Debian's pgbouncer runs on a free port with a pool of 3 server connections; gunicorn runs 6 sync
workers whose persistent connections go to PgBouncer, set up as docs/scaling.md says
(``DATABASE_TRANSACTION_POOLING=true``: no server-side cursors, which Django's ``.iterator()`` would
otherwise hold across transactions; Django's psycopg binding prepares no statements either way).
Concurrent intake and lists through the API then work on 3 server connections, and every ticket is
there once with its own number (the daily number sequence is shared through the pool).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from orders.models import Ticket
from tests.integration.conftest import as_postgres, free_port, wait_for, web_server

POOL_SIZE = 3
WEB_WORKERS = 6


class Bouncer:
    def __init__(self) -> None:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        assert Path(binary).exists(), "pgbouncer is needed (Debian package pgbouncer; .ci/run installs it)"
        self.binary = binary
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="hotline-pgbouncer-"))
        primary = connection.settings_dict
        (self.folder / "userlist.txt").write_text(f'"{primary["USER"]}" ""\n')
        (self.folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={primary['HOST']} port={primary['PORT']}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.folder / 'userlist.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = {POOL_SIZE}\nmax_client_conn = 200\n"
            f"admin_users = {primary['USER']}\n"
            f"logfile = {self.folder / 'pgbouncer.log'}\npidfile = {self.folder / 'pgbouncer.pid'}\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            for path in (self.folder, *self.folder.iterdir()):
                shutil.chown(path, "postgres", "postgres")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            as_postgres([self.binary, str(self.folder / "pgbouncer.ini")]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 20, "pgbouncer did not start:\n" + self.log())

    def _answers(self) -> bool:
        try:
            self.admin("SHOW VERSION")
            return True
        except psycopg.OperationalError:
            return False

    def admin(self, command: str) -> list[dict[str, object]]:
        user = connection.settings_dict["USER"]
        with psycopg.connect(
            f"postgres://{user}@127.0.0.1:{self.port}/pgbouncer", autocommit=True, connect_timeout=3
        ) as conn:
            cursor = conn.execute(command)
            names = [column.name for column in cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def log(self) -> str:
        path = self.folder / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(20)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def bouncer(committed_db) -> Iterator[Bouncer]:  # type: ignore[no-untyped-def]
    pooler = Bouncer()
    try:
        pooler.start()
        yield pooler
    finally:
        pooler.stop()


@pytest.fixture
def web_via_bouncer(bouncer: Bouncer, tmp_path: Path) -> Iterator[str]:
    database = connection.settings_dict
    with web_server(
        tmp_path / "web.log",
        workers=WEB_WORKERS,
        DATABASE_URL=f"postgres://{database['USER']}@127.0.0.1:{bouncer.port}/{database['NAME']}",
        DATABASE_TRANSACTION_POOLING="true",
        CONN_MAX_AGE="60",  # each web worker keeps its client connection to PgBouncer
    ) as base:
        yield base


def test_many_web_workers_share_a_few_server_connections(bouncer, web_via_bouncer, cast) -> None:  # type: ignore[no-untyped-def]
    token = Token.objects.create(user=cast.agent).key
    reader = Token.objects.create(user=cast.dispatcher).key
    template = cast.create()
    body = {
        "channel": "phone",
        "demand_type": "complaint",
        "category": template.category.code,
        "region": template.region.code,
        "content": "楼下商户夜间噪音扰民。",
    }

    def create(n: int) -> int:
        with requests.Session() as session:
            response = session.post(
                f"{web_via_bouncer}/api/v1/tickets/",
                json={**body, "caller_phone": f"1390000{n:04d}"},
                headers={"Authorization": f"Token {token}"},
                timeout=30,
            )
            assert response.status_code == 201, response.text[:2000]
            listed = session.get(
                f"{web_via_bouncer}/api/v1/tickets/?page_size=5",
                headers={"Authorization": f"Token {reader}"},
                timeout=30,
            )
            assert listed.status_code == 200, listed.text[:2000]
            return int(response.json()["id"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        created = list(pool.map(create, range(60)))

    assert len(set(created)) == 60
    tickets = Ticket.objects.filter(pk__in=created)
    assert tickets.count() == 60
    assert len(set(tickets.values_list("number", flat=True))) == 60
    # Every web worker kept its own client connection; PostgreSQL saw at most the pool's three.
    clients = [c for c in bouncer.admin("SHOW CLIENTS") if c["database"] == connection.settings_dict["NAME"]]
    servers = [s for s in bouncer.admin("SHOW SERVERS") if s["database"] == connection.settings_dict["NAME"]]
    assert len(clients) > POOL_SIZE, clients
    assert 1 <= len(servers) <= POOL_SIZE, servers
