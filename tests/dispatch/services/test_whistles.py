"""Whistles (街乡吹哨、部门报到): raising, summoned departments, reports, ratings, ending."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from dispatch import services
from dispatch.choices import DispatchEventKind, WhistleStatus
from dispatch.models import Whistle, WhistleSummons
from orders import clock
from orders.choices import EventKind, TicketState

pytestmark = [pytest.mark.django_db, pytest.mark.cities]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


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


def test_street_blows_the_whistle_and_departments_are_summoned(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket, body = whistled(cast, city.department("housing"), city.department("urban_enforcement"))
    assert body["state"] == "escalated"
    whistle = body["whistles"][0]
    assert (whistle["grade"], whistle["status"]) == ("critical", "open")
    assert {s["unit"]["code"] for s in whistle["summons"]} == {
        city.department("housing"),
        city.department("urban_enforcement"),
    }
    summons = WhistleSummons.objects.filter(whistle__ticket=ticket).first()
    assert summons.report_by == Whistle.objects.get(ticket=ticket).raised_at + dt.timedelta(hours=4)


def test_whistle_input_is_checked(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    client = api(cast.handler)
    to_a_street = client.post(
        f"/api/v1/tickets/{ticket.pk}/whistle/",
        {"grade": "routine", "reason": "x", "departments": [city.neighbour]},
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


def test_a_department_leading_cannot_whistle(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import Cast

    department = Cast(make_user=make_user, lead_code=city.department("housing"))
    ticket = department.ticket_in(TicketState.ACCEPTED)
    response = api(department.handler).post(
        f"/api/v1/tickets/{ticket.pk}/whistle/",
        {"grade": "routine", "reason": "x", "departments": [city.department("market")]},
        format="json",
    )
    assert response.status_code == 403


def test_summoned_department_sees_reports_and_is_rated(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = whistled(cast, city.department("housing"))
    housing = make_user("handler", city.department("housing"))
    bystander = make_user("handler", city.department("market"))
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


def test_end_whistle_and_reply_close_the_whistle(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = whistled(cast, city.department("housing"))
    response = api(cast.handler).post(
        f"/api/v1/tickets/{ticket.pk}/end-whistle/", {"note": "部门已处置"}, format="json"
    )
    assert response.json()["state"] == "accepted"
    whistle = Whistle.objects.get(ticket=ticket)
    assert (whistle.status, whistle.close_reason) == (WhistleStatus.CLOSED, "ended")
    second, _ = whistled(cast, city.department("market"))
    api(cast.handler).post(f"/api/v1/tickets/{second.pk}/reply/", {"result": "已处理完毕"}, format="json")
    assert Whistle.objects.get(ticket=second).close_reason == "replied"


def test_late_report_counts_as_late(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = whistled(cast, city.department("housing"))
    summons = WhistleSummons.objects.get(whistle__ticket=ticket)
    with clock.frozen_at(summons.report_by + dt.timedelta(hours=1)):
        services.whistle_report(
            summons=summons, by=make_user("handler", city.department("housing")), note="迟到"
        )
    summons.refresh_from_db()
    assert summons.reported_on_time is False
    event = ticket.events.get(kind=DispatchEventKind.WHISTLE_REPORT)
    assert event.payload["on_time"] is False


def test_summoned_departments_hold_the_ticket_until_the_whistle_ends(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    from orders.models import Assignment

    ticket, _ = whistled(cast, city.department("housing"), city.department("urban_enforcement"))
    summoned = Assignment.objects.filter(ticket=ticket, role="summoned", ended_at__isnull=True)
    assert sorted(summoned.values_list("unit__code", flat=True)) == [
        city.department("housing"),
        city.department("urban_enforcement"),
    ]
    summons = WhistleSummons.objects.get(whistle__ticket=ticket, unit__code=city.department("housing"))
    row = summoned.get(unit__code=city.department("housing"))
    assert (row.handle_due_at, row.handle_next_step) == (summons.report_by, "warn")
    housing = make_user("handler", city.department("housing"))
    services.whistle_report(summons=summons, by=housing, note="已到场检测")
    row.refresh_from_db()
    assert row.replied_at is not None
    assert (row.handle_next_step, row.handle_next_at) == ("", None)  # its report clock stopped

    services.whistle_end(ticket=ticket, by=cast.handler, note="部门已处置")
    assert not summoned.exists()
    ended = Assignment.objects.get(ticket=ticket, unit__code=city.department("housing"), role="summoned")
    assert ended.end_reason == "whistle_ended"
    # Still in the department's scope (its history), read-only.
    assert api(housing).get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200


def test_a_report_deadline_is_swept_like_any_other(cast, city) -> None:  # type: ignore[no-untyped-def]
    from orders.models import Notice
    from orders.sweep import deadline_sweep

    ticket, _ = whistled(cast, city.department("housing"))
    summons = WhistleSummons.objects.get(whistle__ticket=ticket)
    taken = deadline_sweep(now=summons.report_by + dt.timedelta(minutes=1))
    assert taken["report:overdue"] == 1
    notice = Notice.objects.get(ticket=ticket, unit__code=city.department("housing"))
    assert notice.kind == "deadline_overdue"


def test_a_reply_recorded_past_dispatch_leaves_the_whistle_to_the_settlement(cast, city) -> None:  # type: ignore[no-untyped-def]
    from orders import services as ticket_services

    ticket, _ = whistled(cast, city.department("housing"))
    ticket_services.ticket_reply(ticket=ticket, by=cast.handler, result="已处理")  # orders' step alone
    assert Whistle.objects.get(ticket=ticket).status == WhistleStatus.OPEN
    assert services.whistles_settle() == 1
    whistle = Whistle.objects.get(ticket=ticket)
    assert (whistle.status, whistle.close_reason) == (WhistleStatus.CLOSED, "replied")
    assert services.whistles_settle() == 0
