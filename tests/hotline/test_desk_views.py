"""Desk pages without a browser: scoping, refusals, whistle reports, the callback page's rules."""

from __future__ import annotations

import pytest
from django.test import Client

from dispatch.directory.models import Unit
from dispatch.services import whistle_raise
from orders.choices import TicketState

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_inbox_is_the_units_own(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    mine = cast.ticket_in(TicketState.DISPATCHED)
    page = signed_in(cast.handler).get("/desk/inbox/")
    assert [row["ticket"].number for row in page.context["rows"]] == [mine.number]
    other = signed_in(make_user("handler", "S110105001")).get("/desk/inbox/")
    assert other.context["rows"] == []
    assert signed_in(make_user("handler", "S110105001")).get(f"/desk/tickets/{mine.pk}/").status_code == 404
    assert signed_in(cast.agent).get("/desk/inbox/").status_code == 403  # no unit to work for


def test_an_action_refused_by_the_service_changes_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    client = signed_in(cast.handler)
    response = client.post(f"/desk/tickets/{ticket.pk}/act/reply/", {"result": "已处理"})
    assert response.status_code == 302  # back to the ticket, with the refusal as a message
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED
    assert client.get(f"/desk/tickets/{ticket.pk}/act/nonsense/").status_code == 404


def test_a_summoned_department_reports_from_its_inbox(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    housing = Unit.objects.get(code="D110105-housing")
    whistle = whistle_raise(
        ticket=ticket, by=cast.handler, grade="routine", reason="需住建部门到场", departments=[housing]
    )
    department = make_user("handler", "D110105-housing")
    client = signed_in(department)
    summons = client.get("/desk/inbox/").context["summons"]
    assert [s.unit_id for s in summons] == [housing.pk]
    response = client.post(
        f"/desk/summons/{summons[0].pk}/report/",
        {"note": "已到场核查", "arrived_on_site": "on", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/desk/inbox/"  # never redirected off the site
    reported = whistle.summons.get()
    assert (reported.report_note, reported.arrived_on_site) == ("已到场核查", True)
    stranger = signed_in(make_user("handler", "D110105-education"))
    assert stranger.post(f"/desk/summons/{reported.pk}/report/", {"note": "x"}).status_code == 404


def test_callback_pages_are_for_callback_staff(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    assert signed_in(cast.handler).get("/callbacks/").status_code == 403
    client = signed_in(cast.callback)
    assert [t.number for t in client.get("/callbacks/").context["tickets"]] == [ticket.number]
    response = client.post(f"/callbacks/{ticket.pk}/", {"reached": "1", "action": "close"})
    assert response.status_code == 200  # the answers are missing: the form says so
    assert set(response.context["form"].errors) >= {"contacted", "resolution", "satisfaction"}
    ticket.refresh_from_db()
    assert ticket.state == TicketState.HANDLED
    response = client.post(f"/callbacks/{ticket.pk}/", {"reached": "0", "action": "close", "notes": "关机"})
    assert response.status_code == 302
    assert ticket.callbacks.get().attempts == 1


def test_supervision_needs_oversight(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(cast.handler).get("/desk/supervision/").status_code == 403
    assert signed_in(cast.agent).get("/desk/supervision/").status_code == 403
    assert signed_in(make_user("supervisor", "G110105")).get("/desk/supervision/").status_code == 200
