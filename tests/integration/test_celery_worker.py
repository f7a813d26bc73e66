"""A real Celery worker process, with a real Redis broker, runs the sweep and auto-dispatch; with the
broker down, intake goes on and nothing is lost — the catch-up finds the work when it returns."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from dispatch.directory.models import Category, Region
from dispatch.tasks import auto_dispatch_catch_up_task
from hotline.services import intake_ticket_create
from orders.choices import TicketState
from orders.models import DeadlineStepRecord, Ticket
from orders.tasks import deadline_sweep_task

from .conftest import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.usefixtures("committed_db")]


def water_outage(cast, phone: str = "13800001111"):  # type: ignore[no-untyped-def]
    """停水 is an auto-dispatch category: the hint goes to the broker after commit."""
    return intake_ticket_create(
        by=cast.agent,
        channel="phone",
        demand_type="help",
        category=Category.objects.get(code="010101"),
        region=Region.objects.get(code="110105026"),
        content="小区停水一上午了",
        caller_phone=phone,
    ).ticket


def test_worker_auto_dispatches_after_commit(cast, start_worker) -> None:  # type: ignore[no-untyped-def]
    worker = start_worker(settings.CELERY_BROKER_URL)
    ticket = water_outage(cast)
    wait_for(
        lambda: Ticket.objects.get(pk=ticket.pk).state == TicketState.DISPATCHED,
        30,
        "not dispatched by the worker:\n" + worker.output(),
    )
    ticket.refresh_from_db()
    assert ticket.lead_unit.code == "E-water_supply"
    assert "dispatch.auto_dispatch" in worker.output()


def test_worker_sweeps_once_however_often_it_is_asked(cast, start_worker) -> None:  # type: ignore[no-untyped-def]
    # Tickets are dispatched at the suite's fixed time (20 Nov 2026); the worker runs on the real
    # clock, days later: every step of both clocks is due, and each must be taken exactly once.
    tickets = [cast.ticket_in(TicketState.DISPATCHED) for _ in range(3)]
    worker = start_worker(settings.CELERY_BROKER_URL)
    for _ in range(3):
        deadline_sweep_task.delay()
    wait_for(
        lambda: DeadlineStepRecord.objects.filter(ticket__in=tickets).count() >= 24,
        60,
        "the sweep did not run:\n" + worker.output(),
    )
    wait_for(lambda: worker.output().count("orders.deadline_sweep") >= 6, 30, "not every sweep message ran")
    assert DeadlineStepRecord.objects.filter(ticket__in=tickets).count() == 24
    for ticket in tickets:
        assert ticket.events.filter(kind="deadline").count() == 8


def test_broker_down_intake_goes_on_and_the_catch_up_finds_the_work(  # type: ignore[no-untyped-def]
    cast, private_broker, use_broker, start_worker
) -> None:
    use_broker(private_broker.url)
    private_broker.stop()
    agent = APIClient()
    agent.force_authenticate(cast.agent)
    numbers = []
    for n in range(3):
        response = agent.post(
            "/api/v1/tickets/",
            {
                "channel": "phone",
                "demand_type": "help",
                "category": "010101",
                "region": "110105026",
                "content": "停水了",
                "caller_phone": f"1380000222{n}",
            },
            format="json",
        )
        assert response.status_code == 201  # the broker is down; intake is not
        numbers.append(response.json()["number"])
    stranded = Ticket.objects.filter(number__in=numbers)
    assert set(stranded.values_list("state", flat=True)) == {TicketState.RECEIVED}

    private_broker.start()  # the broker returns (empty: the hints were lost)
    worker = start_worker(private_broker.url)
    auto_dispatch_catch_up_task.delay()  # what beat sends every minute
    wait_for(
        lambda: set(stranded.values_list("state", flat=True)) == {TicketState.DISPATCHED},
        60,
        "the catch-up did not dispatch the stranded tickets:\n" + worker.output(),
    )


def test_an_approved_appeal_is_recomputed_by_the_worker(cast, start_worker) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from evaluation.choices import Satisfaction
    from evaluation.models import PeriodScore
    from evaluation.services import appeal_decide, appeal_file, period_scores_compute
    from tests.evaluation.helpers import closed_with

    closed_with(cast, contacted=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    poor = closed_with(cast, contacted=False, resolved=False, satisfaction=Satisfaction.UNSATISFIED)
    period_scores_compute(group="street", day=dt.date(2026, 11, 20))
    score = PeriodScore.objects.get(unit__code="S110105026", group="street")
    assert score.composite == pytest.approx(50.0)  # 0.1·50 + 0.45·50 + 0.45·50
    worker = start_worker(settings.CELERY_BROKER_URL)
    appeal = appeal_file(ticket=poor, by=cast.handler, reason="uncooperative", evidence="拒绝入户，有录音。")
    appeal_decide(appeal=appeal, by=cast.make_user("assessor"), approve=True, note="属实")
    wait_for(
        lambda: (
            PeriodScore.objects.get(unit__code="S110105026", group="street").composite == pytest.approx(100.0)
        ),
        60,
        "the period was not recomputed:\n" + worker.output(),
    )
    assert PeriodScore.objects.get(unit__code="S110105026", group="street").exempt == 1
    assert PeriodScore.objects.filter(unit__code="G110105", group="district").exists()
