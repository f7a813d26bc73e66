"""The dispatcher's desk without a browser: who may open it, what it lists, and each decision's
refusals (a stale suggestion, an override without a reason, a conflict, a denied return without a
note) changing nothing."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from dispatch.directory.models import Category, Region, Unit
from orders import services
from orders.choices import EventKind, TicketState
from orders.models import Ticket

pytestmark = pytest.mark.django_db

STREET_VENDING = "040101"  # 占道经营: 望京街道 leads, 区城管执法局 assists


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def waiting(cast, **overrides):  # type: ignore[no-untyped-def]
    fields = {"category": Category.objects.get(code=STREET_VENDING), "content": "小区门口有人摆摊占道经营。"}
    return cast.create(**{**fields, **overrides})


def said(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_only_dispatchers_open_the_desk(cast) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(cast.handler).get("/desk/dispatch/").status_code == 403
    assert signed_in(cast.agent).get("/desk/dispatch/").status_code == 403
    assert signed_in(cast.dispatcher).get("/desk/dispatch/").status_code == 200


def test_the_queue_lists_waiting_tickets_with_the_suggestion(cast) -> None:  # type: ignore[no-untyped-def]
    first, second = waiting(cast), waiting(cast)
    dispatched = cast.ticket_in(TicketState.DISPATCHED)
    page = signed_in(cast.dispatcher).get("/desk/dispatch/")
    numbers = [row["ticket"].number for row in page.context["rows"]]
    assert numbers == [first.number, second.number]  # oldest first; the dispatched one is gone
    assert dispatched.number not in numbers
    row = page.context["rows"][0]
    assert row["decision"].lead.code == "S110105026"
    assert "D110105-urban_enforcement" in [u.code for u in row["decision"].assists]
    html = page.content.decode()
    assert "望京街道" in html
    assert "data-accept" in html
    assert page.context["counts"]["total"] == 2


def test_taking_the_suggestion_dispatches_lead_and_assists(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = waiting(cast)
    response = signed_in(cast.dispatcher).post(
        f"/desk/dispatch/{ticket.pk}/take/", {"take": "suggestion", "expected_lead": "S110105026"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.lead_unit.code) == (TicketState.DISPATCHED, "S110105026")
    assert set(ticket.assignments.values_list("unit__code", flat=True)) == {
        "S110105026",
        "D110105-urban_enforcement",
    }
    assert ticket.events.get(kind=EventKind.DISPATCH).payload["overridden"] is False


def test_a_changed_suggestion_is_not_taken_blindly(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = waiting(cast)
    response = signed_in(cast.dispatcher).post(
        f"/desk/dispatch/{ticket.pk}/take/", {"take": "suggestion", "expected_lead": "S110105001"}
    )
    assert any("建议已变化" in m or "suggestion has changed" in m for m in said(response))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED


def test_an_override_needs_a_reason_and_is_recorded(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = waiting(cast)
    client = signed_in(cast.dispatcher)
    prefix = f"t{ticket.pk}"
    response = client.post(
        f"/desk/dispatch/{ticket.pk}/take/",
        {"take": "override", f"{prefix}-lead_unit": "D110105-urban_enforcement"},
    )
    assert said(response)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED
    client.post(
        f"/desk/dispatch/{ticket.pk}/take/",
        {
            "take": "override",
            f"{prefix}-lead_unit": "D110105-urban_enforcement",
            f"{prefix}-assist_units": ["S110105026"],
            f"{prefix}-override_reason": "涉及无照经营食品，需执法局牵头",
        },
    )
    ticket.refresh_from_db()
    assert ticket.lead_unit.code == "D110105-urban_enforcement"
    payload = ticket.events.get(kind=EventKind.DISPATCH).payload
    assert payload["overridden"] is True
    assert payload["override_reason"] == "涉及无照经营食品，需执法局牵头"
    assert payload["route"]["lead_unit"] == "S110105026"


def test_a_ticket_dispatched_meanwhile_is_a_conflict_not_an_error(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = waiting(cast)
    services.ticket_dispatch(ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code="S110105026"))
    response = signed_in(cast.dispatcher).post(
        f"/desk/dispatch/{ticket.pk}/take/",
        {
            "take": "override",
            f"t{ticket.pk}-lead_unit": "S110105001",
            f"t{ticket.pk}-override_reason": "x",
        },
    )
    assert response.status_code == 302
    assert said(response)
    assert Ticket.objects.get(pk=ticket.pk).lead_unit.code == "S110105026"


def test_an_emergency_category_is_transferred_from_the_desk(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create(
        category=Category.objects.get(code="010402"), demand_type="help", content="楼道燃气味很大"
    )
    client = signed_in(cast.dispatcher)
    page = client.get("/desk/dispatch/")
    row = next(r for r in page.context["rows"] if r["ticket"].pk == ticket.pk)
    assert row["decision"] is None  # no dispatch suggestion for a transfer
    assert "data-transfer" in page.content.decode()
    client.post(f"/desk/dispatch/{ticket.pk}/transfer/", {"note": "已转119"})
    ticket.refresh_from_db()
    assert (ticket.state, ticket.reject_reason, ticket.transferred_to) == (
        TicketState.REJECTED,
        "emergency",
        "119",
    )


def test_a_return_request_shows_what_the_unit_said(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    services.ticket_request_return(
        ticket=ticket,
        by=cast.handler,
        reason="function",
        note="室内温度问题属于供热企业",
        suggested_unit=Unit.objects.get(code="E-heating"),
    )
    page = signed_in(cast.dispatcher).get("/desk/dispatch/")
    item = page.context["returns"][0]
    assert item["request"].note == "室内温度问题属于供热企业"
    assert item["form"].initial["lead_unit"] == "E-heating"  # the unit's suggestion, prefilled
    html = page.content.decode()
    assert "室内温度问题属于供热企业" in html
    assert "北京市热力集团有限责任公司" in html


def test_approving_a_return_dispatches_to_the_chosen_unit(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    client = signed_in(cast.dispatcher)
    prefix = f"r{ticket.pk}"
    # back to the unit that returned it: refused, nothing changes
    client.post(
        f"/desk/dispatch/{ticket.pk}/return/",
        {f"{prefix}-decision": "redispatch", f"{prefix}-lead_unit": "S110105026"},
    )
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.RETURN_REQUESTED
    client.post(
        f"/desk/dispatch/{ticket.pk}/return/",
        {
            f"{prefix}-decision": "redispatch",
            f"{prefix}-lead_unit": "E-heating",
            f"{prefix}-override_reason": "供热企业负责室温",
        },
    )
    ticket.refresh_from_db()
    assert (ticket.state, ticket.lead_unit.code) == (TicketState.DISPATCHED, "E-heating")
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.APPROVE_RETURN, EventKind.DISPATCH]


def test_denying_a_return_needs_a_note(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    client = signed_in(cast.dispatcher)
    prefix = f"r{ticket.pk}"
    client.post(f"/desk/dispatch/{ticket.pk}/return/", {f"{prefix}-decision": "deny"})
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.RETURN_REQUESTED
    client.post(
        f"/desk/dispatch/{ticket.pk}/return/",
        {f"{prefix}-decision": "deny", f"{prefix}-note": "属地问题，请街道牵头"},
    )
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.DISPATCHED


def test_the_queue_filters_by_district(cast) -> None:  # type: ignore[no-untyped-def]
    chaoyang = waiting(cast)
    haidian = waiting(cast, region=Region.objects.get(code="110108011"), address="海淀区中关村大街1号")
    client = signed_in(cast.dispatcher)
    only_haidian = client.get("/desk/dispatch/?district=110108")
    assert [r["ticket"].pk for r in only_haidian.context["rows"]] == [haidian.pk]
    assert chaoyang.pk in [r["ticket"].pk for r in client.get("/desk/dispatch/").context["rows"]]


def test_the_ticket_page_approval_shows_what_the_unit_said_and_dispatches(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    services.ticket_request_return(
        ticket=ticket,
        by=cast.handler,
        reason="function",
        note="室温问题属于供热企业",
        suggested_unit=Unit.objects.get(code="E-heating"),
    )
    client = signed_in(cast.dispatcher)
    page = client.get(f"/desk/tickets/{ticket.pk}/act/approve_return/")
    html = page.content.decode()
    assert "室温问题属于供热企业" in html
    assert page.context["form"].fields["lead_unit"].initial == "E-heating"
    client.post(f"/desk/tickets/{ticket.pk}/act/approve_return/", {"lead_unit": "E-heating", "note": "同意"})
    ticket.refresh_from_db()
    assert (ticket.state, ticket.lead_unit.code) == (TicketState.DISPATCHED, "E-heating")
