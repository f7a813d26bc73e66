"""Categories an agent can find: the search by what callers say, the suggestion from the demand's text,
and the model learning from the categories agents chose (the nightly task's service)."""

from __future__ import annotations

import pytest

from dispatch.category_finder import category_suggestions
from dispatch.directory.cache import directory_cache_clear
from dispatch.directory.models import Category, Region
from dispatch.models import CategoryModelSnapshot
from dispatch.services import category_model_train
from orders import services

pytestmark = pytest.mark.django_db

# The words the issue found nothing for, and the leaf an agent means by each.
SEARCHES = [
    ("违章建筑", "040102"),
    ("燃气异味", "010402"),
    ("宠物", "070302"),
    ("地锁", "020304"),
    ("快递", "040607"),
    ("施工噪音", "030303"),
    ("楼上漏水", "020306"),
    ("养犬", "070302"),
    ("餐馆", "020102"),
]


@pytest.mark.parametrize(("words", "leaf"), SEARCHES)
def test_common_phrasing_finds_the_leaf(client_for, words: str, leaf: str) -> None:  # type: ignore[no-untyped-def]
    body = client_for("agent").get("/api/v1/categories/", {"q": words, "leaf": "true"}).json()
    codes = [c["code"] for c in body["results"]]
    assert leaf in codes[:3]


def test_a_parent_name_finds_its_leaves(client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for("agent").get("/api/v1/categories/", {"q": "食品安全", "leaf": "true"}).json()
    codes = [c["code"] for c in body["results"]]
    assert {"020101", "020102"} <= set(codes)


def test_the_suggestion_endpoint(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("agent")
    body = client.post(
        "/api/v1/categories/suggest/", {"text": "晚上十一点了工地还在施工，吵得睡不着"}, format="json"
    ).json()
    assert body[0]["code"] == "030303"
    assert body[0]["path"].endswith("夜间施工噪声")
    assert "施工" in body[0]["words"]
    assert len(body) == 3
    assert body[0]["score"] >= body[1]["score"] >= body[2]["score"]
    empty = client.post("/api/v1/categories/suggest/", {"text": ""}, format="json")
    assert empty.status_code == 400
    assert "text" in empty.json()


def test_learning_from_what_agents_filed(cast) -> None:  # type: ignore[no-untyped-def]
    """A word the catalog does not know (泰迪) comes to point at 犬只管理 once agents file such calls
    there; the system's own tickets and abusive calls teach nothing."""
    dogs = Category.objects.get(code="070302")
    region = Region.objects.get(code="110105026")
    assert all(s.code != "070302" for s in category_suggestions("楼下泰迪整夜汪汪", limit=1))
    for i in range(4):
        services.ticket_create(
            by=cast.agent,
            channel="phone",
            demand_type="complaint",
            category=dogs,
            region=region,
            content=f"楼下邻居的泰迪第{i}次整夜汪汪",
            caller_phone=f"1390000{i:04d}",
        )
    abusive = services.ticket_create(
        by=cast.agent,
        channel="phone",
        demand_type="complaint",
        category=Category.objects.get(code="070303"),
        region=region,
        content="鹦鹉鹦鹉鹦鹉",
        caller_phone="13900009999",
    ).ticket
    services.ticket_reject(ticket=abusive, by=cast.agent, reason="abusive")
    snapshot = category_model_train()
    assert snapshot.documents["070302"] == 4
    assert "070303" not in snapshot.documents  # an abusive call teaches nothing
    directory_cache_clear()
    top = category_suggestions("楼下泰迪整夜汪汪", limit=1)[0]
    assert top.code == "070302"
    assert "泰迪" in top.words


def test_training_keeps_the_last_three_snapshots(cast) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        category_model_train()
    assert CategoryModelSnapshot.objects.count() == 3
