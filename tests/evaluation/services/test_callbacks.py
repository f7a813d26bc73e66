"""回访: attempts, unreachable closing, answers, reopening for rework, anonymous callers, merged children."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation.choices import CallbackOutcome, EvaluationEventKind, Satisfaction
from evaluation.models import Callback, CallbackAttempt
from evaluation.services import callback_record
from orders import services
from orders.choices import EventKind, TicketState
from orders.exceptions import TicketConflict
from tests.evaluation.helpers import closed_with, final_callback

pytestmark = [pytest.mark.django_db, pytest.mark.cities]


def test_unreachable_caller_closes_after_the_configured_attempts(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CALLBACK_MAX_ATTEMPTS = 3
    ticket = cast.ticket_in(TicketState.HANDLED)
    for attempt in (1, 2):
        callback = callback_record(ticket=ticket, by=cast.callback, reached=False, notes="无人接听")
        ticket.refresh_from_db()
        assert ticket.state == TicketState.HANDLED
        assert (callback.attempts, callback.is_final, callback.outcome) == (attempt, False, "")
    callback = callback_record(ticket=ticket, by=cast.callback, reached=False, notes="关机")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    assert (callback.outcome, callback.valid, callback.is_final, callback.attempts) == (
        CallbackOutcome.UNREACHABLE,
        False,
        True,
        3,
    )
    assert CallbackAttempt.objects.filter(callback=callback, reached=False).count() == 3
    assert ticket.events.filter(kind=EvaluationEventKind.CALLBACK_ATTEMPT).count() == 3
    assert ticket.events.get(kind=EventKind.CLOSE).payload["callback"] == "unreachable"


def test_the_limit_is_a_setting(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CALLBACK_MAX_ATTEMPTS = 1
    ticket = cast.ticket_in(TicketState.HANDLED)
    callback_record(ticket=ticket, by=cast.callback, reached=False)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED


def test_reached_caller_answers_and_the_ticket_closes(cast, city) -> None:  # type: ignore[no-untyped-def]
    ticket = closed_with(cast, contacted=True, resolved=True, satisfaction=Satisfaction.BASIC)
    callback = final_callback(ticket)
    assert (callback.valid, callback.contacted, callback.resolved, callback.satisfaction) == (
        True,
        True,
        True,
        "basic",
    )
    assert callback.unit.code == city.street
    assert callback.district_unit.code == city.district
    assert callback.group == "street"
    close = ticket.events.get(kind=EventKind.CLOSE)
    assert close.payload["callback"] == {
        "contacted": True,
        "resolved": True,
        "resolution": "resolved",
        "satisfaction": "basic",
    }


def test_missing_answers_are_400_and_nothing_is_written(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    with pytest.raises(ValidationError) as error:
        callback_record(ticket=ticket, by=cast.callback, reached=True, contacted=True)
    assert set(error.value.message_dict) == {"resolution", "satisfaction"}
    ticket.refresh_from_db()
    assert ticket.state == TicketState.HANDLED
    assert not Callback.objects.filter(ticket=ticket).exists()


def test_a_resolved_and_satisfied_matter_is_not_sent_back(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    with pytest.raises(ValidationError) as error:
        callback_record(
            ticket=ticket,
            by=cast.callback,
            reached=True,
            contacted=True,
            resolved=True,
            satisfaction=Satisfaction.SATISFIED,
            action="reopen",
            reopen_reason="再看看",
        )
    assert "action" in error.value.message_dict


def test_rework_then_a_second_round_is_the_one_assessed(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    first = callback_record(
        ticket=ticket,
        by=cast.callback,
        reached=True,
        contacted=True,
        resolved=False,
        satisfaction=Satisfaction.UNSATISFIED,
        action="reopen",
        reopen_reason="问题仍未解决",
    )
    ticket.refresh_from_db()
    assert (ticket.state, ticket.rework_count) == (TicketState.ACCEPTED, 1)
    assert (first.round, first.outcome, first.is_final, first.valid) == (
        0,
        CallbackOutcome.REOPENED,
        False,
        True,
    )
    services.ticket_reply(ticket=ticket, by=cast.handler, result="更换阀门后室温21度")
    second = callback_record(
        ticket=ticket,
        by=cast.callback,
        reached=True,
        contacted=True,
        resolved=True,
        satisfaction=Satisfaction.SATISFIED,
    )
    assert (second.round, second.is_final) == (1, True)
    assert Callback.objects.filter(ticket=ticket, is_final=True).get() == second


def test_only_callback_staff_record_callbacks(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    with pytest.raises(PermissionDenied):
        callback_record(
            ticket=ticket,
            by=cast.handler,
            reached=True,
            contacted=True,
            resolved=True,
            satisfaction="satisfied",
        )


def test_a_closed_ticket_cannot_be_called_back_again(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = closed_with(cast, contacted=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    with pytest.raises(TicketConflict):
        callback_record(
            ticket=ticket,
            by=cast.callback,
            reached=True,
            contacted=True,
            resolved=True,
            satisfaction="satisfied",
        )


def test_anonymous_callers_are_called_back_by_the_platform_only(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    district_callback = make_user("callback", city.district)  # a district's own callback desk
    anonymous = cast.ticket_in(TicketState.HANDLED, is_anonymous=True)
    answers = {"reached": True, "contacted": True, "resolved": True, "satisfaction": "satisfied"}
    with pytest.raises(PermissionDenied):
        callback_record(ticket=anonymous, by=district_callback, **answers)
    named = cast.ticket_in(TicketState.HANDLED)
    callback_record(ticket=named, by=district_callback, **answers)
    callback_record(ticket=anonymous, by=cast.callback, **answers)  # the hotline centre
    anonymous.refresh_from_db()
    assert anonymous.state == TicketState.CLOSED


def test_merged_children_share_the_parents_outcome(cast) -> None:  # type: ignore[no-untyped-def]
    parent = cast.create()
    children = [cast.create() for _ in range(2)]
    for child in children:
        services.ticket_merge(ticket=child, by=cast.dispatcher, parent=parent)
    services.ticket_dispatch(ticket=parent, by=cast.dispatcher, lead_unit=cast.handler.memberships.get().unit)
    services.ticket_accept(ticket=parent, by=cast.handler)
    services.ticket_reply(ticket=parent, by=cast.handler, result="已修复")
    own = callback_record(
        ticket=parent, by=cast.callback, reached=True, contacted=True, resolved=True, satisfaction="basic"
    )
    for child in children:
        shared = final_callback(child)
        assert (shared.outcome, shared.inherited_from, shared.satisfaction, shared.resolved) == (
            CallbackOutcome.INHERITED,
            own,
            "basic",
            True,
        )
