"""Callback, appeals and scores through the REST API: bodies, errors, scoping."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.choices import Satisfaction
from evaluation.services import period_scores_compute
from orders.choices import TicketState

from .helpers import closed_with

pytestmark = pytest.mark.django_db


def test_callback_queue_orders_by_due_time_and_shows_attempts(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    first = cast.ticket_in(TicketState.HANDLED)
    second = cast.ticket_in(TicketState.HANDLED)
    cast.ticket_in(TicketState.ACCEPTED)  # not handled: not in the queue
    client = client_for("callback")
    r = client.post(
        f"/api/v1/tickets/{second.pk}/callback/", {"reached": False, "notes": "占线"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "handled"
    rows = client.get("/api/v1/callback-queue/").json()["results"]
    assert [row["number"] for row in rows] == [first.number, second.number]
    assert [row["attempts"] for row in rows] == [None, 1]
    handler_rows = client_for("handler", "S110105001").get("/api/v1/callback-queue/").json()["results"]
    assert handler_rows == []


def test_close_needs_the_answers_in_chinese_or_english(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    client = client_for("callback")
    r = client.post(f"/api/v1/tickets/{ticket.pk}/close/", {"note": "满意"}, format="json")
    assert r.status_code == 400
    assert set(r.json()) >= {"contacted", "satisfaction"}
    assert "该字段是必填项" in r.json()["satisfaction"][0]
    r = client.post(
        f"/api/v1/tickets/{ticket.pk}/close/", {"contacted": True, "satisfaction": "satisfied"}, format="json"
    )
    assert "该字段是必填项" in r.json()["resolution"][0]
    r = client.post(
        f"/api/v1/tickets/{ticket.pk}/close/",
        {"satisfaction": "so-so"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "not a valid choice" in r.json()["satisfaction"][0]
    r = client.post(
        f"/api/v1/tickets/{ticket.pk}/reopen/",
        {"contacted": True, "resolved": True, "satisfaction": "satisfied", "reason": "再看看"},
        format="json",
    )
    assert r.status_code == 400
    assert "action" in r.json()
    r = client.post(
        f"/api/v1/tickets/{ticket.pk}/reopen/",
        {"contacted": True, "resolved": False, "satisfaction": "unsatisfied", "reason": "仍不热"},
        format="json",
    )
    assert r.status_code == 200
    assert r.json()["state"] == "accepted"


def test_a_handler_cannot_close(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    r = client_for("handler", "S110105026").post(
        f"/api/v1/tickets/{ticket.pk}/close/",
        {"contacted": True, "resolved": True, "satisfaction": "satisfied"},
        format="json",
    )
    assert r.status_code == 403


def test_appeal_through_the_api(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    ticket = closed_with(cast, contacted=False, resolved=False, satisfaction=Satisfaction.UNSATISFIED)
    handler = client_for("handler", "S110105026")
    r = handler.post(
        "/api/v1/appeals/", {"ticket": ticket.number, "reason": "x", "evidence": ""}, format="json"
    )
    assert r.status_code == 400
    assert {"reason", "evidence"} <= set(r.json())
    r = handler.post(
        "/api/v1/appeals/",
        {"ticket": ticket.number, "reason": "uncooperative", "evidence": "拒绝开门，有执法记录仪视频。"},
        format="json",
    )
    assert r.status_code == 201, r.content
    appeal = r.json()
    assert handler.post(f"/api/v1/appeals/{appeal['id']}/approve/", {}, format="json").status_code in (
        403,
        404,
    )
    assessor = client_for("assessor")
    r = assessor.post(f"/api/v1/appeals/{appeal['id']}/deny/", {}, format="json")
    assert r.status_code == 400
    assert "note" in r.json()
    r = assessor.post(f"/api/v1/appeals/{appeal['id']}/approve/", {"note": "视频属实"}, format="json")
    assert r.status_code == 200
    assert r.json()["status"] == "approved"
    r = assessor.post(f"/api/v1/appeals/{appeal['id']}/approve/", {"note": "again"}, format="json")
    assert r.status_code == 409
    other = client_for("handler", "S110105001")
    assert other.get("/api/v1/appeals/").json()["results"] == []
    assert [a["id"] for a in handler.get("/api/v1/appeals/").json()["results"]] == [appeal["id"]]


def test_scores_are_scoped_and_drill_down(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    tickets = [
        closed_with(cast, contacted=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
        for _ in range(2)
    ]
    other_cast = type(cast)(
        make_user=cast.make_user, lead_code="S110105001", users={"callback@HOTLINE": cast.callback}
    )
    closed_with(other_cast, contacted=True, resolved=False, satisfaction=Satisfaction.BASIC)
    period_scores_compute(group="street", day=dt.date(2026, 11, 20))
    assessor = client_for("assessor")
    rows = assessor.get("/api/v1/assessment/scores/?group=street&period=2026-11&ordering=rank").json()[
        "results"
    ]
    assert [r["unit"]["code"] for r in rows] == ["S110105026", "S110105001"]
    assert rows[0]["composite"] == pytest.approx(100.0)
    handler = client_for("handler", "S110105026")
    own = handler.get("/api/v1/assessment/scores/").json()["results"]
    assert [r["unit"]["code"] for r in own] == ["S110105026"]
    assert handler.get("/api/v1/assessment/scores/units/S110105001/trend/").status_code == 404
    trend = handler.get("/api/v1/assessment/scores/units/S110105026/trend/").json()
    assert [t["label"] for t in trend] == ["2026-11"]
    drill = handler.get("/api/v1/assessment/scores/units/S110105026/tickets/?period=2026-11").json()
    assert sorted(d["ticket"]["number"] for d in drill["results"]) == sorted(t.number for t in tickets)
    r = handler.get("/api/v1/assessment/scores/units/S110105026/tickets/?period=November")
    assert r.status_code == 400
    assert "period" in r.json()
    assert client_for("agent").get("/api/v1/assessment/scores/").json()["results"] == []
