"""Intake intelligence: sensitive content, duplicate suggestions, caller history and flags, the
knowledge base with direct answers and the direct-answer rate, the route preview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dispatch.directory.models import Category, Unit
from hotline import sensitive, similarity
from hotline.models import ArticleVersion
from hotline.services import article_save, caller_flag_request, caller_flag_review, intake_ticket_create
from orders.exceptions import Conflict
from orders.models import Notice, Ticket

RULES = [
    sensitive.Rule(1, "跳楼", False, "self_harm", "emergency"),
    sensitive.Rule(2, "扬言", False, "threat", "emergency"),
    sensitive.Rule(3, "(?:带|拿)刀", True, "violence", "emergency"),
    sensitive.Rule(4, "聚集", False, "gathering", "complex"),
]


@pytest.mark.parametrize(
    ("text", "kinds", "urgency", "marked"),
    [
        ("他扬言要跳楼", ["threat", "self_harm"], "emergency", "他<mark>扬言</mark>要<mark>跳楼</mark>"),
        ("邻居拿刀在楼道<吵闹>", ["violence"], "emergency", "邻居<mark>拿刀</mark>在楼道&lt;吵闹&gt;"),
        ("业主准备聚集", ["gathering"], "complex", "业主准备<mark>聚集</mark>"),
        ("路灯不亮", [], "general", "路灯不亮"),
    ],
)
def test_sensitive_matching(text: str, kinds: list[str], urgency: str, marked: str) -> None:
    hits = sensitive.find(text, RULES)
    assert [h.kind for h in hits] == kinds
    assert sensitive.raised_urgency("general", hits, RULES) == urgency
    assert sensitive.highlight(text, hits) == marked


def test_urgency_is_never_lowered() -> None:
    hits = sensitive.find("业主准备聚集", RULES)
    assert sensitive.raised_urgency("emergency", hits, RULES) == "emergency"


def test_overlapping_hits_merge_in_the_highlight() -> None:
    rules = [
        sensitive.Rule(1, "跳楼", False, "x", "emergency"),
        sensitive.Rule(2, "要跳", False, "x", "emergency"),
    ]
    text = "他要跳楼"
    assert sensitive.highlight(text, sensitive.find(text, rules)) == "他<mark>要跳楼</mark>"


def test_similarity_prefers_the_reworded_complaint() -> None:
    demand = similarity.Demand("小区3号楼门口路灯坏了不亮，晚上很黑", 1, 10, 100, None)
    candidates = [
        similarity.Candidate(1, "3号楼门口的路灯不亮了，晚上太黑", 1, 10, 100, None),
        similarity.Candidate(2, "小区垃圾好几天没人清运，味道很大", 1, 11, 100, None),
        similarity.Candidate(3, "路灯不亮", 2, 10, 100, 7),
    ]
    found = similarity.suggest(demand, candidates)
    assert found[0].id == 1
    assert set(found[0].reasons) == {"similar_text", "same_street", "same_category"}
    assert 2 not in [s.id for s in found]  # same street and family, but a different problem


def test_the_same_caller_counts() -> None:
    demand = similarity.Demand("暖气不热", None, None, None, 7)
    found = similarity.suggest(demand, [similarity.Candidate(9, "家里暖气还是不热", 5, 3, 4, 7)])
    assert found[0].id == 9
    assert "same_caller" in found[0].reasons


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_intake_raises_urgency_and_alerts_the_hotline_centre(cast) -> None:  # type: ignore[no-untyped-def]
    outcome = intake_ticket_create(
        by=cast.agent,
        channel="phone",
        demand_type="complaint",
        category=Category.objects.get(code="010501"),
        region=cast.create().region,
        content="暖气一直不热，老人说再不解决就扬言跳楼。",
        caller_phone="13912345678",
    )
    ticket = outcome.ticket
    assert ticket.urgency == "emergency"
    event = ticket.events.get(kind="sensitive")
    assert {h["text"] for h in event.payload["hits"]} == {"扬言", "跳楼"}
    notice = Notice.objects.get(ticket=ticket, kind="sensitive")
    assert notice.unit.kind == "hotline_centre"
    assert "跳楼" in notice.title


@pytestmark_db
def test_duplicates_are_suggested_with_reasons(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    first = cast.create(content="花家地西里3号楼暖气不热，室温只有15度", caller_phone="13900000001")
    cast.create(
        content="楼下饭馆油烟太大", category=Category.objects.get(code="010501"), caller_phone="13900000002"
    )
    agent = client_for("agent")
    body = {"content": "3号楼的暖气不热，家里才十五度", "category": "010501", "region": "110105026034"}
    r = agent.post("/api/v1/intake/duplicates/", body, format="json")
    assert r.status_code == 200, r.content
    rows = r.json()
    assert rows[0]["number"] == first.number
    assert {"same_street", "same_category", "similar_text"} <= set(rows[0]["reasons"])
    assert len(rows) == 1
    r = agent.post("/api/v1/intake/duplicates/", {**body, "caller_phone": "139-0000-0001"}, format="json")
    assert "same_caller" in r.json()[0]["reasons"]
    assert (
        client_for("handler", "S110105026")
        .post("/api/v1/intake/duplicates/", body, format="json")
        .status_code
        == 403
    )
    bad = agent.post("/api/v1/intake/duplicates/", {"content": "x", "region": "abc"}, format="json")
    assert bad.status_code == 400
    assert "region" in bad.json()


@pytestmark_db
def test_caller_lookup_shows_history_and_signals(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    for text in ("暖气不热", "暖气还是不热", "暖气依旧不热"):
        cast.create(content=text, caller_phone="13911112222")
    agent = client_for("agent")
    r = agent.post("/api/v1/callers/lookup/", {"phone": "+86 139-1111-2222"}, format="json")
    data = r.json()
    assert data["known"] is True
    assert data["caller"]["phone"] == "13911112222"
    assert len(data["tickets"]) == 3
    assert data["signals"]["frequent"] is True
    assert data["signals"]["repeated"][0]["tickets"] == 3
    assert (
        agent.post("/api/v1/callers/lookup/", {"phone": "13700000000"}, format="json").json()["known"]
        is False
    )
    r = agent.post("/api/v1/callers/lookup/", {"phone": "12345"}, format="json")
    assert r.status_code == 400
    assert "phone" in r.json()
    assert (
        client_for("handler", "S110105026")
        .post("/api/v1/callers/lookup/", {"phone": "13911112222"}, format="json")
        .status_code
        == 403
    )


@pytestmark_db
def test_abusive_flag_needs_a_reason_a_reviewer_and_an_expiry(cast, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create(caller_phone="13955556666")
    caller = ticket.caller
    with pytest.raises(ValidationError):
        caller_flag_request(caller=caller, by=cast.agent, reason=" ", days=30)
    flag = caller_flag_request(caller=caller, by=cast.agent, reason="一天内辱骂话务员20余次", days=30)
    with pytest.raises(Conflict) as pending:
        caller_flag_request(caller=caller, by=cast.agent, reason="again", days=30)
    assert pending.value.subject == "caller_flag"
    with pytest.raises(PermissionDenied):
        caller_flag_review(flag=flag, by=cast.agent, approve=True)  # no reviewing one's own, nor this role
    supervisor = make_user("supervisor")
    with pytest.raises(ValidationError):
        caller_flag_review(flag=flag, by=supervisor, approve=False)
    caller_flag_review(flag=flag, by=supervisor, approve=True, note="录音属实")
    signals = (
        client_for("agent")
        .post("/api/v1/callers/lookup/", {"phone": "13955556666"}, format="json")
        .json()["signals"]
    )
    assert signals["abusive"]["reason"] == "一天内辱骂话务员20余次"
    # the flag expires
    flag.refresh_from_db()
    assert flag.expires_at - flag.requested_at == dt.timedelta(days=30)
    # the call is still taken: the agent refuses it through the rejection flow, which is recorded
    refused = client_for("agent").post(
        f"/api/v1/tickets/{ticket.pk}/reject/", {"reason": "abusive"}, format="json"
    )
    assert refused.status_code == 200
    assert refused.json()["state"] == "rejected"


@pytestmark_db
def test_knowledge_base_answers_and_the_rate(cast, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = make_user("dispatcher")
    heating = Category.objects.get(code="010501")
    article = article_save(
        by=editor,
        title="供暖期室温标准及报修方式",
        body="本市供暖期为11月15日至次年3月15日，室温不低于18℃。室温不达标可拨打供热单位报修电话。",
        owner_unit=Unit.objects.get(code="HOTLINE"),
        review_by=dt.date(2027, 3, 1),
        category=heating,
    )
    article = article_save(
        by=editor,
        article=article,
        title=article.title,
        body=article.body + "（2026年修订）",
        owner_unit=article.owner_unit,
        review_by=article.review_by,
        category=heating,
    )
    assert article.version == 2
    assert ArticleVersion.objects.filter(article=article).count() == 2
    with pytest.raises(PermissionDenied):
        article_save(
            by=cast.handler, title="x", body="y", owner_unit=article.owner_unit, review_by=dt.date(2027, 1, 1)
        )
    agent = client_for("agent")
    found = agent.get("/api/v1/knowledge/", {"q": "供暖室温多少度"}).json()["results"]
    assert found[0]["id"] == article.pk
    assert agent.get("/api/v1/knowledge/", {"category": "010501"}).json()["results"][0]["id"] == article.pk
    ticket = cast.create(content="请问供暖期室温标准是多少")
    cast.create(content="暖气不热")  # logged, not answered
    r = agent.post(
        f"/api/v1/tickets/{ticket.pk}/answer-from-article/", {"article": article.pk}, format="json"
    )
    assert r.status_code == 200
    assert r.json()["state"] == "answered"
    event = Ticket.objects.get(pk=ticket.pk).events.get(kind="answer")
    assert (event.payload["article"], event.payload["version"]) == (article.pk, 2)
    stats = agent.get("/api/v1/knowledge/stats/", {"since": "2026-11-01", "until": "2026-12-01"}).json()
    assert (stats["logged"], stats["answered"], stats["answered_from_articles"], stats["rate"]) == (
        2,
        1,
        1,
        50.0,
    )
    assert (
        agent.get("/api/v1/knowledge/stats/", {"since": "2026-12-01", "until": "2026-11-01"}).status_code
        == 400
    )
    assert client_for("handler", "S110105026").get("/api/v1/knowledge/").status_code == 403


@pytestmark_db
def test_route_preview(client_for) -> None:  # type: ignore[no-untyped-def]
    r = client_for("agent").get("/api/v1/intake/route/", {"category": "010501", "region": "110105026034"})
    assert r.status_code == 200, r.content
    assert r.json()["lead_unit"]["code"] == "E-heating"
    assert r.json()["explanation"]
    assert client_for("agent").get("/api/v1/intake/route/", {"category": "nope"}).status_code == 400
