"""即时转办: an emergency line's matter is refused as an emergency, naming the line; never dispatched."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dispatch.directory.models import Category, Unit
from orders import services
from orders.choices import EventKind, TicketState

pytestmark = pytest.mark.django_db


def test_an_emergency_is_refused_with_the_line_it_went_to(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create(
        category=Category.objects.get(code="010402"), demand_type="help", content="楼道里有很大的燃气味"
    )
    assert ticket.dispatch_due_at is not None
    ticket = services.ticket_reject(ticket=ticket, by=cast.agent, reason="emergency", transfer_to="119")
    assert (ticket.state, ticket.transferred_to, ticket.dispatch_due_at) == (
        TicketState.REJECTED,
        "119",
        None,
    )
    assert ticket.events.get(kind=EventKind.REJECT).payload == {"reason": "emergency", "transfer_to": "119"}


@pytest.mark.parametrize(("reason", "line"), [("emergency", ""), ("emergency", "999"), ("no_demand", "110")])
def test_the_line_goes_with_an_emergency_and_only_with_one(cast, reason: str, line: str) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    with pytest.raises(ValidationError) as error:
        services.ticket_reject(ticket=ticket, by=cast.agent, reason=reason, transfer_to=line)
    assert "transfer_to" in error.value.message_dict
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED


@pytest.mark.parametrize("code", ["010402", "070401", "070501", "070502", "070503", "070504"])
def test_a_transfer_category_is_never_dispatched(cast, code: str) -> None:  # type: ignore[no-untyped-def]
    category = Category.objects.get(code=code)
    assert category.transfer_to
    assert not category.auto_dispatch
    ticket = cast.create(category=category, demand_type="help")
    with pytest.raises(ValidationError) as error:
        services.ticket_dispatch(
            ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code="S110105026")
        )
    assert "category" in error.value.message_dict
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED
    assert not ticket.assignments.exists()


def test_dispatch_ends_the_dispatch_clock_and_an_approved_return_restarts_it(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    assert ticket.dispatch_due_at is None
    ticket = services.ticket_approve_return(ticket=ticket, by=cast.dispatcher)
    assert ticket.state == TicketState.RECEIVED
    assert ticket.dispatch_due_at is not None
    assert ticket.dispatch_due_at > ticket.created_at
