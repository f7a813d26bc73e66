"""Marks that are not lifecycle steps: each checks its permission and is recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from orders import services
from orders.choices import EventKind, TicketState

pytestmark = pytest.mark.django_db


def test_exemption_is_decided_by_an_assessor_and_recorded(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.CLOSED)
    with pytest.raises(PermissionDenied):
        services.ticket_assessment_exempt_set(ticket=ticket, by=cast.handler, exempt=True, note="x")
    assessor = make_user("assessor")
    services.ticket_assessment_exempt_set(
        ticket=ticket, by=assessor, exempt=True, note="诉求人拒绝配合，有录音"
    )
    ticket.refresh_from_db()
    assert ticket.assessment_exempt is True
    event = ticket.events.get(kind=EventKind.ASSESSMENT_EXEMPT)
    assert (event.actor, event.note, event.payload) == (assessor, "诉求人拒绝配合，有录音", {"exempt": True})
    # Setting what is already set changes and records nothing.
    services.ticket_assessment_exempt_set(ticket=ticket, by=assessor, exempt=True, note="again")
    assert ticket.events.filter(kind=EventKind.ASSESSMENT_EXEMPT).count() == 1


def test_only_whoever_logs_tickets_marks_them_sensitive(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    hit = [{"kind": "threat", "text": "扬言", "start": 0, "end": 2}]
    with pytest.raises(PermissionDenied):
        services.ticket_sensitive_mark(
            ticket=ticket, by=cast.handler, urgency="emergency", hits=hit, alert_unit_id=None
        )
    ticket.refresh_from_db()
    assert ticket.urgency != "emergency"
    services.ticket_sensitive_mark(
        ticket=ticket, by=cast.agent, urgency="emergency", hits=hit, alert_unit_id=None
    )
    ticket.refresh_from_db()
    assert ticket.urgency == "emergency"
    assert ticket.events.get(kind=EventKind.SENSITIVE).payload["urgency"] == ["utility", "emergency"]
