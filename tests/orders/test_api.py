"""The ticket API for each role: create, read, act, scope, mask, filter."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from orders.choices import TicketState
from orders.models import Ticket

pytestmark = pytest.mark.django_db

CREATE_BODY = {
    "channel": "phone",
    "demand_type": "complaint",
    "category": "010501",
    "region": "110105026034",
    "address": "花家地西里3号楼",
    "content": "暖气不热，室温只有15度。",
    "caller_phone": "13800138000",
    "caller_name": "张三",
}


def as_user(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# ----------------------------------------------------------------------------------- create


def test_agent_creates_a_ticket(cast) -> None:  # type: ignore[no-untyped-def]
    response = as_user(cast.agent).post("/api/v1/tickets/", CREATE_BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "received"
    assert body["street"]["code"] == "110105026"
    assert body["category"]["path_names"] == ["基础民生", "供暖", "室温不达标"]
    assert body["caller"] == {"name": "张三", "phone": "13800138000", "masked": False}
    assert set(body["available_transitions"]) >= {"answer", "reject"}


def test_idempotency_key_header_returns_the_same_ticket(cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.agent)
    first = client.post("/api/v1/tickets/", CREATE_BODY, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post("/api/v1/tickets/", CREATE_BODY, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.filter(number=first.json()["number"]).count() == 1
    other = client.post(
        "/api/v1/tickets/",
        {**CREATE_BODY, "content": "另一件事"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="abc-1",
    )
    assert other.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "999999"}, "category"),
        ({"region": "110199999"}, "region"),
        ({"demand_type": "suggestion", "category": "010402"}, "demand_type"),
        ({"content": "x" * 4001}, "content"),
        ({"caller_phone": "0000"}, "caller_phone"),
        ({"channel": "pigeon"}, "channel"),
        ({"longitude": "east"}, "longitude"),
    ],
)
def test_bad_input_gets_a_message_per_field(cast, change, field) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.agent)
    before = Ticket.objects.count()
    response = client.post("/api/v1/tickets/", {**CREATE_BODY, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Ticket.objects.count() == before


def test_errors_are_chinese_by_default_and_english_on_request(cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.agent)
    zh = client.post("/api/v1/tickets/", {**CREATE_BODY, "caller_phone": "123"}, format="json")
    assert "不是有效的电话号码" in zh.json()["caller_phone"][0]
    en = client.post(
        "/api/v1/tickets/", {**CREATE_BODY, "caller_phone": "123"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "is not a valid phone number" in en.json()["caller_phone"][0]
    missing = client.post("/api/v1/tickets/", {}, format="json")
    assert set(missing.json()) >= {"channel", "demand_type", "category", "region", "content"}
    assert missing.json()["content"] == ["该字段是必填项。"]


def test_handlers_cannot_create(cast) -> None:  # type: ignore[no-untyped-def]
    assert as_user(cast.handler).post("/api/v1/tickets/", CREATE_BODY, format="json").status_code == 403


# ------------------------------------------------------------------------- lifecycle by API


def test_full_life_through_the_api(cast) -> None:  # type: ignore[no-untyped-def]
    number = as_user(cast.agent).post("/api/v1/tickets/", CREATE_BODY, format="json").json()
    pk = number["id"]
    dispatcher, handler, callback = as_user(cast.dispatcher), as_user(cast.handler), as_user(cast.callback)
    r = dispatcher.post(
        f"/api/v1/tickets/{pk}/dispatch/",
        {"lead_unit": "S110105026", "assist_units": ["E-heating"], "override_reason": "自管锅炉房，街道统筹"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["lead_unit"]["code"] == "S110105026"
    detail = handler.get(f"/api/v1/tickets/{pk}/").json()
    assert set(detail["available_transitions"]) == {"accept", "request-return"}
    assert handler.post(f"/api/v1/tickets/{pk}/accept/", {}, format="json").json()["state"] == "accepted"
    assert set(handler.get(f"/api/v1/tickets/{pk}/").json()["available_transitions"]) == {
        "request-return",
        "whistle",
        "reply",
    }
    assert (
        handler.post(f"/api/v1/tickets/{pk}/reply/", {"result": "已处理"}, format="json").status_code == 200
    )
    r = callback.post(
        f"/api/v1/tickets/{pk}/close/",
        {"contacted": True, "resolved": True, "satisfaction": "satisfied", "notes": "满意"},
        format="json",
    )
    assert r.json()["state"] == "closed"
    events = callback.get(f"/api/v1/tickets/{pk}/events/").json()
    assert [e["kind"] for e in events] == ["create", "dispatch", "accept", "reply", "close"]
    assert events[2]["actor_unit"]["code"] == "S110105026"


def test_transition_from_the_wrong_state_is_409(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.CLOSED)
    response = as_user(cast.handler).post(f"/api/v1/tickets/{ticket.pk}/accept/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert "已办结" in response.json()["detail"]


def test_role_that_may_never_do_it_is_403(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    assert (
        as_user(cast.agent).post(f"/api/v1/tickets/{ticket.pk}/accept/", {}, format="json").status_code == 403
    )
    assert (
        as_user(cast.callback)
        .post(f"/api/v1/tickets/{ticket.pk}/dispatch/", {"lead_unit": "S110105004"}, format="json")
        .status_code
        == 403
    )


def test_return_flow_by_api(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    handler, dispatcher = as_user(cast.handler), as_user(cast.dispatcher)
    bad = handler.post(f"/api/v1/tickets/{ticket.pk}/request-return/", {"reason": "bored"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"reason", "note"}
    r = handler.post(
        f"/api/v1/tickets/{ticket.pk}/request-return/",
        {"reason": "function", "note": "供热企业职责", "suggested_unit": "E-heating"},
        format="json",
    )
    assert r.json()["state"] == "return_requested"
    assert r.json()["return_requests"][0]["suggested_unit"]["code"] == "E-heating"
    r = dispatcher.post(f"/api/v1/tickets/{ticket.pk}/approve-return/", {"note": "同意"}, format="json")
    assert (r.json()["state"], r.json()["lead_unit"]) == ("received", None)


# ---------------------------------------------------------------------------------- scope


def test_scoping_matrix(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    """role × own unit / other unit × endpoint."""
    mine = cast.ticket_in(TicketState.DISPATCHED)  # led by 望京街道 (S110105026)
    other_handler = make_user("handler", "S110105004")  # 三里屯街道
    chaoyang_supervisor = make_user("supervisor", "G110105")
    haidian_supervisor = make_user("supervisor", "G110108")
    hotline_supervisor = make_user("supervisor", "HOTLINE")
    assessor = make_user("assessor")
    visible = {
        cast.agent: True,
        cast.dispatcher: True,
        cast.callback: True,
        assessor: True,
        hotline_supervisor: True,
        cast.handler: True,
        chaoyang_supervisor: True,
        other_handler: False,
        haidian_supervisor: False,
    }
    for user, sees in visible.items():
        client = as_user(user)
        listed = {t["id"] for t in client.get("/api/v1/tickets/?page_size=200").json()["results"]}
        assert (mine.pk in listed) is sees, user.username
        assert client.get(f"/api/v1/tickets/{mine.pk}/").status_code == (200 if sees else 404), user.username
        assert client.get(f"/api/v1/tickets/{mine.pk}/events/").status_code == (200 if sees else 404)
        acting = client.post(f"/api/v1/tickets/{mine.pk}/accept/", {}, format="json").status_code
        if not sees:
            assert acting == 404, user.username  # outside the scope it does not exist
    # the assisting unit sees the ticket but may not sign for it
    assist_handler = make_user("handler", "E-heating")
    from dispatch.directory.models import Unit
    from orders import services

    shared = cast.ticket_in(TicketState.RECEIVED)
    services.ticket_dispatch(
        ticket=shared,
        by=cast.dispatcher,
        lead_unit=Unit.objects.get(code="S110105026"),
        assist_units=[Unit.objects.get(code="E-heating")],
    )
    assisting = as_user(assist_handler)
    assert assisting.get(f"/api/v1/tickets/{shared.pk}/").status_code == 200
    assert assisting.post(f"/api/v1/tickets/{shared.pk}/accept/", {}, format="json").status_code == 403


def test_callers_are_masked_for_handlers_and_hidden_when_anonymous(cast) -> None:  # type: ignore[no-untyped-def]
    named = cast.ticket_in(TicketState.DISPATCHED, caller_phone="13912345678", caller_name="欧阳娜娜")
    anonymous = cast.ticket_in(TicketState.DISPATCHED, caller_phone="13912345679", is_anonymous=True)
    handler = as_user(cast.handler)
    assert handler.get(f"/api/v1/tickets/{named.pk}/").json()["caller"] == {
        "name": "欧阳**",
        "phone": "139****5678",
        "masked": True,
    }
    hidden = handler.get(f"/api/v1/tickets/{anonymous.pk}/").json()["caller"]
    assert hidden["phone"] == "***"
    assert "5679" not in str(handler.get("/api/v1/tickets/").json())
    assert as_user(cast.dispatcher).get(f"/api/v1/tickets/{named.pk}/").json()["caller"]["masked"] is True
    assert (
        as_user(cast.callback).get(f"/api/v1/tickets/{named.pk}/").json()["caller"]["phone"] == "13912345678"
    )


# -------------------------------------------------------------------------------- filters


def test_filters(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    from dispatch.directory.models import Category, Region

    heating = cast.ticket_in(TicketState.DISPATCHED)
    water = cast.ticket_in(
        TicketState.RECEIVED,
        category=Category.objects.get(code="010101"),
        region=Region.objects.get(code="110108011"),
        caller_phone="13700001111",
        channel="wechat",
        demand_type="help",
        content="中关村大街停水了",
    )
    client = as_user(cast.agent)

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/tickets/?{query}&page_size=200")
        assert response.status_code == 200, response.json()
        return {t["id"] for t in response.json()["results"]}

    assert water.pk in ids("state=received")
    assert heating.pk not in ids("state=received")
    assert {heating.pk, water.pk} <= ids("state=received&state=dispatched")
    assert water.pk in ids("district=110108")
    assert heating.pk not in ids("district=110108")
    assert heating.pk in ids("street=110105026")
    assert heating.pk in ids("region=110105")
    assert water.pk in ids("category=01")
    assert water.pk in ids("category=0101")
    assert heating.pk not in ids("category=0101")
    assert heating.pk in ids("unit=S110105026")
    assert water.pk not in ids("unit=S110105026")
    assert water.pk in ids("channel=wechat")
    assert water.pk in ids("q=中关村")
    assert heating.pk not in ids("q=中关村")
    assert ids(f"q={heating.number}") == {heating.pk}
    assert water.pk in ids("caller_phone=137-0000-1111")
    assert heating.pk not in ids("caller_phone=13700001111")
    assert heating.pk in ids("created_after=2020-01-01T00:00:00Z")
    assert not ids("created_before=2020-01-01T00:00:00Z")
    assert water.pk in ids("overdue=false")
    assert client.get("/api/v1/tickets/?category=nope").status_code == 400
    assert client.get("/api/v1/tickets/?caller_phone=12").status_code == 400
    assert as_user(cast.handler).get("/api/v1/tickets/?caller_phone=13700001111").status_code == 403
    assert as_user(cast.dispatcher).get("/api/v1/tickets/?caller_phone=13700001111").status_code == 403


def test_ordering(cast) -> None:  # type: ignore[no-untyped-def]
    first, second = cast.create(), cast.create()
    client = as_user(cast.agent)
    newest = client.get("/api/v1/tickets/?ordering=-number").json()["results"]
    assert newest[0]["id"] == second.pk
    oldest = client.get("/api/v1/tickets/?ordering=number").json()["results"]
    assert [t["id"] for t in oldest].index(first.pk) < [t["id"] for t in oldest].index(second.pk)


def test_list_queries_do_not_grow_with_page_size(cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        cast.ticket_in(TicketState.DISPATCHED)
    for user in (cast.agent, cast.handler):
        client = as_user(user)
        client.get("/api/v1/tickets/?page_size=1")  # warm the user's scope and permissions
        counts = []
        for size in (1, 30):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/api/v1/tickets/?page_size={size}")
            assert len(response.json()["results"]) == size
            counts.append(len(queries))
        assert counts[0] == counts[1], (user.username, counts)
        with django_assert_max_num_queries(8):
            client.get("/api/v1/tickets/?page_size=30")
