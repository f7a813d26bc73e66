"""Insight analytics on planted data: 环比/同比 by street, an improving street, top categories, the
overview with proactive work apart, 每月一题 candidates (a persistent problem beats a one-month spike),
adoption with tracking, and proactive tickets from a warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from dispatch.directory.models import Category, Region, Unit
from evaluation import analytics
from evaluation.models import EarlyWarning
from evaluation.services import proactive_ticket_create, topic_adopt
from orders import clock
from orders.choices import TicketState

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 10, tzinfo=TZ)


def log(cast, moment: dt.datetime, street: str, category: str) -> None:  # type: ignore[no-untyped-def]
    region = Region.objects.filter(parent__code=street, level="community").order_by("code").first()
    with clock.frozen_at(moment):
        cast.create(region=region, category=Category.objects.get(code=category))


def test_volume_with_change_vs_previous_and_year_ago(cast) -> None:  # type: ignore[no-untyped-def]
    for day in (2, 5, 9, 15):
        log(cast, at(2026, 11, day), "110105026", "010601")  # growing: 4 now
    for day in (20, 25):
        log(cast, at(2026, 10, day), "110105026", "010601")  # 2 in the previous 20 days
    log(cast, at(2025, 11, 3), "110105026", "010601")  # 1 a year ago
    log(cast, at(2026, 11, 10), "110105001", "010101")  # improving: 1 now
    for day in (13, 16, 19, 22, 28):
        log(cast, at(2026, 10, day), "110105001", "010101")  # 5 before
    rows = {
        r["region"]: r
        for r in analytics.volume(
            since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 21), region_level="street"
        )
    }
    growing, improving = rows["110105026"], rows["110105001"]
    assert (growing["count"], growing["previous"], growing["year_ago"]) == (4, 2, 1)
    assert (growing["change_vs_previous"], growing["change_vs_year_ago"]) == (100.0, 300.0)
    assert (improving["count"], improving["previous"], improving["change_vs_previous"]) == (1, 5, -80.0)
    by_category = analytics.volume(
        since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 21), region_level="district", category_level=1
    )
    assert {(r["region"], r["category"]) for r in by_category} == {("110105", "01")}
    assert by_category[0]["count"] == 5
    top = analytics.top_categories(since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 21), n=1)
    assert top == [{"category": "010601", "name": Category.objects.get(code="010601").name, "count": 4}]


def test_overview_reports_proactive_work_apart(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    cast.create()
    cast.ticket_in(TicketState.ANSWERED)
    proactive_ticket_create(
        by=make_user("supervisor"),
        lead_unit=Unit.objects.get(code="S110105026"),
        category=Category.objects.get(code="010601"),
        region=Region.objects.get(code="110105026"),
        content="巡查发现垃圾桶满溢，主动派单清运。",
    )
    figures = analytics.overview(since=dt.date(2026, 11, 1), until=dt.date(2026, 12, 1))
    assert (figures["logged"], figures["answered"], figures["direct_answer_rate"]) == (2, 1, 50.0)
    assert figures["proactive"] == {"raised": 1, "closed": 0}
    assert figures["channels"] == {"phone": 2}


def test_a_persistent_problem_ranks_above_a_one_month_spike(cast) -> None:  # type: ignore[no-untyped-def]
    streets = ["110105026", "110105001", "110105002"]
    for month in (6, 7, 8, 9, 10, 11):
        for street in streets:
            log(cast, at(2026, month, 3), street, "010203")  # 道路积水, every month, three streets
    for _ in range(6):
        log(cast, at(2026, 11, 5), "110105003", "010204")  # a spike in one street, this month only
    candidates = analytics.topic_candidates(month=dt.date(2026, 11, 1))
    assert [c["category"] for c in candidates[:2]] == ["010203", "010204"]
    persistent, spike = candidates[0], candidates[1]
    assert (persistent["months_in_top"], persistent["streets"], persistent["volume"]) == (6, 3, 3)
    assert (spike["months_in_top"], spike["streets"], spike["volume"]) == (1, 1, 6)


def test_adopting_a_topic_and_tracking_it(cast, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    for day in (3, 6):
        log(cast, at(2026, 11, day), "110105026", "010203")
    assessor = make_user("assessor")
    with pytest.raises(PermissionDenied):
        topic_adopt(
            by=cast.handler,
            category=Category.objects.get(code="010203"),
            month=dt.date(2026, 11, 1),
            title="x",
        )
    topic = topic_adopt(
        by=assessor,
        category=Category.objects.get(code="010203"),
        month=dt.date(2026, 11, 1),
        title="道路积水治理",
    )
    assert topic.evidence["volume"] == 2
    client = client_for("assessor")
    r = client.post(
        "/api/v1/insight/topics/", {"month": "2026-11", "category": "010203", "title": "again"}, format="json"
    )
    assert r.status_code == 409
    # dispatched tickets of the category, by month, from the adoption on
    from orders import services

    for ticket in (cast.create(category=Category.objects.get(code="010203")),):
        services.ticket_dispatch(
            ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code="S110105026")
        )
    tracking = client.get(f"/api/v1/insight/topics/{topic.pk}/tracking/").json()
    assert tracking == [{"month": "2026-11", "dispatched": 1}]


def test_proactive_ticket_from_a_warning(cast, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    warning = EarlyWarning.objects.create(
        kind="cluster",
        key="cluster:test",
        title="积水聚集",
        count=6,
        first_detected_at=now,
        last_detected_at=now,
    )
    body = {
        "lead_unit": "S110105026",
        "category": "010203",
        "region": "110105026",
        "content": "多件道路积水诉求集中，主动组织排水。",
        "warning": warning.pk,
    }
    assert client_for("agent").post("/api/v1/insight/proactive/", body, format="json").status_code == 403
    r = client_for("supervisor").post("/api/v1/insight/proactive/", body, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["channel"], data["state"], data["lead_unit"]) == ("proactive", "dispatched", "S110105026")
    warning.refresh_from_db()
    assert warning.status == "acknowledged"
    assert data["number"] in warning.note
    # it runs through the normal lifecycle: the street signs for it
    r = client_for("handler", "S110105026").post(f"/api/v1/tickets/{data['id']}/accept/", {}, format="json")
    assert r.status_code == 200
    bad = client_for("supervisor").post("/api/v1/insight/proactive/", {**body, "region": "x"}, format="json")
    assert bad.status_code == 400
    assert "region" in bad.json()
    assert (
        client_for("assessor")
        .get("/api/v1/insight/overview/", {"since": "2026-11-01", "until": "2026-12-01"})
        .json()["proactive"]["raised"]
        == 1
    )
    assert (
        client_for("handler", "S110105026")
        .get("/api/v1/insight/overview/", {"since": "2026-11-01", "until": "2026-12-01"})
        .status_code
        == 403
    )


def test_a_supervisor_dispatches_only_proactive_work(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    from orders import services

    with pytest.raises(PermissionDenied):
        services.ticket_dispatch(
            ticket=cast.create(), by=make_user("supervisor"), lead_unit=Unit.objects.get(code="S110105026")
        )
