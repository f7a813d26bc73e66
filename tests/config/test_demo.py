"""The demo loader leaves every state present, through the real services."""

from __future__ import annotations

import pytest
from django.db.models import F

from config.demo import demo_users_load
from config.demo_tickets import demo_tickets_load, in_heating_season
from orders.choices import TicketState
from orders.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_demo_tickets_cover_every_state_with_consistent_events() -> None:
    demo_users_load()
    created = demo_tickets_load(days=4, per_day=15, seed=7)
    assert created == Ticket.objects.count() > 40
    assert set(Ticket.objects.values_list("state", flat=True)) == set(TicketState.values)
    # every ticket's last event leads to its current state, and events never predate the ticket
    for ticket in Ticket.objects.all():
        last = ticket.events.order_by("created_at", "pk").last()
        assert last.to_state == ticket.state, ticket.number
    assert not TicketEvent.objects.filter(created_at__lt=F("ticket__created_at")).exists()
    assert Ticket.objects.filter(state=TicketState.DISPATCHED, lead_unit__isnull=True).count() == 0


def test_heating_season() -> None:
    import datetime as dt

    assert in_heating_season(dt.date(2026, 11, 22))
    assert in_heating_season(dt.date(2027, 3, 15))
    assert not in_heating_season(dt.date(2026, 7, 1))
