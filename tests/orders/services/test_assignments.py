"""派单 and 改派: who holds the ticket, and who may move it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dispatch.directory.models import Unit
from orders import services
from orders.choices import AssignmentEnd, AssignmentRole, EventKind, TicketState
from orders.models import Assignment

pytestmark = [pytest.mark.django_db, pytest.mark.cities]


def test_dispatch_creates_lead_and_assist_assignments(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    lead, assist = Unit.objects.get(code=city.street), Unit.objects.get(code=city.lead)
    ticket = services.ticket_dispatch(
        ticket=ticket, by=cast.dispatcher, lead_unit=lead, assist_units=[assist]
    )
    assert ticket.state == TicketState.DISPATCHED
    assert ticket.lead_unit == lead
    roles = dict(ticket.assignments.values_list("unit__code", "role"))
    assert roles == {city.street: AssignmentRole.LEAD, city.lead: AssignmentRole.ASSIST}
    event = ticket.events.get(kind=EventKind.DISPATCH)
    assert event.payload["lead_unit"]["code"] == city.street
    assert [u["code"] for u in event.payload["assist_units"]] == [city.lead]


def test_dispatch_refuses_the_hotline_centre_as_lead(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    with pytest.raises(ValidationError):
        services.ticket_dispatch(
            ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code="HOTLINE")
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED
    assert not ticket.assignments.exists()


def test_reassign_ends_old_assignments(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    responsible = Unit.objects.get(code=city.lead)
    ticket = services.ticket_reassign(
        ticket=ticket, by=cast.dispatcher, lead_unit=responsible, reason="职能单位负责"
    )
    assert (ticket.state, ticket.lead_unit, ticket.accepted_at) == (TicketState.DISPATCHED, responsible, None)
    old = ticket.assignments.get(unit__code=city.street)
    assert old.end_reason == AssignmentEnd.REASSIGNED
    assert Assignment.objects.filter(ticket=ticket, ended_at__isnull=True).get().unit == responsible


def test_district_supervisor_may_reassign_within_the_district(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    own_district = make_user("supervisor", city.district)
    other_district = make_user("supervisor", city.other_district)
    target = Unit.objects.get(code=city.neighbour)
    with pytest.raises(PermissionDenied):
        services.ticket_reassign(ticket=ticket, by=other_district, lead_unit=target, reason="属地调整")
    ticket = services.ticket_reassign(ticket=ticket, by=own_district, lead_unit=target, reason="属地调整")
    assert ticket.lead_unit == target
