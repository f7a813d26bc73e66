"""The full transition table of DESIGN §3, without a database: every allowed and disallowed pair."""

from __future__ import annotations

import pytest
from django_fsm import can_proceed

from orders.choices import TicketState as S
from orders.models import Ticket

# transition method → (source states, target state)
TABLE = {
    "dispatch": ({S.RECEIVED}, S.DISPATCHED),
    "answer_directly": ({S.RECEIVED}, S.ANSWERED),
    "reject": ({S.RECEIVED}, S.REJECTED),
    "merge": ({S.RECEIVED, S.DISPATCHED, S.ACCEPTED}, S.MERGED),
    "reassign": ({S.DISPATCHED, S.ACCEPTED}, S.DISPATCHED),
    "accept": ({S.DISPATCHED}, S.ACCEPTED),
    "request_return": ({S.DISPATCHED, S.ACCEPTED}, S.RETURN_REQUESTED),
    "approve_return": ({S.RETURN_REQUESTED}, S.RECEIVED),
    "deny_return": ({S.RETURN_REQUESTED}, S.DISPATCHED),
    "whistle": ({S.ACCEPTED}, S.ESCALATED),
    "end_whistle": ({S.ESCALATED}, S.ACCEPTED),
    "reply": ({S.ACCEPTED, S.ESCALATED}, S.HANDLED),
    "close": ({S.HANDLED}, S.CLOSED),
    "reopen": ({S.HANDLED}, S.ACCEPTED),
}
ARGUMENTS = {
    "dispatch": {"lead_unit_id": 2},
    "answer_directly": {"answer": "答复"},
    "reject": {"reason": "abusive"},
    "merge": {"parent_id": 9},
    "reassign": {"lead_unit_id": 3},
    "reply": {"result": "已办理"},
}


def ticket_in(state: str) -> Ticket:
    # Constructing in a state is allowed; only transitions change it afterwards.
    return Ticket(state=state, category_id=1, region_id=1, lead_unit_id=1)


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("transition", list(TABLE))
def test_transition_allowed_exactly_from_its_sources(state: str, transition: str) -> None:
    sources, target = TABLE[transition]
    ticket = ticket_in(state)
    method = getattr(ticket, transition)
    assert can_proceed(method) is (state in sources)
    if state in sources:
        method(at=None, **ARGUMENTS.get(transition, {}))
        assert ticket.state == target


def test_terminal_states_have_no_way_out() -> None:
    for state in (S.ANSWERED, S.REJECTED, S.MERGED, S.CLOSED):
        ticket = ticket_in(state)
        assert list(ticket.get_available_state_transitions()) == []


def test_state_is_protected() -> None:
    ticket = ticket_in(S.RECEIVED)
    with pytest.raises(AttributeError):
        ticket.state = S.CLOSED


def test_conditions_gate_transitions() -> None:
    unclassified = Ticket(state=S.RECEIVED, category_id=None, region_id=1)
    assert not can_proceed(unclassified.dispatch)
    unassigned = Ticket(state=S.DISPATCHED, lead_unit_id=None)
    assert not can_proceed(unassigned.accept)
    child = Ticket(state=S.RECEIVED, parent_id=5)
    assert not can_proceed(child.merge)
    worn_out = Ticket(state=S.HANDLED, rework_count=3)
    assert not can_proceed(worn_out.reopen)
    assert can_proceed(Ticket(state=S.HANDLED, rework_count=2).reopen)


def test_transitions_change_only_the_ticket_fields() -> None:
    ticket = ticket_in(S.HANDLED)
    ticket.reopen(at="T")
    assert (ticket.rework_count, ticket.reopened_at, ticket.handled_at) == (1, "T", None)
    ticket = ticket_in(S.RETURN_REQUESTED)
    ticket.approve_return(at="T")
    assert ticket.lead_unit_id is None
    assert ticket.state == S.RECEIVED
