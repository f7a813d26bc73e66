"""The directory's read API and the demo users' access to the admin and the API."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from config.demo.users import demo_users as city_demo_users
from config.demo.users import demo_users_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users() -> None:
    demo_users_load()


def test_demo_users_of_every_role_can_sign_in_to_the_admin(demo_users: None) -> None:
    roles = {d.role for d in city_demo_users()}
    assert roles == {"agent", "dispatcher", "handler", "callback", "supervisor", "assessor"}
    for username in ["admin", *[d.username for d in city_demo_users()]]:
        client = Client()
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
        response = client.get("/admin/")
        assert response.status_code == 200, username
        assert "dispatch/region" in response.content.decode(), username


def test_demo_users_get_a_token_and_use_the_api(demo_users: None) -> None:
    for demo in city_demo_users():
        client = APIClient()
        response = client.post(
            "/api/v1/auth/token/", {"username": demo.username, "password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 200, demo.username
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        assert client.get("/api/v1/units/?code=" + demo.unit_code).json()["count"] == 1


def test_wrong_password_gets_no_token(demo_users: None) -> None:
    response = APIClient().post("/api/v1/auth/token/", {"username": "agent", "password": "nope"})
    assert response.status_code == 400


def test_api_needs_authentication(api_client: APIClient) -> None:
    assert api_client.get("/api/v1/regions/").status_code == 401


def test_regions_filter_by_level_parent_and_name(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("agent")
    streets = client.get("/api/v1/regions/?parent=110105&level=street&page_size=100").json()
    assert streets["count"] == 43
    found = client.get("/api/v1/regions/?q=南磨房地区").json()
    assert [r["code"] for r in found["results"]] == ["110105021"]
    within = client.get("/api/v1/regions/?within=110105026&level=community").json()
    assert within["count"] == 25


def test_region_detail_shows_aliases_and_history(client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for("agent").get("/api/v1/regions/110105400/").json()
    assert body["name"] == "首都机场街道"
    assert {"code": "110105020"}.items() <= body["code_history"][0].items()


def test_unit_filters(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("dispatcher")
    body = client.get("/api/v1/units/?kind=street_office&district=110105&page_size=100").json()
    assert body["count"] == 43
    depts = client.get("/api/v1/units/?function=water&kind=municipal_department").json()
    assert [u["code"] for u in depts["results"]] == ["M-water"]


def test_category_tree_and_leaves(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("agent")
    tree = client.get("/api/v1/categories/tree/").json()
    water = next(n for n in tree if n["code"] == "01")["children"][0]
    assert water["name"] == "供水"
    assert water["children"][0]["name"] == "停水"
    leaves = client.get("/api/v1/categories/?leaf=true&q=暖气").json()
    assert {c["code"] for c in leaves["results"]} >= {"010501", "010502"}
    assert all(c["is_leaf"] for c in leaves["results"])
    assert leaves["results"][0]["full_name"].startswith("基础民生 / 供暖 / ")


def test_catalog_lists_lead_and_assist_rules(client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for("dispatcher").get("/api/v1/catalog/?category=0105").json()
    entry = body["results"][0]
    assert (entry["lead_rule"], entry["lead_function"]) == ("enterprise", "heating")
    assert [a["rule"] for a in entry["assists"]] == ["street"]


def test_bad_filter_is_a_400_in_chinese_by_default_and_english_on_request(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("agent")
    zh = client.get("/api/v1/regions/?level=nowhere")
    assert zh.status_code == 400
    assert "有效的选项" in zh.json()["level"][0]
    en = client.get("/api/v1/regions/?level=nowhere", HTTP_ACCEPT_LANGUAGE="en")
    assert "valid choice" in en.json()["level"][0]


def test_list_query_count_does_not_grow_with_page_size(client_for, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for("agent")
    for size in (5, 200):
        with django_assert_max_num_queries(6):
            assert client.get(f"/api/v1/regions/?level=street&page_size={size}").status_code == 200
        with django_assert_max_num_queries(6):
            assert client.get(f"/api/v1/catalog/?page_size={size}").status_code == 200
