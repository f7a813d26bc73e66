"""Routed dispatch (suggestion, override), automatic dispatch and its catch-up: services and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from dispatch import services
from dispatch.directory.models import Category, Unit
from orders import clock
from orders.choices import EventKind, TicketState
from orders.exceptions import TicketConflict
from tests.cities import CASES

pytestmark = [pytest.mark.django_db, pytest.mark.cities]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_run_is_on_its_citys_own_data(city) -> None:  # type: ignore[no-untyped-def]
    from dispatch.directory.jurisdiction import jurisdiction

    assert jurisdiction().code == city.code
    assert Unit.objects.get(code=city.street).name == city.street_name
    assert not Unit.objects.filter(code__in=[case.street for case in CASES.values() if case != city]).exists()


def test_route_suggestion_is_shown_without_changing_anything(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    body = api(cast.dispatcher).get(f"/api/v1/tickets/{ticket.pk}/route/").json()
    assert body["lead_unit"]["code"] == city.lead
    assert [u["code"] for u in body["assist_units"]] == list(city.assists)
    assert body["fallback"] is False
    assert city.topic in body["explanation"]
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED


def test_dispatch_by_the_route_records_it(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    ticket = services.ticket_route_dispatch(ticket=ticket, by=cast.dispatcher)
    assert ticket.lead_unit.code == city.lead
    event = ticket.events.get(kind=EventKind.DISPATCH)
    assert event.payload["overridden"] is False
    assert event.payload["route"]["lead_unit"] == city.lead
    assert [u["code"] for u in event.payload["assist_units"]] == list(city.assists)


def test_override_needs_a_reason_and_keeps_it(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    street = Unit.objects.get(code=city.street)
    with pytest.raises(ValidationError) as error:
        services.ticket_route_dispatch(ticket=ticket, by=cast.dispatcher, lead_unit=street)
    assert city.lead_name_part in error.value.message_dict["override_reason"][0]
    ticket = services.ticket_route_dispatch(
        ticket=ticket, by=cast.dispatcher, lead_unit=street, override_reason="小区自管锅炉房"
    )
    event = ticket.events.get(kind=EventKind.DISPATCH)
    assert (event.payload["overridden"], event.payload["override_reason"]) == (True, "小区自管锅炉房")


def test_only_dispatchers_dispatch_and_only_received_tickets(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    with pytest.raises(PermissionDenied):
        services.ticket_route_dispatch(ticket=ticket, by=cast.agent)
    services.ticket_route_dispatch(ticket=ticket, by=cast.dispatcher)
    with pytest.raises(TicketConflict):
        services.ticket_route_dispatch(ticket=ticket, by=cast.dispatcher)


def test_reassign_by_api(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    response = api(cast.dispatcher).post(
        f"/api/v1/tickets/{ticket.pk}/reassign/",
        {"lead_unit": city.lead, "reason": "职能单位负责"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["lead_unit"]["code"] == city.lead
    assert api(cast.handler).post(
        f"/api/v1/tickets/{ticket.pk}/reassign/", {"lead_unit": city.district, "reason": "x"}, format="json"
    ).status_code in (403, 404)


def auto_category() -> Category:
    return Category.objects.get(code="010101")  # 停水: auto-dispatched to the water company


def test_auto_dispatch_task_dispatches_once(cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from dispatch.tasks import auto_dispatch_task
    from hotline.services import intake_ticket_create
    from orders.models import Ticket

    region = cast.create().region  # (this creates the agent, before the capture)
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = intake_ticket_create(
            by=cast.agent,
            channel="phone",
            demand_type="help",
            category=auto_category(),
            region=region,
            content="停水了",
            caller_phone="13800009999",
        )
    # the hints, sent after commit: auto-dispatch, and the outbox's (a message to the caller)
    assert sorted(c.args[0].name for c in callbacks) == ["citizens.messages_send", "dispatch.auto_dispatch"]
    assert auto_dispatch_task(outcome.ticket.pk) is True
    ticket = Ticket.objects.get(pk=outcome.ticket.pk)
    assert (ticket.state, ticket.lead_unit.code) == (TicketState.DISPATCHED, "E-water_supply")
    event = ticket.events.get(kind=EventKind.DISPATCH)
    assert event.actor.username == services.SYSTEM_USERNAME
    assert auto_dispatch_task(outcome.ticket.pk) is False  # idempotent: already dispatched
    assert ticket.events.filter(kind=EventKind.DISPATCH).count() == 1


def test_categories_not_marked_are_left_to_dispatchers(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()  # 供暖 (Beijing), 排水 (Hangzhou): not auto-dispatch
    assert services.ticket_auto_dispatch(ticket_id=ticket.pk) is None
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED


def test_catch_up_dispatches_what_a_lost_message_left(cast) -> None:  # type: ignore[no-untyped-def]
    old = clock.now() - dt.timedelta(minutes=10)
    with clock.frozen_at(old):
        stranded = cast.create(category=auto_category(), demand_type="help")
    fresh = cast.create(category=auto_category(), demand_type="help")
    assert services.tickets_auto_dispatch_pending(older_than=dt.timedelta(minutes=2)) == 1
    stranded.refresh_from_db()
    fresh.refresh_from_db()
    assert (stranded.state, fresh.state) == (TicketState.DISPATCHED, TicketState.RECEIVED)
    assert services.tickets_auto_dispatch_pending(older_than=dt.timedelta(minutes=2)) == 0


def test_catch_up_isolates_a_failing_ticket_and_retries_it(cast, caplog, city) -> None:  # type: ignore[no-untyped-def]
    from dispatch.models import AutoDispatchFailure
    from dispatch.selectors import route_for

    power = Category.objects.get(code="010301")  # 停电: auto-dispatched to the power company
    old = clock.now() - dt.timedelta(minutes=10)
    with clock.frozen_at(old):
        first = cast.create(category=power, demand_type="help")
        failing = cast.create(category=auto_category(), demand_type="help")
        last = cast.create(category=power, demand_type="help")
    # The water company is deactivated while every process still routes to it (the routing cache
    # lives minutes): its dispatch fails with a validation error.
    route_for(category=auto_category(), region=failing.region)
    Unit.objects.filter(code="E-water_supply").update(is_active=False)

    assert services.tickets_auto_dispatch_pending(older_than=dt.timedelta(minutes=2)) == 2
    for ticket in (first, failing, last):
        ticket.refresh_from_db()
    assert (first.state, failing.state, last.state) == (
        TicketState.DISPATCHED,
        TicketState.RECEIVED,
        TicketState.DISPATCHED,
    )
    failure = AutoDispatchFailure.objects.get(ticket=failing)
    assert (failure.reason, failure.attempts) == ("error", 1)
    assert city.water_company_name_part in failure.detail
    assert f"auto-dispatch of ticket {failing.pk} failed" in caplog.text
    assert not failing.events.filter(kind=EventKind.DISPATCH).exists()  # nothing half-written

    # The dispatcher sees it with the reason; a handler does not.
    listed = api(cast.dispatcher).get("/api/v1/dispatch/auto-failures/").json()["results"]
    assert [(row["ticket"]["number"], row["reason"]) for row in listed] == [(failing.number, "error")]
    assert api(cast.handler).get("/api/v1/dispatch/auto-failures/").json()["count"] == 0

    # Not retried before its back-off; retried after it, and gone once dispatched.
    assert services.tickets_auto_dispatch_pending(older_than=dt.timedelta(minutes=2)) == 0
    Unit.objects.filter(code="E-water_supply").update(is_active=True)
    with clock.frozen_at(clock.now() + dt.timedelta(minutes=3)):
        assert services.tickets_auto_dispatch_pending(older_than=dt.timedelta(minutes=2)) == 1
    failing.refresh_from_db()
    assert failing.state == TicketState.DISPATCHED
    assert not AutoDispatchFailure.objects.exists()


def test_a_ticket_the_catalog_cannot_place_is_left_with_why(cast) -> None:  # type: ignore[no-untyped-def]
    from dispatch.models import AutoDispatchFailure

    Unit.objects.filter(code="E-water_supply").update(is_active=False)  # routing sees no water company
    ticket = cast.create(category=auto_category(), demand_type="help")
    assert services.ticket_auto_dispatch(ticket_id=ticket.pk) is None
    failure = AutoDispatchFailure.objects.get(ticket=ticket)
    assert failure.reason in ("no_route", "fallback")
    assert failure.detail
