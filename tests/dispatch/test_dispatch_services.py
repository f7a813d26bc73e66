"""Routed dispatch, returns with re-dispatch, auto-dispatch, whistles, statistics: services and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from dispatch import services
from dispatch.choices import DispatchEventKind, WhistleStatus
from dispatch.directory.models import Category, Unit
from dispatch.models import Whistle, WhistleSummons
from dispatch.selectors import dispatch_statistics
from orders import clock
from orders.choices import EventKind, TicketState
from orders.exceptions import TicketConflict

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# ------------------------------------------------------------------------------ routed dispatch


def test_route_suggestion_is_shown_without_changing_anything(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    body = api(cast.dispatcher).get(f"/api/v1/tickets/{ticket.pk}/route/").json()
    assert body["lead_unit"]["code"] == "E-heating"
    assert [u["code"] for u in body["assist_units"]] == ["S110105026"]
    assert body["fallback"] is False
    assert "供暖" in body["explanation"]
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED


def test_dispatch_by_the_route_records_it(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    ticket = services.ticket_route_dispatch(ticket=ticket, by=cast.dispatcher)
    assert ticket.lead_unit.code == "E-heating"
    event = ticket.events.get(kind=EventKind.DISPATCH)
    assert event.payload["overridden"] is False
    assert event.payload["route"]["lead_unit"] == "E-heating"
    assert event.payload["assist_units"][0]["code"] == "S110105026"


def test_override_needs_a_reason_and_keeps_it(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    street = Unit.objects.get(code="S110105026")
    with pytest.raises(ValidationError) as error:
        services.ticket_route_dispatch(ticket=ticket, by=cast.dispatcher, lead_unit=street)
    assert "热力集团" in error.value.message_dict["override_reason"][0]
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


def test_approved_return_redispatches_elsewhere(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    services.ticket_route_dispatch(ticket=ticket, by=cast.dispatcher)  # → 热力集团
    heating = make_user("handler", "E-heating")
    from orders.services import ticket_request_return

    ticket_request_return(
        ticket=ticket, by=heating, reason="ownership_unclear", note="小区自管供热，非集团用户"
    )
    response = api(cast.dispatcher).post(
        f"/api/v1/tickets/{ticket.pk}/approve-return/", {"note": "同意", "redispatch": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "dispatched"
    assert body["lead_unit"]["code"] == "G110105"  # the enterprise is excluded: the district takes it
    assert "已退回" in ticket.events.filter(kind=EventKind.DISPATCH).last().payload["route"]["explanation"]
    returned = [a for a in body["assignments"] if a["end_reason"] == "returned"]
    assert [a["unit"]["code"] for a in returned] == ["E-heating"]


def test_reassign_by_api(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    response = api(cast.dispatcher).post(
        f"/api/v1/tickets/{ticket.pk}/reassign/",
        {"lead_unit": "E-heating", "reason": "供热企业负责"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["lead_unit"]["code"] == "E-heating"
    assert api(cast.handler).post(
        f"/api/v1/tickets/{ticket.pk}/reassign/", {"lead_unit": "G110105", "reason": "x"}, format="json"
    ).status_code in (403, 404)


# ------------------------------------------------------------------------------ auto-dispatch


def auto_category() -> Category:
    return Category.objects.get(code="010101")  # 停水: auto-dispatched to 自来水集团


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
    assert len(callbacks) == 1  # the hint, sent after commit
    assert auto_dispatch_task(outcome.ticket.pk) is True
    ticket = Ticket.objects.get(pk=outcome.ticket.pk)
    assert (ticket.state, ticket.lead_unit.code) == (TicketState.DISPATCHED, "E-water_supply")
    event = ticket.events.get(kind=EventKind.DISPATCH)
    assert event.actor.username == services.SYSTEM_USERNAME
    assert auto_dispatch_task(outcome.ticket.pk) is False  # idempotent: already dispatched
    assert ticket.events.filter(kind=EventKind.DISPATCH).count() == 1


def test_categories_not_marked_are_left_to_dispatchers(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()  # 供暖: not auto-dispatch
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


def test_catch_up_isolates_a_failing_ticket_and_retries_it(cast, caplog) -> None:  # type: ignore[no-untyped-def]
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
    assert "自来水" in failure.detail
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


# ----------------------------------------------------------------------------------- whistles


def whistled(cast, *departments: str) -> Any:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    response = api(cast.handler).post(
        f"/api/v1/tickets/{ticket.pk}/whistle/",
        {
            "grade": "critical",
            "reason": "楼体外墙空鼓，需住建、城管执法到场",
            "departments": list(departments),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    return ticket, response.json()


def test_street_blows_the_whistle_and_departments_are_summoned(cast) -> None:  # type: ignore[no-untyped-def]
    ticket, body = whistled(cast, "D110105-housing", "D110105-urban_enforcement")
    assert body["state"] == "escalated"
    whistle = body["whistles"][0]
    assert (whistle["grade"], whistle["status"]) == ("critical", "open")
    assert {s["unit"]["code"] for s in whistle["summons"]} == {"D110105-housing", "D110105-urban_enforcement"}
    summons = WhistleSummons.objects.filter(whistle__ticket=ticket).first()
    assert summons.report_by == Whistle.objects.get(ticket=ticket).raised_at + dt.timedelta(hours=4)


def test_whistle_input_is_checked(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    client = api(cast.handler)
    to_a_street = client.post(
        f"/api/v1/tickets/{ticket.pk}/whistle/",
        {"grade": "routine", "reason": "x", "departments": ["S110105004"]},
        format="json",
    )
    assert to_a_street.status_code == 400
    assert "departments" in to_a_street.json()
    empty = client.post(
        f"/api/v1/tickets/{ticket.pk}/whistle/",
        {"grade": "routine", "reason": "x", "departments": []},
        format="json",
    )
    assert empty.status_code == 400
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ACCEPTED


def test_a_department_leading_cannot_whistle(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import Cast

    department = Cast(make_user=make_user, lead_code="D110105-housing")
    ticket = department.ticket_in(TicketState.ACCEPTED)
    response = api(department.handler).post(
        f"/api/v1/tickets/{ticket.pk}/whistle/",
        {"grade": "routine", "reason": "x", "departments": ["D110105-market"]},
        format="json",
    )
    assert response.status_code == 403


def test_summoned_department_sees_reports_and_is_rated(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = whistled(cast, "D110105-housing")
    housing = make_user("handler", "D110105-housing")
    bystander = make_user("handler", "D110105-market")
    dept = api(housing)
    assert dept.get(f"/api/v1/tickets/{ticket.pk}/").json()["available_transitions"] == []  # read-only
    assert api(bystander).get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404
    listed = dept.get("/api/v1/whistle-summons/?pending=true").json()["results"]
    assert [s["ticket"]["number"] for s in listed] == [ticket.number]
    summons_id = listed[0]["id"]
    early = api(cast.handler).post(
        f"/api/v1/whistle-summons/{summons_id}/rate/", {"rating": 5}, format="json"
    )
    assert early.status_code == 409  # nothing to rate yet
    assert (
        api(bystander)
        .post(f"/api/v1/whistle-summons/{summons_id}/report/", {"note": "x"}, format="json")
        .status_code
        == 404
    )
    report = dept.post(
        f"/api/v1/whistle-summons/{summons_id}/report/",
        {"note": "已到场检测外墙，安排排险", "arrived_on_site": True},
        format="json",
    )
    assert report.status_code == 200, report.json()
    assert report.json()["reported_on_time"] is True
    assert (
        dept.post(
            f"/api/v1/whistle-summons/{summons_id}/report/", {"note": "again"}, format="json"
        ).status_code
        == 409
    )
    assert (
        dept.post(f"/api/v1/whistle-summons/{summons_id}/rate/", {"rating": 5}, format="json").status_code
        == 403
    )  # departments do not rate themselves
    rated = api(cast.handler).post(
        f"/api/v1/whistle-summons/{summons_id}/rate/", {"rating": 4, "comment": "响应及时"}, format="json"
    )
    assert rated.json()["rating"] == 4
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[-3:] == [
        EventKind.WHISTLE,
        DispatchEventKind.WHISTLE_REPORT,
        DispatchEventKind.WHISTLE_RATING,
    ]


def test_end_whistle_and_reply_close_the_whistle(cast) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = whistled(cast, "D110105-housing")
    response = api(cast.handler).post(
        f"/api/v1/tickets/{ticket.pk}/end-whistle/", {"note": "部门已处置"}, format="json"
    )
    assert response.json()["state"] == "accepted"
    whistle = Whistle.objects.get(ticket=ticket)
    assert (whistle.status, whistle.close_reason) == (WhistleStatus.CLOSED, "ended")
    second, _ = whistled(cast, "D110105-market")
    api(cast.handler).post(f"/api/v1/tickets/{second.pk}/reply/", {"result": "已处理完毕"}, format="json")
    assert Whistle.objects.get(ticket=second).close_reason == "replied"


def test_late_report_counts_as_late(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = whistled(cast, "D110105-housing")
    summons = WhistleSummons.objects.get(whistle__ticket=ticket)
    with clock.frozen_at(summons.report_by + dt.timedelta(hours=1)):
        services.whistle_report(summons=summons, by=make_user("handler", "D110105-housing"), note="迟到")
    summons.refresh_from_db()
    assert summons.reported_on_time is False
    event = ticket.events.get(kind=DispatchEventKind.WHISTLE_REPORT)
    assert event.payload["on_time"] is False


# --------------------------------------------------------------------------------- statistics


def test_dispatch_statistics(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    from orders.services import ticket_approve_return, ticket_reassign, ticket_request_return

    start = clock.now() - dt.timedelta(hours=1)
    returned = cast.ticket_in(TicketState.DISPATCHED)
    ticket_request_return(ticket=returned, by=cast.handler, reason="function", note="非本单位")
    ticket_approve_return(ticket=returned, by=cast.dispatcher)
    denied = cast.ticket_in(TicketState.RETURN_REQUESTED)
    from orders.services import ticket_deny_return

    ticket_deny_return(ticket=denied, by=cast.dispatcher, note="属地问题")
    moved = cast.ticket_in(TicketState.DISPATCHED)
    ticket_reassign(
        ticket=moved, by=cast.dispatcher, lead_unit=Unit.objects.get(code="E-heating"), reason="职能"
    )
    ticket, _ = whistled(cast, "D110105-housing", "D110105-market")
    housing = WhistleSummons.objects.get(whistle__ticket=ticket, unit__code="D110105-housing")
    services.whistle_report(summons=housing, by=make_user("handler", "D110105-housing"), note="到场")
    services.whistle_rate(summons=housing, by=cast.handler, rating=3)

    stats = dispatch_statistics(start=start, end=clock.now() + dt.timedelta(days=1))
    wangjing = stats[Unit.objects.get(code="S110105026").pk]
    assert (wangjing.returns_requested, wangjing.returns_approved, wangjing.reassigned_away) == (2, 1, 1)
    assert wangjing.whistles_raised == 1
    dept = stats[Unit.objects.get(code="D110105-housing").pk]
    assert (dept.summons_received, dept.summons_on_time, dept.average_rating) == (1, 1, 3.0)
    assert dept.summons_timeliness == 1.0
    market = stats[Unit.objects.get(code="D110105-market").pk]
    assert (market.summons_received, market.summons_on_time, market.summons_missed) == (1, 0, 0)
