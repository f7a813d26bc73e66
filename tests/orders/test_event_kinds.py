"""Event kinds come from a registry each app fills when it starts: no orders migration per kind."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dispatch.choices import DispatchEventKind
from evaluation.choices import EvaluationEventKind
from orders import services
from orders.choices import EventKind
from orders.event_kinds import event_kind_choices, event_kind_label
from orders.models import TicketEvent

pytestmark = pytest.mark.django_db


def test_every_apps_kinds_are_registered_with_their_labels() -> None:
    registered = dict(event_kind_choices())
    for kinds in (EventKind, DispatchEventKind, EvaluationEventKind):
        for value, label in kinds.choices:
            assert registered[value] == str(label)
    assert event_kind_label(DispatchEventKind.WHISTLE_REPORT) == "部门报到"


def test_an_unregistered_kind_is_refused_and_nothing_is_written(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    before = ticket.events.count()
    with pytest.raises(ValidationError):
        services.ticket_event_add(ticket=ticket, by=cast.agent, kind="made_up", note="x")
    with pytest.raises(ValidationError):
        TicketEvent(ticket=ticket, kind="made_up", from_state="received", to_state="received").save()
    assert ticket.events.count() == before


def test_an_upper_apps_kind_is_recorded_and_shown(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    event = services.ticket_event_add(
        ticket=ticket, by=cast.agent, kind=EvaluationEventKind.CALLBACK_ATTEMPT, note="无人接听"
    )
    assert event.get_kind_display() == "回访呼叫"
