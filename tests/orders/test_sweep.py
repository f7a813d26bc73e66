"""The deadline sweep: each step at the right time, exactly once, for the right unit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections

from dispatch.directory.models import Unit
from orders import clock, services
from orders.choices import DeadlineStep, EventKind, TicketState
from orders.models import DeadlineStepRecord, Notice
from orders.sweep import deadline_sweep
from tests.cities import DISPATCHED_AT, ZONE

MINUTE = dt.timedelta(minutes=1)
pytestmark = pytest.mark.cities


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE)


def dispatched_at_ten(cast):  # type: ignore[no-untyped-def]
    """A utility ticket dispatched 20 Nov 2026 10:00: its sign and handling deadlines are the city's
    (Beijing: sign due 12:00, warned 11:36, handled due the next day; Hangzhou: 24 hours and 7 days)."""
    with clock.frozen_at(DISPATCHED_AT):
        return cast.ticket_in(TicketState.DISPATCHED)


def steps(ticket) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted(DeadlineStepRecord.objects.filter(ticket=ticket).values_list("clock", "step"))


def a_day_later(city) -> dt.datetime:  # type: ignore[no-untyped-def]
    """When the sign clock is supervised and handling is warned, overdue and urged, but not yet
    supervised (Beijing: 21 Nov 14:01)."""
    moment = max(city.sign.supervise, city.handle.urge) + MINUTE
    assert moment < city.handle.supervise
    return moment


@pytest.mark.django_db
def test_the_deadlines_are_the_citys(cast, city) -> None:  # type: ignore[no-untyped-def]
    lead = dispatched_at_ten(cast).assignments.get()
    assert (lead.sign_due_at, lead.handle_due_at) == (city.sign.due, city.handle.due)


@pytest.mark.django_db
def test_steps_come_in_order_at_their_times(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = dispatched_at_ten(cast)
    sign = city.sign
    assert city.handle.warn > sign.urge  # handling is not warned before the sign clock is urged
    assert not deadline_sweep(now=sign.warn - 5 * MINUTE)
    assert deadline_sweep(now=sign.warn + MINUTE) == {"sign:warn": 1}
    assert deadline_sweep(now=sign.overdue + MINUTE) == {"sign:overdue": 1}
    assert deadline_sweep(now=sign.urge + MINUTE) == {"sign:urge": 1}
    # later: the sign clock is escalated; handling is warned, overdue, urged
    assert deadline_sweep(now=a_day_later(city)) == {
        "sign:supervise": 1,
        "handle:warn": 1,
        "handle:overdue": 1,
        "handle:urge": 1,
    }
    assert steps(ticket) == [
        ("handle", "overdue"),
        ("handle", "urge"),
        ("handle", "warn"),
        ("sign", "overdue"),
        ("sign", "supervise"),
        ("sign", "urge"),
        ("sign", "warn"),
    ]
    lead = ticket.assignments.get()
    assert (lead.sign_next_step, lead.sign_next_at) == ("", None)  # the ladder is climbed


@pytest.mark.django_db
def test_running_twice_takes_each_step_once(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = dispatched_at_ten(cast)
    later = city.handle.supervise + MINUTE
    first = deadline_sweep(now=later)
    second = deadline_sweep(now=later)
    assert sum(first.values()) == 8  # both clocks, all four steps, caught up in one run
    assert not second
    assert DeadlineStepRecord.objects.filter(ticket=ticket).count() == 8
    assert ticket.events.filter(kind=EventKind.DEADLINE).count() == 8


@pytest.mark.django_db
def test_notices_go_to_the_unit_and_supervision_to_its_supervisor(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = dispatched_at_ten(cast)
    deadline_sweep(now=a_day_later(city))
    street, district = Unit.objects.get(code=city.street), Unit.objects.get(code=city.district)
    # Caught up in one run (sign: warn … supervise; handling: warn … urge): every step is in the
    # audit trail, but the unit hears only the latest step of each deadline.
    assert ticket.events.filter(kind=EventKind.DEADLINE).count() == 7
    kinds = sorted(Notice.objects.filter(ticket=ticket, unit=street).values_list("kind", flat=True))
    assert kinds == ["deadline_supervise", "deadline_urge"]
    supervisor = Notice.objects.get(ticket=ticket, unit=district)
    assert supervisor.kind == "deadline_supervise"
    assert city.street_name in supervisor.title
    assert ticket.number in supervisor.title


@pytest.mark.django_db
def test_steps_taken_one_run_at_a_time_are_each_notified(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = dispatched_at_ten(cast)
    for moment in (city.sign.warn, city.sign.overdue, city.sign.urge):
        deadline_sweep(now=moment + MINUTE)
    kinds = list(Notice.objects.filter(ticket=ticket).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["deadline_warn", "deadline_overdue", "deadline_urge"]


@pytest.mark.django_db
def test_signing_stops_the_sign_clock(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = dispatched_at_ten(cast)
    with clock.frozen_at(local(2026, 11, 20, 11)):
        services.ticket_accept(ticket=ticket, by=cast.handler)
    assert deadline_sweep(now=city.sign.urge + MINUTE) == {}
    # an hour past the warning of the handling deadline counted from dispatch (or from signing)
    assert deadline_sweep(now=city.handle.warn + 60 * MINUTE) == {"handle:warn": 1}


@pytest.mark.django_db
def test_a_paused_clock_is_not_swept_and_an_extension_moves_the_steps(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = dispatched_at_ten(cast)
    with clock.frozen_at(local(2026, 11, 20, 10, 30)):
        services.ticket_request_return(ticket=ticket, by=cast.handler, reason="function", note="不属本单位")
    assert deadline_sweep(now=city.handle.due + dt.timedelta(days=1)) == {}
    other = dispatched_at_ten(cast)
    extended = city.handle.due + dt.timedelta(days=3)
    with clock.frozen_at(local(2026, 11, 20, 10, 45)):
        services.ticket_accept(ticket=other, by=cast.handler)
        services.ticket_extension_request(
            ticket=other, by=cast.handler, reason="等材料", proposed_due_at=extended
        )
        services.ticket_extension_decide(ticket=other, by=cast.dispatcher, approve=True)
    assert deadline_sweep(now=city.handle.due + 60 * MINUTE) == {}  # the old deadline no longer bites
    assert deadline_sweep(now=extended + MINUTE) == {"handle:warn": 1, "handle:overdue": 1}


@pytest.mark.django_db
def test_callback_and_whistle_report_clocks(cast, city) -> None:  # type: ignore[no-untyped-def]
    from dispatch.services import whistle_raise

    with clock.frozen_at(local(2026, 11, 20, 10)):
        handled = cast.ticket_in(TicketState.HANDLED)
        escalated = cast.ticket_in(TicketState.ACCEPTED)
        whistle_raise(
            ticket=escalated,
            by=cast.handler,
            grade="critical",
            reason="需住建到场",
            departments=[Unit.objects.get(code=city.department("housing"))],
        )
    taken = deadline_sweep(now=local(2026, 11, 20, 14, 30))
    assert taken["report:overdue"] == 1  # critical whistle: 4 hours
    assert not taken.get("callback:overdue")
    taken = deadline_sweep(now=local(2026, 11, 21, 10, 30))
    assert taken["callback:overdue"] == 1
    hotline = Unit.objects.get(code="HOTLINE")
    assert Notice.objects.filter(ticket=handled, unit=hotline, kind="deadline_overdue").exists()
    housing = Unit.objects.get(code=city.department("housing"))
    assert Notice.objects.filter(ticket=escalated, unit=housing, kind="deadline_overdue").exists()


@pytest.mark.django_db
def test_closed_work_leaves_the_sweep(cast) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen_at(local(2026, 11, 20, 10)):
        cast.ticket_in(TicketState.CLOSED)
        cast.ticket_in(TicketState.ANSWERED)
        cast.ticket_in(TicketState.MERGED)
    assert deadline_sweep(now=local(2026, 12, 20)) == {}


@pytest.mark.django_db
def test_overdue_filter_matches_the_stored_deadlines(cast, city) -> None:  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    late = dispatched_at_ten(cast)
    with clock.frozen_at(local(2026, 11, 20, 11)):
        fresh = cast.ticket_in(TicketState.DISPATCHED)
    client = APIClient()
    client.force_authenticate(cast.dispatcher)
    import time_machine

    with time_machine.travel(city.sign.due + 30 * MINUTE, tick=False):
        ids = {t["id"] for t in client.get("/api/v1/tickets/?overdue=true").json()["results"]}
    assert late.pk in ids
    assert fresh.pk not in ids


def test_two_sweeps_at_once_take_each_step_once(committed_db, cast, city) -> None:  # type: ignore[no-untyped-def]
    tickets = [dispatched_at_ten(cast) for _ in range(30)]
    later = city.handle.supervise + MINUTE
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []

    def sweep() -> None:
        barrier.wait()
        try:
            results.append(dict(deadline_sweep(now=later)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    total = sum(sum(r.values()) for r in results)
    assert total == 30 * 8
    assert DeadlineStepRecord.objects.filter(ticket__in=tickets).count() == 30 * 8
    # One notice per deadline, for its latest step (督办: the unit and its supervisor), never doubled.
    assert Notice.objects.filter(ticket__in=tickets).count() == 30 * 2 * 2
    assert Notice.objects.filter(step__step=DeadlineStep.SUPERVISE).count() == 30 * 2 * 2
