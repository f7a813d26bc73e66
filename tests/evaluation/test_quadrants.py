"""四象限: the pure classification as a table, and the API over stored period scores."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatch.directory.models import Unit
from evaluation import quadrants
from evaluation.models import AssessmentScheme, PeriodScore
from orders import clock

RULES = quadrants.Rules()


def subject(
    key: str, volume: int, satisfaction: float, previous_volume: int = 0, previous: float | None = None
):  # type: ignore[no-untyped-def]
    return quadrants.Subject(key, key, volume, satisfaction, previous_volume, previous)


def test_quadrants_as_a_table() -> None:
    placed, axes = quadrants.classify(
        [
            subject("busy-good", 100, 96, 100, 95),  # 亮点
            subject("busy-poor", 80, 70, 80, 72),  # 难点
            subject("quiet-poor", 10, 60, 10, 62),  # 堵点
            subject("quiet-good", 12, 97, 12, 96),  # steady
            subject("improving", 40, 92, 70, 80),  # 拐点: +12 points and −43% volume
            subject("tiny", 2, 10),  # too few tickets to classify
        ],
        RULES,
    )
    by_key = {p.key: p for p in placed}
    assert axes == {"volume": 40.0, "satisfaction": 90.0}
    assert {k: p.quadrant for k, p in by_key.items()} == {
        "busy-good": "bright_spot",
        "busy-poor": "hard_problem",
        "quiet-poor": "blockage",
        "quiet-good": "steady",
        "improving": "bright_spot",
    }
    assert by_key["improving"].turning == "improving"
    assert by_key["improving"].reasons == ["satisfaction +12.0 points", "volume -43%"]
    assert all(p.turning == "" for k, p in by_key.items() if k != "improving")


def test_median_satisfaction_when_no_line_is_set() -> None:
    rules = quadrants.Rules(satisfaction_line=None)
    placed, axes = quadrants.classify(
        [subject("a", 10, 50), subject("b", 10, 70), subject("c", 10, 90)], rules
    )
    assert axes["satisfaction"] == 70
    assert {p.key: p.quadrant for p in placed} == {
        "a": "hard_problem",
        "b": "bright_spot",
        "c": "bright_spot",
    }


@pytest.mark.django_db
def test_quadrants_api_over_period_scores(client_for) -> None:  # type: ignore[no-untyped-def]
    scheme = AssessmentScheme.objects.filter(group="street").first()
    streets = list(Unit.objects.filter(assessment_group="street").order_by("code")[:3])
    figures = [
        (streets[0], 120, 95.0, 110, 94.0),
        (streets[1], 90, 70.0, 95, 71.0),
        (streets[2], 20, 93.0, 60, 80.0),
    ]
    now = clock.now()
    for unit, volume, rate, prev_volume, prev_rate in figures:
        PeriodScore.objects.create(
            unit=unit,
            group="street",
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 12, 1),
            label="2026-11",
            scheme=scheme,
            computed_at=now,
            tickets=volume,
            satisfaction_rate=rate,
        )
        PeriodScore.objects.create(
            unit=unit,
            group="street",
            period_start=dt.date(2026, 10, 1),
            period_end=dt.date(2026, 11, 1),
            label="2026-10",
            scheme=scheme,
            computed_at=now,
            tickets=prev_volume,
            satisfaction_rate=prev_rate,
        )
    r = client_for("assessor").get("/api/v1/insight/quadrants/", {"subject": "street", "period": "2026-11"})
    assert r.status_code == 200, r.content
    placed = {s["key"]: s for s in r.json()["subjects"]}
    assert placed[streets[0].code]["quadrant"] == "bright_spot"
    assert placed[streets[1].code]["quadrant"] == "hard_problem"
    assert placed[streets[2].code]["turning"] == "improving"
    assert (
        client_for("handler", "S110105026")
        .get("/api/v1/insight/quadrants/", {"period": "2026-11"})
        .status_code
        == 403
    )
