"""Error bodies follow the request's language and bad filter values are 400s, never 500s."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "created_before=2026-01-01T00:00:00-18:49",
        "created_after=2026-01-01T00:00:00%2B16:00",
        "created_after=0001-01-01T00:00:00%2B14:00",
        "created_before=2026-13-01",
        "created_after=yesterday",
    ],
)
def test_malformed_dates_are_400_with_a_message(admin_client, query: str) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.get(f"/api/v1/tickets/?{query}")
    assert response.status_code == 400, response.content
    field = query.split("=")[0]
    assert response.json()[field]


def test_a_real_offset_is_accepted(admin_client) -> None:  # type: ignore[no-untyped-def]
    assert admin_client.get("/api/v1/tickets/?created_after=2026-01-01T00:00:00%2B14:00").status_code == 200
    assert admin_client.get("/api/v1/tickets/?created_before=2026-01-01T00:00:00-12:00").status_code == 200


def test_offset_message_in_chinese_and_english(admin_client) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/tickets/?created_before=2026-01-01T00:00:00-18:49"
    assert "UTC" in admin_client.get(url).json()["created_before"][0]
    chinese = admin_client.get(url).json()["created_before"][0]
    english = admin_client.get(url, headers={"accept-language": "en"}).json()["created_before"][0]
    assert chinese != english
    assert "must lie between" in english


def test_404_follows_the_language(admin_client) -> None:  # type: ignore[no-untyped-def]
    chinese = admin_client.get("/api/v1/tickets/999999/").json()["detail"]
    english = admin_client.get("/api/v1/tickets/999999/", headers={"accept-language": "en"}).json()["detail"]
    assert chinese == "没有找到符合查询的 工单"
    assert english == "No ticket found matching the query"


def test_json_parse_error_follows_the_language(admin_client) -> None:  # type: ignore[no-untyped-def]
    body = '{"content": "漏水'
    chinese = admin_client.post("/api/v1/tickets/", body, content_type="application/json")
    assert chinese.status_code == 400
    assert "JSON" in chinese.json()["detail"]
    assert "parse error" not in chinese.json()["detail"]
    english = admin_client.post(
        "/api/v1/tickets/", body, content_type="application/json", headers={"accept-language": "en"}
    )
    assert english.json()["detail"].startswith("The request body is not valid JSON")


def test_a_conflict_says_what_conflicted(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    from orders.choices import TicketState

    closed = cast.ticket_in(TicketState.CLOSED)
    client = APIClient()
    client.force_authenticate(cast.handler)
    body = {"ticket": closed.number, "reason": "uncooperative", "evidence": "诉求人拒绝入户，有录音。"}
    assert client.post("/api/v1/appeals/", body, format="json").status_code == 201
    again = client.post("/api/v1/appeals/", body, format="json")
    assert again.status_code == 409
    assert (again.json()["code"], again.json()["subject"]) == ("appeal_pending", "appeal")
    accept = client.post(f"/api/v1/tickets/{closed.pk}/accept/", {}, format="json")
    assert (accept.status_code, accept.json()["subject"]) == (409, "ticket")
