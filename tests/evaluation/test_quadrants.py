"""四象限 of the seed: complaint rate per 1,000 residents × satisfaction, the four quadrants and the
four sub-classes as a table; the API over tickets and callbacks, with an unfinished month set against
the same elapsed span of the previous one."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatch.directory.models import Category, Region
from evaluation import quadrant_reads, quadrants
from orders import clock
from tests.evaluation.helpers import closed_with

RULES = quadrants.Rules()


def subject(  # type: ignore[no-untyped-def]
    key: str,
    tickets: int,
    satisfaction: float | None,
    previous_tickets: int = 0,
    previous: float | None = None,
    residents: int | None = 10_000,
):
    return quadrants.Subject(key, key, tickets, residents, satisfaction, previous_tickets, previous)


def test_quadrants_and_trends_as_a_table() -> None:
    placed, axes = quadrants.classify(
        [
            # rate per 1,000: tickets / 10 — the median rate of the six placed is (4 + 5) / 2 = 4.5
            subject("quiet-good", 20, 98, 21, 97.5),  # 亮点, no marked change
            subject("busy-good", 90, 97, 120, 96),  # 拐点, rate −25% → 大治大愈
            subject("quiet-poor", 30, 80, 30, 82),  # 堵点 both periods → 久治难愈
            subject("busy-poor", 60, 85, 58, 84.5),  # 难点 both periods, nothing better → 久治难愈
            subject("recovered", 50, 97, 52, 88),  # was below the line, is above now → 大治初愈
            subject("slowly", 40, 95, 42, 93.5),  # −4.8% and +1.5 points → 小治小愈
            subject("tiny", 3, 50),  # too few tickets to place
            subject("no-callbacks", 30, None),  # no satisfaction rate yet
            subject("no-people", 30, 90, residents=None),  # no population: cannot be a rate
        ],
        RULES,
    )
    by_key = {p.key: p for p in placed}
    # medians: rates 2 3 4 5 6 9 → 4.5; satisfaction 80 85 95 97 97 98 → 96
    assert axes == {"rate": 4.5, "satisfaction": 96.0}
    assert {k: (p.quadrant, p.trend) for k, p in by_key.items()} == {
        "quiet-good": ("bright_spot", ""),
        "busy-good": ("turning_point", "big_recovery"),
        "quiet-poor": ("blockage", "chronic"),
        "busy-poor": ("hard_problem", "chronic"),
        "recovered": ("turning_point", "first_recovery"),
        "slowly": ("blockage", "small_recovery"),
    }
    assert by_key["busy-good"].rate == 9.0
    assert by_key["busy-good"].rate_change == -0.25
    assert by_key["recovered"].satisfaction_change == 9.0
    assert [p.quadrant for p in placed] == sorted((p.quadrant for p in placed), key=quadrants.QUADRANTS.index)


def test_configured_lines_replace_the_medians() -> None:
    rules = quadrants.Rules(rate_line=2.0, satisfaction_line=90.0)
    placed, axes = quadrants.classify(
        [subject("a", 10, 95), subject("b", 30, 95), subject("c", 30, 85), subject("d", 10, 85)], rules
    )
    assert axes == {"rate": 2.0, "satisfaction": 90.0}
    assert {p.key: p.quadrant for p in placed} == {
        "a": "bright_spot",
        "b": "turning_point",
        "c": "hard_problem",
        "d": "blockage",
    }


def test_a_worsening_subject_has_no_recovery_class() -> None:
    rules = quadrants.Rules(rate_line=1.0, satisfaction_line=90.0)
    (worse,), _axes = quadrants.classify([subject("w", 40, 95, 20, 97)], rules)
    assert (worse.quadrant, worse.trend, worse.rate_change, worse.satisfaction_change) == (
        "turning_point",
        "",
        1.0,
        -2.0,
    )


TZ = dt.timezone(dt.timedelta(hours=8))
HUAJIADI, JIANWAI = "110105026", "110105001"


def _closed(cast, moment: dt.datetime, street: str, satisfaction: str, n: int) -> None:  # type: ignore[no-untyped-def]
    region = Region.objects.filter(parent__code=street, level="community").order_by("code").first()
    for _ in range(n):
        with clock.frozen_at(moment):
            closed_with(
                cast,
                contacted=True,
                resolved=satisfaction != "unsatisfied",
                satisfaction=satisfaction,
                region=region,
                category=Category.objects.get(code="010601"),
            )


@pytest.mark.django_db
def test_unfinished_month_against_the_same_span_before(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    _closed(cast, dt.datetime(2026, 10, 3, 10, tzinfo=TZ), HUAJIADI, "unsatisfied", 6)
    _closed(cast, dt.datetime(2026, 10, 20, 10, tzinfo=TZ), HUAJIADI, "satisfied", 5)  # after the span
    _closed(cast, dt.datetime(2026, 11, 5, 10, tzinfo=TZ), HUAJIADI, "satisfied", 5)
    _closed(cast, dt.datetime(2026, 11, 6, 10, tzinfo=TZ), JIANWAI, "unsatisfied", 8)
    with clock.frozen_at(dt.datetime(2026, 11, 10, 12, tzinfo=TZ)):
        r = client_for("assessor").get(
            "/api/v1/insight/quadrants/", {"subject": "street", "period": "2026-11"}
        )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["unfinished"] is True
    assert body["window"] == ["2026-11-01T00:00:00+08:00", "2026-11-10T12:00:00+08:00"]
    assert body["previous_window"] == ["2026-10-01T00:00:00+08:00", "2026-10-10T12:00:00+08:00"]
    points = {p["key"]: p for p in body["points"]}
    chaoyang = Region.objects.get(code="110105")
    streets = Region.objects.filter(parent=chaoyang, level="street").exclude(kind="functional_zone").count()
    residents = round(chaoyang.population / streets)
    huajiadi, jianwai = points[HUAJIADI], points[JIANWAI]
    assert huajiadi["residents_estimated"] is True
    assert huajiadi["rate"] == round(1000 * 5 / residents, 3)
    assert jianwai["rate"] == round(1000 * 8 / residents, 3)
    assert (huajiadi["quadrant"], jianwai["quadrant"]) == ("bright_spot", "hard_problem")
    # the previous span holds 6 (not the month's 11) unsatisfied tickets: below the line then, above now
    assert huajiadi["trend"] == "first_recovery"
    assert huajiadi["rate_change_percent"] == round(100 * (5 - 6) / 6, 1)
    assert huajiadi["satisfaction_change"] == 100.0
    assert jianwai["trend"] == ""  # nothing to compare with


@pytest.mark.django_db
def test_residents_of_a_street_with_its_own_population(cast) -> None:  # type: ignore[no-untyped-def]
    Region.objects.filter(code=HUAJIADI).update(population=50_000, population_source="test")
    people = quadrant_reads.residents("street")
    huajiadi = Region.objects.get(code=HUAJIADI)
    assert people[huajiadi.pk] == (50_000, False)
    zone = Region.objects.filter(kind="functional_zone").first()
    assert zone is None or zone.pk not in people


@pytest.mark.django_db
def test_quadrants_are_for_insight_readers(client_for) -> None:  # type: ignore[no-untyped-def]
    r = client_for("handler", "S110105026").get("/api/v1/insight/quadrants/", {"period": "2026-11"})
    assert r.status_code == 403
    r = client_for("assessor").get("/api/v1/insight/quadrants/", {"period": "2026-13"})
    assert r.status_code == 400
    assert "period" in r.json()
