"""Messages to callers: the outbox is filled in the step's own transaction, once per step and round,
never for anonymous or proactive tickets or callers who opted out; sending retries a failing gateway
and gives up into a dead letter; the HTTP gateway adapter speaks its documented JSON."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from citizens.choices import MessageStatus
from citizens.gateways import ConsoleGateway, GatewayError, HttpGateway
from citizens.models import MessageTemplate, OutboundMessage
from citizens.services import message_opt_out, messages_send_due
from dispatch.directory.models import Category, Region, Unit
from evaluation.services import callback_record
from orders import clock, services
from orders.privacy import decrypt

pytestmark = pytest.mark.django_db


def steps_of(ticket) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return list(OutboundMessage.objects.filter(ticket=ticket).order_by("pk").values_list("step", "round"))


def test_each_step_worth_telling_writes_one_message(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in("handled")
    assert steps_of(ticket) == [("received", 0), ("dispatched", 0), ("handled", 0)]
    received = OutboundMessage.objects.get(ticket=ticket, step="received")
    assert ticket.number in received.body
    assert "/progress/" in received.body
    assert decrypt(received.phone_encrypted) == decrypt(ticket.caller.phone_encrypted)
    assert "望京街道办事处" in OutboundMessage.objects.get(ticket=ticket, step="dispatched").body
    callback_record(
        ticket=ticket,
        by=cast.callback,
        reached=True,
        contacted=True,
        resolved=False,
        satisfaction="unsatisfied",
        action="reopen",
        reopen_reason="垃圾仍未清运",
    )
    ticket.refresh_from_db()
    services.ticket_reply(ticket=ticket, by=cast.handler, result="已再次清运")
    assert steps_of(ticket)[3:] == [("reopened", 1), ("handled", 1)]


def test_nothing_for_anonymous_proactive_opted_out_or_switched_off(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    anonymous = cast.create(is_anonymous=True)
    assert steps_of(anonymous) == []
    from evaluation.services import proactive_ticket_create

    proactive = proactive_ticket_create(
        by=make_user("supervisor"),
        lead_unit=Unit.objects.get(code="S110105026"),
        category=Category.objects.get(code="010601"),
        region=Region.objects.get(code="110105026"),
        content="巡查发现垃圾堆放",
    )
    assert steps_of(proactive) == []
    first = cast.create(caller_phone="13600001234")
    message_opt_out(caller=first.caller)
    assert OutboundMessage.objects.get(ticket=first).status == MessageStatus.SKIPPED  # the waiting one
    assert steps_of(cast.create(caller_phone="13600001234")) == []
    template = MessageTemplate.objects.get(step="received")
    template.is_active = False
    template.save()  # (an admin edit: applies at once in this process)
    assert steps_of(cast.create()) == []


def test_a_rolled_back_step_leaves_no_message(cast) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    def file_then_fail() -> None:
        with transaction.atomic():
            cast.create(caller_phone="13600005678")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        file_then_fail()
    assert not OutboundMessage.objects.exists()


class Failing:
    def __init__(self) -> None:
        self.calls = 0

    def send(self, *, message_id: int, phone: str, text: str) -> str:
        self.calls += 1
        raise GatewayError("connection refused")


def test_retries_then_a_dead_letter(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_MAX_ATTEMPTS = 3
    cast.create()
    now = clock.now()
    gateway = Failing()
    assert messages_send_due(gateway=gateway, now=now) == {"sent": 0, "failed": 1, "dead": 0}
    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.RETRYING, 1)
    assert message.next_attempt_at == now + dt.timedelta(seconds=30)
    assert messages_send_due(gateway=gateway, now=now) == {"sent": 0, "failed": 0, "dead": 0}  # not yet due
    messages_send_due(gateway=gateway, now=now + dt.timedelta(seconds=30))
    assert OutboundMessage.objects.get().next_attempt_at == now + dt.timedelta(seconds=90)  # 30 + 60
    assert messages_send_due(gateway=gateway, now=now + dt.timedelta(hours=1)) == {
        "sent": 0,
        "failed": 0,
        "dead": 1,
    }
    dead = OutboundMessage.objects.get()
    assert (dead.status, dead.attempts, dead.last_error) == (MessageStatus.DEAD, 3, "connection refused")
    assert messages_send_due(gateway=gateway, now=now + dt.timedelta(days=1))["dead"] == 0
    assert gateway.calls == 3
    assert (
        messages_send_due(gateway=ConsoleGateway(), now=now + dt.timedelta(days=1))["sent"] == 0
    )  # dead stays dead


class Recorder(BaseHTTPRequestHandler):
    received: list[dict[str, str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body["authorization"] = self.headers.get("Authorization", "")
        body["key"] = self.headers.get("Idempotency-Key", "")
        Recorder.received.append(body)
        answer = json.dumps({"id": f"gw-{body['id']}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


def test_the_http_gateway_adapter(cast) -> None:  # type: ignore[no-untyped-def]
    Recorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        gateway = HttpGateway(url=f"http://127.0.0.1:{server.server_port}/sms", token="secret")
        ticket = cast.create(caller_phone="13711112222")
        assert messages_send_due(gateway=gateway) == {"sent": 1, "failed": 0, "dead": 0}
    finally:
        server.shutdown()
    (sent,) = Recorder.received
    message = OutboundMessage.objects.get(ticket=ticket)
    assert sent == {
        "id": str(message.pk),
        "phone": "13711112222",
        "text": message.body,
        "authorization": "Bearer secret",
        "key": str(message.pk),
    }
    assert (message.status, message.gateway_reference) == (MessageStatus.SENT, f"gw-{message.pk}")
    with pytest.raises(GatewayError):
        HttpGateway(url=f"http://127.0.0.1:{server.server_port}/sms", timeout=1).send(
            message_id=1, phone="1", text="x"
        )
