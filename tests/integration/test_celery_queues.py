"""Queues by kind of work (settings.CELERY_QUEUES_BY_KIND): two real workers on a private Redis broker,
one for the sweep and analytics, one for intake hints and notifications. Each kind of task reaches
only the worker that consumes its queue; a queue nobody consumes keeps its messages until someone does.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from dispatch.directory.models import Category
from hotline.services import intake_ticket_create
from orders.choices import TicketState
from orders.models import DeadlineStepRecord, Ticket
from orders.tasks import deadline_sweep_task

from .conftest import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.usefixtures("committed_db")]


def test_the_routes_name_a_queue_for_every_task() -> None:
    from config.celery import app

    app.loader.import_default_modules()
    ours = sorted(name for name in app.tasks if not name.startswith("celery."))
    queues = {name: app.amqp.router.route({}, name)["queue"].name for name in ours}
    assert queues["orders.deadline_sweep"] == "sweep"
    assert queues["dispatch.auto_dispatch"] == "intake"
    assert queues["evaluation.compute_periods"] == queues["evaluation.scores_refresh"] == "analytics"
    assert queues["citizens.messages_send"] == "notifications"
    # Nothing falls through to the default queue unplanned: every task of ours has its kind.
    assert [name for name, queue in queues.items() if queue == settings.CELERY_TASK_DEFAULT_QUEUE] == []


def ran(worker, task: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the worker received a task of this name (its log line, not the banner's task list)."""
    return f"Task {task}[" in worker.output()


def test_two_workers_on_different_queues(cast, private_broker, use_broker, start_worker) -> None:  # type: ignore[no-untyped-def]
    use_broker(private_broker.url)
    sweeper = start_worker(private_broker.url, queues=["sweep", "analytics"])

    # A ticket dispatched at the suite's fixed time (20 Nov 2026): on the worker's real clock every
    # step is due. And a water outage, whose auto-dispatch hint goes to the intake queue.
    late = cast.ticket_in(TicketState.DISPATCHED)
    outage = intake_ticket_create(
        by=cast.agent,
        channel="phone",
        demand_type="help",
        category=Category.objects.get(code="010101"),
        region=late.region,
        content="小区停水一上午了",
        caller_phone="13800002222",
    ).ticket
    deadline_sweep_task.delay()

    wait_for(
        lambda: (
            DeadlineStepRecord.objects.filter(ticket=late).count() == 8
            and ran(sweeper, "orders.deadline_sweep")
        ),
        60,
        "the sweep worker did not sweep:\n" + sweeper.output(),
    )
    time.sleep(2)  # time enough for a wrongly routed hint to be taken
    assert Ticket.objects.get(pk=outage.pk).state == TicketState.RECEIVED  # nobody consumes "intake" yet
    assert not ran(sweeper, "dispatch.auto_dispatch")
    assert not ran(sweeper, "citizens.messages_send")

    intake = start_worker(private_broker.url, queues=["intake", "notifications"])
    wait_for(
        lambda: Ticket.objects.get(pk=outage.pk).state == TicketState.DISPATCHED,
        60,
        "the intake worker did not dispatch:\n" + intake.output(),
    )
    wait_for(lambda: ran(intake, "citizens.messages_send"), 30, "no notification ran")
    assert ran(intake, "dispatch.auto_dispatch")
    assert not ran(intake, "orders.deadline_sweep")
    assert not ran(sweeper, "dispatch.auto_dispatch")
