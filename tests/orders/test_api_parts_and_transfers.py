"""The API of this round: a refusal that names the emergency line, an assisting unit's part, a return
approved straight to another unit, and the inbox showing an assisting unit's deadline."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from dispatch.directory.models import Unit
from orders import services
from orders.choices import AssignmentRole, EventKind, TicketState

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_reject_names_the_line_or_says_why_not(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    client = as_user(cast.agent)
    missing = client.post(f"/api/v1/tickets/{ticket.pk}/reject/", {"reason": "emergency"}, format="json")
    assert missing.status_code == 400
    assert "transfer_to" in missing.json()
    wrong = client.post(
        f"/api/v1/tickets/{ticket.pk}/reject/", {"reason": "emergency", "transfer_to": "911"}, format="json"
    )
    assert wrong.status_code == 400
    done = client.post(
        f"/api/v1/tickets/{ticket.pk}/reject/", {"reason": "emergency", "transfer_to": "120"}, format="json"
    )
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["transferred_to"]) == ("rejected", "120")


def with_assist(cast):  # type: ignore[no-untyped-def]
    return services.ticket_dispatch(
        ticket=cast.create(),
        by=cast.dispatcher,
        lead_unit=Unit.objects.get(code="S110105026"),
        assist_units=[Unit.objects.get(code="E-heating")],
    )


def test_an_assisting_unit_files_its_part_through_the_api(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = with_assist(cast)
    heating = as_user(make_user("handler", "E-heating"))
    assert (
        heating.post(f"/api/v1/tickets/{ticket.pk}/file-part/", {"note": ""}, format="json").status_code
        == 400
    )
    done = heating.post(f"/api/v1/tickets/{ticket.pk}/file-part/", {"note": "已检查管网阀门"}, format="json")
    assert done.status_code == 200
    assist = next(a for a in done.json()["assignments"] if a["role"] == AssignmentRole.ASSIST)
    assert assist["replied_at"] is not None
    again = heating.post(f"/api/v1/tickets/{ticket.pk}/file-part/", {"note": "再次"}, format="json")
    assert again.status_code == 409
    lead = as_user(cast.handler)
    assert (
        lead.post(f"/api/v1/tickets/{ticket.pk}/file-part/", {"note": "x"}, format="json").status_code == 403
    )
    events = lead.get(f"/api/v1/tickets/{ticket.pk}/events/").json()
    assert [e["note"] for e in events if e["kind"] == EventKind.ASSIST_FEEDBACK] == ["已检查管网阀门"]


def test_the_inbox_shows_an_assisting_units_deadline_and_the_part_form(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = with_assist(cast)
    client = Client()
    client.force_login(make_user("handler", "E-heating"))
    page = client.get("/desk/inbox/")
    row = next(r for r in page.context["rows"] if r["ticket"].pk == ticket.pk)
    assert row["due"] == ticket.assignments.get(role=AssignmentRole.ASSIST).handle_due_at
    assert "data-part" in page.content.decode()
    ticket_page = client.get(f"/desk/tickets/{ticket.pk}/")
    assert ticket_page.context["part"] is not None
    client.post(f"/desk/tickets/{ticket.pk}/part/", {"note": "已派人检查"})
    assert ticket.assignments.get(role=AssignmentRole.ASSIST).replied_at is not None
    lead_page = Client()
    lead_page.force_login(cast.handler)
    html = lead_page.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "已派人检查" in html


def test_approve_return_to_a_chosen_unit_through_the_api(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    client = as_user(cast.dispatcher)
    back = client.post(
        f"/api/v1/tickets/{ticket.pk}/approve-return/", {"lead_unit": "S110105026"}, format="json"
    )
    assert back.status_code == 400
    assert "lead_unit" in back.json()
    done = client.post(
        f"/api/v1/tickets/{ticket.pk}/approve-return/",
        {"lead_unit": "E-heating", "override_reason": "供热企业负责"},
        format="json",
    )
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["lead_unit"]["code"]) == ("dispatched", "E-heating")


def test_the_dispatch_deadline_is_on_the_ticket(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    body = as_user(cast.dispatcher).get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert body["dispatch_due_at"] is not None
