"""The README's first command: `manage.py up --demo` on the embedded default (SQLite, a file broker).

It starts web, worker and beat with real Beijing regions and demo users, answers pages, and stops on
Ctrl-C without an ERROR line or a traceback in its log — also after an ordinary 403.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import requests

from .conftest import ROOT, free_port, wait_for


def _get(url: str, **kwargs) -> int:  # type: ignore[no-untyped-def]
    try:
        return requests.get(url, timeout=2, **kwargs).status_code
    except requests.RequestException:
        return 0


def test_up_starts_everything_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")},
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
    }
    log = tmp_path / "up.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "up", "--demo", "--demo-days", "1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: _get(f"{base}/accounts/login/") == 200, 240, "up did not start the web server")
            wait_for(lambda: "celery@" in log.read_text() and " ready." in log.read_text(), 60, "no worker")
            assert _get(f"{base}/favicon.ico") == 200

            session = requests.Session()
            session.get(f"{base}/accounts/login/", timeout=5)
            signed_in = session.post(
                f"{base}/accounts/login/",
                data={
                    "username": "agent",
                    "password": "demo-12345",
                    "csrfmiddlewaretoken": session.cookies["csrftoken"],
                },
                headers={"Referer": f"{base}/accounts/login/"},
                timeout=10,
            )
            assert signed_in.status_code == 200
            assert "/desk/intake/" in signed_in.text  # the agent's landing page links the intake desk
            assert session.get(f"{base}/desk/inbox/", timeout=10).status_code == 403  # not a handler
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(60)
    text = log.read_text()
    assert "Forbidden" in text  # the 403 is logged, as one line
    assert "Traceback" not in text
    assert not re.search(r"\bERROR\b", text), [line for line in text.splitlines() if "ERROR" in line]
    assert "worker stopped" in text
