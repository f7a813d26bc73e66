"""A month computed by hand for every scheme option, against the stored scores.

The month (November 2026) of a street office (望京街道 in Beijing), through the real services:

| ticket | caller | callback rounds                                        | counts by default      |
|--------|--------|--------------------------------------------------------|------------------------|
| T1     | A      | contacted, resolved, satisfied                          | yes (first time)       |
| T2     | B      | contacted, basically resolved, basically satisfied      | yes                    |
| T3     | C      | r0 contacted, unresolved, unsatisfied → rework;         | r1 only                |
|        |        | r1 contacted, resolved, satisfied                       |                        |
| T4a    | D      | not contacted (the unit recorded a contact), unresolved, unsatisfied | superseded by T4b |
| T4b    | D      | same category a moment later: contacted, resolved, satisfied | yes (first time)  |
| T5     | E      | unsatisfied, but exempt (不纳入考评, approved)           | no                     |
| T6     | F      | unreachable three times                                 | not valid              |
| T7     | —      | proactive work, verified by a supervisor                | never (no caller)      |

Default scheme (10/45/45, basically satisfied 0.9, basically resolved 0.5, repeats within 30 days
once, final round only): valid 4; response 4/4 = 100; resolution (3 + 0.5)/4 = 87.5; satisfaction
(3 + 0.9)/4 = 97.5; composite 10 + 39.375 + 43.875 = 93.25; first-time resolution 2/4 = 50.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dispatch.directory.models import Category, Unit
from evaluation.models import AssessmentScheme, Callback, PeriodScore
from evaluation.services import (
    callback_record,
    exemption_decide,
    exemption_request,
    period_scores_compute,
    proactive_ticket_create,
    ticket_verify,
)
from orders import services
from orders.choices import TicketState
from tests.cities import active_city

pytestmark = [pytest.mark.django_db, pytest.mark.cities]

DAY = dt.date(2026, 11, 20)


def handled(cast, phone: str, **fields):  # type: ignore[no-untyped-def]
    return cast.ticket_in(TicketState.HANDLED, caller_phone=phone, **fields)


def answer(cast, ticket, **answers):  # type: ignore[no-untyped-def]
    return callback_record(ticket=ticket, by=cast.callback, reached=True, **answers)


@pytest.fixture
def month(cast, make_user, city):  # type: ignore[no-untyped-def]
    good = {"contacted": True, "resolution": "resolved", "satisfaction": "satisfied"}
    answer(cast, handled(cast, "13900000001"), **good)  # T1
    answer(cast, handled(cast, "13900000002"), contacted=True, resolution="basic", satisfaction="basic")  # T2
    t3 = handled(cast, "13900000003")
    answer(
        cast,
        t3,
        contacted=True,
        resolution="unresolved",
        satisfaction="unsatisfied",
        action="reopen",
        reopen_reason="仍不热",
    )
    services.ticket_reply(ticket=t3, by=cast.handler, result="再次排气，已恢复。")
    answer(cast, t3, **good)  # T3, round 1
    t4a = cast.ticket_in(TicketState.ACCEPTED, caller_phone="13900000004")
    services.ticket_first_contact_record(ticket=t4a, by=cast.handler, note="电话联系")
    services.ticket_reply(ticket=t4a, by=cast.handler, result="已处理")
    answer(cast, t4a, contacted=False, resolution="unresolved", satisfaction="unsatisfied")  # T4a
    answer(cast, handled(cast, "13900000004"), **good)  # T4b: same caller, same category
    t5 = handled(cast, "13900000005")
    request = exemption_request(ticket=t5, by=cast.agent, reason="unreasonable", note="要求超出政策范围")
    exemption_decide(request=request, by=make_user("assessor"), approve=True)
    answer(cast, t5, contacted=True, resolution="unresolved", satisfaction="unsatisfied")  # T5
    t6 = handled(cast, "13900000006")
    for _ in range(3):
        callback_record(ticket=t6, by=cast.callback, reached=False)  # T6
    supervisor = make_user("supervisor", "HOTLINE")
    t7 = proactive_ticket_create(
        by=supervisor,
        category=Category.objects.get(code="040101"),
        region=t6.region,
        content="巡查发现占道经营",
        lead_unit=Unit.objects.get(code=city.street),
    )
    services.ticket_accept(ticket=t7, by=cast.handler)
    services.ticket_reply(ticket=t7, by=cast.handler, result="已清理")
    ticket_verify(ticket=t7, by=supervisor, verified=True, note="现场核实已清理")
    return {"t4a": t4a}


def scheme(**options):  # type: ignore[no-untyped-def]
    row = AssessmentScheme.objects.filter(group="street").order_by("-effective_from").first()
    assert row is not None
    for field, value in options.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    period_scores_compute(group="street", day=DAY)
    return PeriodScore.objects.get(unit__code=active_city().street, label="2026-11")


def rates(score: PeriodScore) -> tuple:  # type: ignore[type-arg]
    return tuple(
        round(v, 4) if v is not None else None
        for v in (score.response_rate, score.resolution_rate, score.satisfaction_rate, score.composite)
    )


def test_default_scheme(month) -> None:  # type: ignore[no-untyped-def]
    score = scheme()
    assert (score.valid_callbacks, score.repeats, score.exempt, score.unreachable) == (4, 1, 1, 1)
    assert (score.resolved, score.basic_resolved, score.satisfied, score.basic) == (3, 1, 3, 1)
    assert rates(score) == (100.0, 87.5, 97.5, 93.25)
    assert score.first_time_resolution_rate == 50.0
    # proactive work: its own indicators, never in the rates
    assert (score.proactive_tickets, score.proactive_verified_rate, score.proactive_repeat_rate) == (
        1,
        100.0,
        0.0,
    )


def test_every_repeat_counts_when_the_window_is_zero(month) -> None:  # type: ignore[no-untyped-def]
    score = scheme(repeat_window_days=0)
    # T4a joins: not contacted, unresolved, unsatisfied — and it contradicts the unit's record
    assert (score.valid_callbacks, score.repeats, score.contradictions) == (5, 0, 1)
    assert rates(score) == (80.0, 70.0, 78.0, 74.6)
    assert score.first_time_resolution_rate == 40.0


def test_rework_rounds_count_when_the_scheme_says(month) -> None:  # type: ignore[no-untyped-def]
    score = scheme(count_rework_rounds=True)
    # T3's first round joins: contacted, unresolved, unsatisfied
    assert score.valid_callbacks == 5
    assert rates(score) == (100.0, 70.0, 78.0, 76.6)


def test_basically_resolved_factor(month) -> None:  # type: ignore[no-untyped-def]
    assert rates(scheme(basic_resolved_factor=Decimal("1.000"))) == (100.0, 100.0, 97.5, 98.875)


def test_further_indicators_take_their_weight(month) -> None:  # type: ignore[no-untyped-def]
    score = scheme(
        weight_resolution=Decimal("0.400"),
        weight_satisfaction=Decimal("0.400"),
        extra_weights={"first_time_resolution": 0.1},
    )
    # 0.1 × 100 + 0.4 × 87.5 + 0.4 × 97.5 + 0.1 × 50
    assert rates(score)[3] == 89.0
    assert score.indicators["first_time_resolution"] == 50.0


def test_a_contradicted_record_is_flagged_on_the_callback(month) -> None:  # type: ignore[no-untyped-def]
    callback = Callback.objects.get(ticket=month["t4a"], is_final=True)
    assert callback.contradicts_record is True
    assert month["t4a"].events.filter(kind="contradiction").exists()


def test_weights_that_do_not_add_up_are_refused() -> None:
    row = AssessmentScheme.objects.filter(group="street").first()
    assert row is not None
    row.extra_weights = {"first_time_resolution": 0.1}
    with pytest.raises(ValidationError, match=r"1\.100"):  # 10 + 45 + 45 + 10 per cent
        row.full_clean()
    row.extra_weights = {"no_such_indicator": 0.0}
    with pytest.raises(ValidationError, match="no_such_indicator"):
        row.full_clean()


@pytest.mark.parametrize("window", [30, 0])
def test_the_nightly_read_for_every_group_counts_repeats_as_one_group_alone(month, window) -> None:  # type: ignore[no-untyped-def]
    from evaluation.services import GROUPS

    alone = scheme(repeat_window_days=window)
    counted = (alone.valid_callbacks, alone.repeats, alone.contradictions, alone.composite)
    shared: dict[object, object] = {}
    for group in GROUPS:
        period_scores_compute(group=group, day=DAY, shared=shared)
    together = PeriodScore.objects.get(unit__code=active_city().street, label="2026-11")
    assert (
        together.valid_callbacks,
        together.repeats,
        together.contradictions,
        together.composite,
    ) == counted
    assert together.repeats == (1 if window else 0)


def test_a_complaint_after_proactive_work_counts_alike_alone_and_for_every_group(month, cast, city) -> None:  # type: ignore[no-untyped-def]
    from evaluation.models import Verification
    from evaluation.services import GROUPS
    from orders.models import Ticket

    check = Verification.objects.get(verified=True)
    work = check.ticket
    # a citizen reports the same problem at the same place the next day: the work did not hold
    again = cast.create(category=work.category, region=work.region, caller_phone="13900000009")
    Ticket.objects.filter(pk=again.pk).update(created_at=check.at + dt.timedelta(days=1))
    # the same problem at another place does not count against it
    elsewhere = cast.create(category=work.category, region=work.region.parent, caller_phone="13900000010")
    Ticket.objects.filter(pk=elsewhere.pk).update(created_at=check.at + dt.timedelta(days=1))

    def proactive(group: str, code: str) -> tuple:  # type: ignore[type-arg]
        row = PeriodScore.objects.get(group=group, unit__code=code, label="2026-11")
        return (row.proactive_tickets, row.proactive_verified_rate, row.proactive_repeat_rate)

    for group in ("street", "district"):
        period_scores_compute(group=group, day=DAY)
    alone = (proactive("street", city.street), proactive("district", city.district))
    assert alone == ((1, 100.0, 100.0), (1, 100.0, 100.0))

    shared: dict[object, object] = {}
    for group in GROUPS:
        period_scores_compute(group=group, day=DAY, shared=shared)
    assert (proactive("street", city.street), proactive("district", city.district)) == alone
    assert [key[0] for key in shared].count("proactive") == 1  # the verifications read once for all
