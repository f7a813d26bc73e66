"""A computed period on a known dataset, checked against figures worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dispatch.directory.models import Unit
from evaluation.choices import AppealStatus, Satisfaction
from evaluation.models import AssessmentScheme, PeriodScore
from evaluation.services import appeal_decide, appeal_file, period_scores_compute, periods_compute_due
from tests.evaluation.helpers import closed_unreachable, closed_with
from tests.factories import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.cities]
NOVEMBER = dt.date(2026, 11, 20)


@pytest.fixture
def dataset(cast, make_user, city):  # type: ignore[no-untyped-def]
    """Street A (the city's street, 望京 in Beijing): six tickets —
    1 contacted, resolved, satisfied        4 not contacted, unresolved, basically satisfied
    2 contacted, resolved, basically sat.   5 unreachable (no valid callback)
    3 contacted, unresolved, unsatisfied    6 not contacted, unresolved, unsatisfied (appealed later)
    Street B (another street of the district): two tickets, both contacted, resolved and satisfied."""
    a = [
        closed_with(cast, contacted=True, resolved=True, satisfaction=Satisfaction.SATISFIED),
        closed_with(cast, contacted=True, resolved=True, satisfaction=Satisfaction.BASIC),
        closed_with(cast, contacted=True, resolved=False, satisfaction=Satisfaction.UNSATISFIED),
        closed_with(cast, contacted=False, resolved=False, satisfaction=Satisfaction.BASIC),
        closed_unreachable(cast),
        closed_with(cast, contacted=False, resolved=False, satisfaction=Satisfaction.UNSATISFIED),
    ]
    other = (
        Unit.objects.filter(code__startswith=city.street[:7])
        .exclude(code=city.street)
        .order_by("code")
        .first()
    )
    cast_b = Cast(make_user=make_user, lead_code=other.code, users={"callback@HOTLINE": cast.callback})
    b = [
        closed_with(cast_b, contacted=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
        for _ in range(2)
    ]
    return {"a": a, "b": b, "a_unit": Unit.objects.get(code=city.street), "b_unit": other, "cast": cast}


def score(unit: Unit, group: str = "street") -> PeriodScore:
    return PeriodScore.objects.get(unit=unit, group=group, label="2026-11")


def test_period_by_hand(dataset) -> None:  # type: ignore[no-untyped-def]
    scored = period_scores_compute(group="street", day=NOVEMBER)
    assert scored == 2
    a = score(dataset["a_unit"])
    # five valid callbacks (the unreachable one is not valid)
    assert (a.callbacks, a.valid_callbacks, a.unreachable, a.exempt) == (6, 5, 1, 0)
    assert (a.contacted, a.resolved, a.satisfied, a.basic, a.unsatisfied) == (3, 2, 1, 2, 2)
    assert a.response_rate == pytest.approx(60.0)  # 3/5
    assert a.resolution_rate == pytest.approx(40.0)  # 2/5
    assert a.satisfaction_rate == pytest.approx(56.0)  # (1 + 0.9·2)/5
    assert a.composite == pytest.approx(49.2)  # 0.1·60 + 0.45·40 + 0.45·56
    b = score(dataset["b_unit"])
    assert (b.valid_callbacks, b.composite) == (2, pytest.approx(100.0))
    assert (b.rank, a.rank, a.rank_of) == (1, 2, 2)
    assert a.tickets == 6
    assert a.signed_on_time_rate == pytest.approx(100.0)
    assert a.is_final is False
    assert a.scheme.weight_response == Decimal("0.100")


def test_an_approved_appeal_changes_the_result(dataset) -> None:  # type: ignore[no-untyped-def]
    cast = dataset["cast"]
    appealed = dataset["a"][5]
    period_scores_compute(group="street", day=NOVEMBER)
    assert score(dataset["a_unit"]).composite == pytest.approx(49.2)
    appeal = appeal_file(
        ticket=appealed, by=cast.handler, reason="uncooperative", evidence="诉求人拒绝入户核查，有录音。"
    )
    assessor = cast.make_user("assessor")
    decided = appeal_decide(appeal=appeal, by=assessor, approve=True, note="录音属实")
    assert decided.status == AppealStatus.APPROVED
    appealed.refresh_from_db()
    assert appealed.assessment_exempt is True
    kinds = [e.kind for e in appealed.events.order_by("pk")][-3:]
    assert kinds == ["appeal", "assessment_exempt", "appeal_decision"]
    exempted = appealed.events.get(kind="assessment_exempt")
    assert (exempted.actor, exempted.note, exempted.payload) == (assessor, "录音属实", {"exempt": True})
    period_scores_compute(group="street", day=NOVEMBER)
    a = score(dataset["a_unit"])
    assert (a.valid_callbacks, a.exempt, a.callbacks) == (4, 1, 6)
    assert a.response_rate == pytest.approx(75.0)  # 3/4
    assert a.resolution_rate == pytest.approx(50.0)  # 2/4
    assert a.satisfaction_rate == pytest.approx(70.0)  # (1 + 0.9·2)/4
    assert a.composite == pytest.approx(61.5)  # 7.5 + 22.5 + 31.5


def test_the_scheme_in_force_weights_the_rates(dataset) -> None:  # type: ignore[no-untyped-def]
    AssessmentScheme.objects.create(
        name="10/50/40",
        group="street",
        effective_from=dt.date(2026, 11, 1),
        weight_response=Decimal("0.10"),
        weight_resolution=Decimal("0.50"),
        weight_satisfaction=Decimal("0.40"),
        basic_satisfied_factor=Decimal("0.8"),
    )
    period_scores_compute(group="street", day=NOVEMBER)
    a = score(dataset["a_unit"])
    assert a.satisfaction_rate == pytest.approx(52.0)  # (1 + 0.8·2)/5
    assert a.composite == pytest.approx(46.8)  # 0.1·60 + 0.5·40 + 0.4·52
    assert a.scheme.name == "10/50/40"


def test_recomputing_is_idempotent_and_carries_the_previous_rank(dataset) -> None:  # type: ignore[no-untyped-def]
    period_scores_compute(group="street", day=NOVEMBER)
    first = list(PeriodScore.objects.order_by("unit_id").values_list("unit_id", "composite", "rank"))
    period_scores_compute(group="street", day=NOVEMBER)
    assert list(PeriodScore.objects.order_by("unit_id").values_list("unit_id", "composite", "rank")) == first
    assert PeriodScore.objects.filter(label="2026-11").count() == 2
    # Pretend October was scored with the ranks the other way round.
    october = [
        PeriodScore(
            unit=ps.unit,
            group="street",
            period_start=dt.date(2026, 10, 1),
            period_end=dt.date(2026, 11, 1),
            label="2026-10",
            scheme=ps.scheme,
            computed_at=ps.computed_at,
            rank=3 - ps.rank,
            is_final=True,
        )
        for ps in PeriodScore.objects.filter(label="2026-11")
    ]
    PeriodScore.objects.bulk_create(october)
    period_scores_compute(group="street", day=NOVEMBER)
    a, b = score(dataset["a_unit"]), score(dataset["b_unit"])
    assert (a.previous_rank, a.rank_change) == (1, -1)
    assert (b.previous_rank, b.rank_change) == (2, 1)


def test_district_group_counts_the_units_under_each_district(dataset, city) -> None:  # type: ignore[no-untyped-def]
    period_scores_compute(group="district", day=NOVEMBER)
    district = PeriodScore.objects.get(unit__code=city.district, group="district")
    # all eight tickets were led by the district's streets: 7 valid callbacks, 5 contacted, 4 resolved
    assert (district.valid_callbacks, district.contacted, district.resolved) == (7, 5, 4)
    assert district.response_rate == pytest.approx(100 * 5 / 7)
    assert district.per_thousand_residents is not None  # the census population of the district
    assert district.rank == 1


def test_the_nightly_run_scores_the_current_period_and_finalises_the_last(dataset) -> None:  # type: ignore[no-untyped-def]
    done = periods_compute_due(today=NOVEMBER)
    assert done["street"] == "2026-11"
    assert PeriodScore.objects.filter(label="2026-11", is_final=False).count() >= 2
    # December's first night: November becomes final.
    periods_compute_due(today=dt.date(2026, 12, 1))
    assert PeriodScore.objects.filter(label="2026-11", group="street").exclude(is_final=True).count() == 0


def test_one_read_for_every_group_scores_as_each_group_alone(dataset, settings) -> None:  # type: ignore[no-untyped-def]
    from evaluation.services import GROUPS

    fields = ("unit_id", "group", "callbacks", "valid_callbacks", "contacted", "resolved", "satisfied")
    fields += ("basic", "unsatisfied", "repeats", "exempt", "composite", "rank")
    # what the lead assignments give (one read by unit and one by district when shared)
    fields += ("tickets", "signed_on_time_rate", "handled_on_time_rate", "overdue", "return_rate")

    def snapshot() -> list[tuple]:  # type: ignore[type-arg]
        return sorted(PeriodScore.objects.filter(label="2026-11").values_list(*fields))

    shared: dict[object, object] = {}
    for group in GROUPS:
        period_scores_compute(group=group, day=NOVEMBER, shared=shared)
    together = snapshot()
    assert [key[0] for key in shared].count("facts") == 1  # the callbacks were read once for all
    assert [key[0] for key in shared].count("operations") == 1  # and the lead assignments
    for group in GROUPS:
        period_scores_compute(group=group, day=NOVEMBER)
    alone = snapshot()
    assert together == alone
    assert {row[1] for row in together} >= {"street", "district"}
    district = next(row for row in together if row[1] == "district")
    assert district[fields.index("tickets")] == 8  # the streets' tickets, under their district
