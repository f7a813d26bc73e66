"""退单: requested, approved (back for dispatch) or denied (the unit keeps it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from orders import services
from orders.choices import AssignmentEnd, AssignmentRole, ReturnDecision, TicketState
from orders.models import ReturnRequest

pytestmark = [pytest.mark.django_db, pytest.mark.cities]


def test_return_requested_then_approved(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    request = ReturnRequest.objects.get(ticket=ticket)
    assert (request.reason, request.decision, request.unit.code) == (
        "function",
        ReturnDecision.PENDING,
        city.street,
    )
    ticket = services.ticket_approve_return(ticket=ticket, by=cast.dispatcher, note="改派主责单位")
    assert ticket.state == TicketState.RECEIVED
    assert ticket.lead_unit is None
    request.refresh_from_db()
    assert request.decision == ReturnDecision.APPROVED
    assert request.decided_by == cast.dispatcher
    lead = ticket.assignments.get(role=AssignmentRole.LEAD)
    assert lead.end_reason == AssignmentEnd.RETURNED
    from orders.selectors import units_with_approved_return

    assert units_with_approved_return(ticket=ticket) == [lead.unit_id]


def test_return_denied_goes_back_to_the_unit(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    with pytest.raises(ValidationError):
        services.ticket_deny_return(ticket=ticket, by=cast.dispatcher, note=" ")
    ticket = services.ticket_deny_return(ticket=ticket, by=cast.dispatcher, note="属地问题，街道牵头")
    assert ticket.state == TicketState.DISPATCHED
    assert ticket.lead_unit.code == city.street
    assert ReturnRequest.objects.get(ticket=ticket).decision == ReturnDecision.DENIED
