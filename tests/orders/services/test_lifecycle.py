"""The ticket's own steps: sign-for, merge, reply, close, reopen, escalation — and that every
step writes exactly one event while a refused one writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orders import services
from orders.choices import AssignmentRole, EventKind, TicketState
from orders.exceptions import TicketConflict
from orders.models import TicketEvent

pytestmark = [pytest.mark.django_db, pytest.mark.cities]


def test_accept_by_the_lead_units_handler_only(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    other_street = make_user("handler", city.neighbour)
    with pytest.raises(PermissionDenied):
        services.ticket_accept(ticket=ticket, by=other_street)
    with pytest.raises(PermissionDenied):
        services.ticket_accept(ticket=ticket, by=cast.dispatcher)  # role may never sign
    ticket = services.ticket_accept(ticket=ticket, by=cast.handler)
    assert ticket.state == TicketState.ACCEPTED
    assert ticket.assignments.get(role=AssignmentRole.LEAD).signed_at == ticket.accepted_at


def test_wrong_state_is_a_conflict_and_changes_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    events = ticket.events.count()
    with pytest.raises(TicketConflict):
        services.ticket_accept(ticket=ticket, by=cast.handler)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.HANDLED
    assert ticket.events.count() == events


def test_merge_into_an_open_parent(cast) -> None:  # type: ignore[no-untyped-def]
    parent = cast.ticket_in(TicketState.ACCEPTED)
    child = cast.ticket_in(TicketState.DISPATCHED)
    child = services.ticket_merge(ticket=child, by=cast.dispatcher, parent=parent)
    assert (child.state, child.parent) == (TicketState.MERGED, parent)
    assert not child.assignments.filter(ended_at__isnull=True).exists()
    assert parent.events.filter(kind=EventKind.NOTE, payload__merged_child=child.number).exists()
    closed = cast.ticket_in(TicketState.CLOSED)
    with pytest.raises(ValidationError):
        services.ticket_merge(ticket=cast.create(), by=cast.dispatcher, parent=closed)
    lonely = cast.create()
    with pytest.raises(ValidationError):
        services.ticket_merge(ticket=lonely, by=cast.dispatcher, parent=lonely)


def test_reply_close_and_reopen(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    assert ticket.result.startswith("已上门排气")
    ticket = services.ticket_reopen(ticket=ticket, by=cast.callback, reason="市民反映仍不热")
    assert (ticket.state, ticket.rework_count, ticket.handled_at) == (TicketState.ACCEPTED, 1, None)
    assert ticket.events.get(kind=EventKind.REOPEN).payload["rework_count"] == 1
    ticket = services.ticket_reply(ticket=ticket, by=cast.handler, result="更换阀门后室温21度")
    ticket = services.ticket_close(ticket=ticket, by=cast.callback, note="市民满意")
    assert ticket.state == TicketState.CLOSED
    assert not ticket.assignments.filter(ended_at__isnull=True).exists()


def test_rework_is_limited(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TICKET_MAX_REWORK = 1
    ticket = cast.ticket_in(TicketState.HANDLED)
    ticket = services.ticket_reopen(ticket=ticket, by=cast.callback, reason="仍未解决")
    ticket = services.ticket_reply(ticket=ticket, by=cast.handler, result="再次处理")
    with pytest.raises(TicketConflict) as error:
        services.ticket_reopen(ticket=ticket, by=cast.callback, reason="还是没解决")
    assert error.value.code == "conditions_unmet"


def test_whistle_only_for_a_street_office(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import Cast

    department_cast = Cast(make_user=make_user, lead_code=city.department("housing"))
    ticket = department_cast.ticket_in(TicketState.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.ticket_escalate(ticket=ticket, by=department_cast.handler)
    street_ticket = cast.ticket_in(TicketState.ACCEPTED)
    escalated = services.ticket_escalate(ticket=street_ticket, by=cast.handler)
    assert escalated.state == TicketState.ESCALATED
    back = services.ticket_deescalate(ticket=escalated, by=cast.handler)
    assert back.state == TicketState.ACCEPTED


def test_every_transition_writes_exactly_one_event(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.CLOSED)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATE, EventKind.DISPATCH, EventKind.ACCEPT, EventKind.REPLY, EventKind.CLOSE]
    states = list(ticket.events.values_list("from_state", "to_state"))
    assert all(states[i][1] == states[i + 1][0] for i in range(len(states) - 1))


def test_events_are_append_only(cast) -> None:  # type: ignore[no-untyped-def]
    from django.db import DatabaseError, transaction

    event = cast.create().events.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():  # the database refuses raw SQL too
        TicketEvent.objects.filter(pk=event.pk).update(note="edited")
