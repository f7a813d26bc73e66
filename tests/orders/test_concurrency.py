"""Two people acting on one ticket at the same moment: exactly one wins, the other gets 409.

Real threads, each with its own PostgreSQL connection, committing for real.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from orders.choices import TicketState
from orders.models import Ticket

pytestmark = pytest.mark.usefixtures("committed_db")


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def client(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def post(user: Any, path: str, body: dict[str, Any]) -> Callable[[], int]:
    return lambda: client(user).post(path, body, format="json").status_code


def test_postgresql_is_what_this_proves() -> None:
    assert connection.vendor == "postgresql"


def test_dispatch_and_answer_at_once(cast) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        ticket = cast.ticket_in(TicketState.RECEIVED)
        codes = race(
            post(cast.dispatcher, f"/api/v1/tickets/{ticket.pk}/dispatch/", {}),
            post(cast.agent, f"/api/v1/tickets/{ticket.pk}/answer/", {"answer": "已告知报修电话"}),
        )
        assert sorted(codes) == [200, 409], codes
        ticket.refresh_from_db()
        assert ticket.state in (TicketState.DISPATCHED, TicketState.ANSWERED)
        # exactly one transition event after the creation
        assert ticket.events.exclude(kind="create").count() == 1


def test_close_and_reopen_at_once(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    other_callback = cast.make_user("callback")
    codes = race(
        post(
            cast.callback,
            f"/api/v1/tickets/{ticket.pk}/close/",
            {"contacted": True, "resolved": True, "satisfaction": "satisfied"},
        ),
        post(
            other_callback,
            f"/api/v1/tickets/{ticket.pk}/reopen/",
            {"contacted": True, "resolved": False, "satisfaction": "unsatisfied", "reason": "仍不热"},
        ),
    )
    assert sorted(codes) == [200, 409], codes


def test_two_handlers_sign_at_once(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    colleague = cast.make_user("handler", "S110105026")
    codes = race(
        post(cast.handler, f"/api/v1/tickets/{ticket.pk}/accept/", {}),
        post(colleague, f"/api/v1/tickets/{ticket.pk}/accept/", {}),
    )
    assert sorted(codes) == [200, 409], codes
    ticket.refresh_from_db()
    assert ticket.events.filter(kind="accept").count() == 1


def test_concurrent_creation_never_collides(cast) -> None:  # type: ignore[no-untyped-def]
    agents = [cast.make_user("agent") for _ in range(8)]
    body = {
        "channel": "phone",
        "demand_type": "complaint",
        "category": "010501",
        "region": "110105026",
        "content": "暖气不热",
        "caller_phone": "13800138000",
    }

    def create_many(agent: Any) -> Callable[[], list[int]]:
        return lambda: [
            client(agent).post("/api/v1/tickets/", body, format="json").status_code for _ in range(5)
        ]

    results = race(*[create_many(a) for a in agents])
    assert all(codes == [201] * 5 for codes in results), results
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 40


def test_the_same_idempotency_key_at_once_makes_one_ticket(cast) -> None:  # type: ignore[no-untyped-def]
    body = {
        "channel": "phone",
        "demand_type": "complaint",
        "category": "010501",
        "region": "110105026",
        "content": "暖气不热",
        "caller_phone": "13800138000",
    }

    def send() -> tuple[int, str]:
        response = client(cast.agent).post(
            "/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
        )
        return response.status_code, response.json().get("number", "")

    cast.agent  # noqa: B018 (create the user before the race)
    results = race(send, send, send, send)
    assert {code for code, _ in results} == {201}
    assert len({number for _, number in results}) == 1
    assert Ticket.objects.count() == 1
