"""The demo loader leaves every state present, through the real services."""

from __future__ import annotations

import pytest
from django.db.models import F

from config.demo.scenario import in_heating_season
from config.demo.tickets import demo_tickets_load
from config.demo.users import demo_users_load
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


def test_seed_demo_adds_callbacks_scores_and_the_knowledge_base() -> None:
    import io

    from django.core.management import call_command

    from config.demo.knowledge import demo_articles

    articles = demo_articles()
    assert len(articles) == 8
    from evaluation.models import Callback, PeriodScore
    from hotline.models import Article

    call_command("seed_demo", days=3, per_day=15, stdout=io.StringIO())
    assert Article.objects.count() == len(articles)
    assert Article.objects.filter(category__code="010501").exists()
    closed = Ticket.objects.filter(state=TicketState.CLOSED).count()
    assert closed
    assert Callback.objects.filter(is_final=True).count() >= closed
    assert PeriodScore.objects.filter(group="street").exists()
    from django.db import connection

    if connection.vendor == "postgresql":  # the history's months got their event partitions
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orders_ticketevent_default")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT count(DISTINCT tableoid) FROM orders_ticketevent")
            assert cursor.fetchone()[0] >= 1
    tickets = Ticket.objects.count()
    call_command("seed_demo", days=3, per_day=15, stdout=io.StringIO())  # a second run adds nothing
    assert (Article.objects.count(), Ticket.objects.count()) == (len(articles), tickets)
