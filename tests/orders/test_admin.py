"""Tickets in the admin: scoped, read-only, with transition buttons that go through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from orders.choices import TicketState

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:  # type: ignore[no-untyped-def]
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_ticket_page_shows_events_and_the_users_transitions(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    page = staff_client(cast.handler).get(f"/admin/orders/ticket/{ticket.pk}/change/").content.decode()
    assert ticket.number in page
    assert f"/admin/orders/ticket/{ticket.pk}/transition/accept/" in page
    assert "/transition/dispatch/" not in page  # not available to a handler, nor in this state
    assert "dispatch" in page
    assert "create" in page


def test_a_button_runs_the_service_and_records_the_event(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RECEIVED)
    client = staff_client(cast.dispatcher)
    form = client.get(f"/admin/orders/ticket/{ticket.pk}/transition/dispatch/")
    assert form.status_code == 200
    response = client.post(
        f"/admin/orders/ticket/{ticket.pk}/transition/dispatch/",
        {"lead_unit": "S110105026", "assist_units": ["E-heating"], "note": "管理后台派单"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED
    event = ticket.events.get(kind="dispatch")
    assert (event.actor, event.note) == (cast.dispatcher, "管理后台派单")


def test_a_refused_transition_changes_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RECEIVED)
    client = staff_client(cast.handler)
    response = client.post(
        f"/admin/orders/ticket/{ticket.pk}/transition/dispatch/", {"lead_unit": "S110105026"}
    )
    assert response.status_code in (302, 404)  # not in the handler's scope, or refused
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED


def test_admin_list_is_scoped(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    outsider = make_user("handler", "S110105004")
    assert ticket.number not in staff_client(outsider).get("/admin/orders/ticket/").content.decode()
    assert staff_client(outsider).get(f"/admin/orders/ticket/{ticket.pk}/change/").status_code == 302
    assert ticket.number in staff_client(cast.handler).get("/admin/orders/ticket/").content.decode()


def test_caller_masked_for_handlers_in_full_for_agents(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED, caller_phone="13911112222", caller_name="赵六")
    handler_page = (
        staff_client(cast.handler).get(f"/admin/orders/ticket/{ticket.pk}/change/").content.decode()
    )
    assert "139****2222" in handler_page
    assert "13911112222" not in handler_page
    agent_page = staff_client(cast.agent).get(f"/admin/orders/ticket/{ticket.pk}/change/").content.decode()
    assert "13911112222" in agent_page


def test_a_closed_tickets_page_is_a_readable_read_only_record(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.CLOSED)
    page = staff_client(cast.dispatcher).get(f"/admin/orders/ticket/{ticket.pk}/change/").content.decode()
    # Nothing to edit: no due-time inputs, no save button.
    for name in ("callback_due_at", "callback_next_at", "callback_next_step", "assessment_exempt"):
        assert f'name="{name}' not in page, name
    assert 'name="_save"' not in page
    # Events read as sentences: the lead unit by name, states by label, no raw JSON.
    assert "朝阳区望京街道办事处" in page
    assert "已受理 → 已派单" in page
    assert '{"lead_unit"' not in page
    assert "&quot;lead_unit&quot;" not in page
