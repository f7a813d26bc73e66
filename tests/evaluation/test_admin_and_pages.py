"""The admin's 办结/重办 forms record a callback; the assessment pages are scoped and export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from evaluation.choices import Satisfaction
from evaluation.models import Callback
from evaluation.services import period_scores_compute
from orders.choices import TicketState
from tests.orders.test_admin import staff_client

from .helpers import closed_with

pytestmark = pytest.mark.django_db


def test_admin_close_records_the_callback(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    client = staff_client(cast.callback)
    url = f"/admin/orders/ticket/{ticket.pk}/transition/close/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"reached": "1", "contacted": "1", "resolution": "unresolved", "satisfaction": ""}
    )
    assert response.status_code == 200  # the form again, with the service's message
    ticket.refresh_from_db()
    assert ticket.state == TicketState.HANDLED
    response = client.post(
        url,
        {
            "reached": "1",
            "contacted": "1",
            "resolution": "resolved",
            "satisfaction": "basic",
            "notes": "基本满意",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    assert Callback.objects.get(ticket=ticket).satisfaction == "basic"


def test_admin_reopen_needs_an_unhappy_caller(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    client = staff_client(cast.callback)
    url = f"/admin/orders/ticket/{ticket.pk}/transition/reopen/"
    response = client.post(
        url, {"contacted": "1", "resolution": "unresolved", "satisfaction": "unsatisfied", "reason": "仍不热"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.rework_count) == (TicketState.ACCEPTED, 1)


@pytest.fixture
def scored(cast):  # type: ignore[no-untyped-def]
    closed_with(cast, contacted=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    period_scores_compute(group="street", day=dt.date(2026, 11, 20))


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_ranking_page_is_scoped(cast, make_user, scored) -> None:  # type: ignore[no-untyped-def]
    own = signed_in(cast.handler).get("/assessment/?group=street")
    assert own.status_code == 200
    assert list(own.context["scores"].values_list("unit__code", flat=True)) == ["S110105026"]
    stranger = signed_in(make_user("handler", "S110105001")).get("/assessment/?group=street")
    assert list(stranger.context["scores"]) == []
    assert (
        signed_in(make_user("handler", "S110105001")).get("/assessment/units/S110105026/").status_code == 404
    )
    assert Client().get("/assessment/").status_code == 302  # sign in first


def test_bad_parameters_fall_back_rather_than_fail(cast, scored) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(make_assessor(cast))
    response = client.get("/assessment/?group=nonsense&period=1999-99&sort=password&district=x")
    assert response.status_code == 200
    assert (response.context["group"], response.context["period"], response.context["sort"]) == (
        "street",
        "2026-11",
        "rank",
    )
    assert client.get("/assessment/units/S110105026/?period=garbage&page=-3").status_code == 200
    assert client.get("/assessment/map/?period=nope").status_code == 200


def test_exports(cast, scored) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(make_assessor(cast))
    csv = client.get("/assessment/?group=street&export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig").splitlines()
    assert len(text) == 2
    assert "S110105026" in text[1]
    xlsx = client.get("/assessment/?group=street&export=xlsx")
    assert xlsx.content[:2] == b"PK"
    assert 'filename="assessment-street-2026-11.xlsx"' in xlsx["Content-Disposition"]


def make_assessor(cast):  # type: ignore[no-untyped-def]
    return cast.make_user("assessor")
