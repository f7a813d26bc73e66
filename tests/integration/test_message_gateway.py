"""The SMS gateway is down while 100 tickets are filed; a real Celery worker tries, fails and waits;
the gateway comes back; every due message is sent exactly once — nothing lost, nothing doubled."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from citizens.choices import MessageStatus
from citizens.models import OutboundMessage
from citizens.tasks import messages_send

from .conftest import free_port, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.usefixtures("committed_db")]


class Gateway(BaseHTTPRequestHandler):
    received: list[str] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with Gateway.lock:
            Gateway.received.append(body["id"])
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_gateway_outage_loses_and_doubles_nothing(cast, start_worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    port = free_port()  # nothing listens there yet: the gateway is down
    monkeypatch.setenv("SMS_GATEWAY", "http")
    monkeypatch.setenv("SMS_GATEWAY_URL", f"http://127.0.0.1:{port}/sms")
    monkeypatch.setenv("SMS_RETRY_SECONDS", "1")
    monkeypatch.setenv("SMS_MAX_ATTEMPTS", "30")
    worker = start_worker(settings.CELERY_BROKER_URL)
    for n in range(100):
        cast.create(caller_phone=f"137{n:08d}")
    messages = OutboundMessage.objects.filter(step="received")
    assert messages.count() == 100
    messages_send.delay()
    wait_for(
        lambda: messages.filter(status=MessageStatus.RETRYING).count() == 100,
        60,
        "the worker did not try the gateway:\n" + worker.output(),
    )
    assert messages.filter(status=MessageStatus.SENT).count() == 0

    Gateway.received = []
    server = ThreadingHTTPServer(("127.0.0.1", port), Gateway)  # the gateway comes back
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        deadline = time.monotonic() + 150
        while messages.filter(status=MessageStatus.SENT).count() < 100 and time.monotonic() < deadline:
            messages_send.delay()  # what beat sends every 30 s — here every 2 s, more often than needed
            time.sleep(2)
        assert messages.filter(status=MessageStatus.SENT).count() == 100, worker.output()[-3000:]
        runs = worker.output().count("succeeded")
        messages_send.delay()  # once more after everything went: nothing is sent again
        wait_for(lambda: worker.output().count("succeeded") > runs, 30, "the last run did not happen")
    finally:
        server.shutdown()
    assert sorted(Gateway.received) == sorted(str(pk) for pk in messages.values_list("pk", flat=True))
    assert len(Gateway.received) == 100  # each once
