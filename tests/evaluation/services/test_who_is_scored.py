"""Who is scored and on what: work without a caller is verified, not called back; the unit's first
contact; townships apart from streets; departments' whistle reports in their score; scores refreshed
within minutes of a close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dispatch.directory.models import Category, Unit
from dispatch.services import whistle_raise, whistle_rate, whistle_report
from evaluation.models import PeriodScore, StaleScores, Verification
from evaluation.selectors import callback_queue, verification_queue
from evaluation.services import (
    callback_record,
    period_scores_compute,
    proactive_ticket_create,
    scores_refresh_due,
    ticket_verify,
)
from orders import clock, services
from orders.choices import TicketState
from orders.exceptions import TicketConflict
from tests.evaluation.helpers import closed_with

pytestmark = pytest.mark.django_db


def proactive_handled(cast, supervisor):  # type: ignore[no-untyped-def]
    ticket = proactive_ticket_create(
        by=supervisor,
        category=Category.objects.get(code="040101"),
        region=cast.create().region,
        content="巡查发现占道经营",
        lead_unit=Unit.objects.get(code="S110105026"),
    )
    services.ticket_accept(ticket=ticket, by=cast.handler)
    return services.ticket_reply(ticket=ticket, by=cast.handler, result="已清理")


def test_work_without_a_caller_is_verified_not_called_back(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    supervisor = make_user("supervisor", "HOTLINE")
    ticket = proactive_handled(cast, supervisor)
    assert ticket.pk not in callback_queue(user=cast.callback).values_list("pk", flat=True)
    assert ticket.pk in verification_queue(user=supervisor).values_list("pk", flat=True)
    with pytest.raises(PermissionDenied):
        callback_record(
            ticket=ticket,
            by=cast.callback,
            reached=True,
            contacted=True,
            resolved=True,
            satisfaction="satisfied",
        )
    with pytest.raises(ValidationError):
        ticket_verify(ticket=ticket, by=supervisor, verified=False, note="")
    ticket_verify(ticket=ticket, by=supervisor, verified=False, note="摊位仍在")
    ticket.refresh_from_db()
    assert (ticket.state, ticket.rework_count) == (TicketState.ACCEPTED, 1)
    services.ticket_reply(ticket=ticket, by=cast.handler, result="再次清理")
    ticket_verify(ticket=ticket, by=supervisor, verified=True, note="已清理")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    assert list(
        Verification.objects.filter(ticket=ticket).order_by("round").values_list("round", "verified")
    ) == [
        (0, False),
        (1, True),
    ]
    assert not ticket.callbacks.exists()
    period_scores_compute(group="street", day=dt.date(2026, 11, 20))
    score = PeriodScore.objects.get(unit__code="S110105026", label="2026-11")
    assert (score.valid_callbacks, score.proactive_tickets, score.proactive_verified_rate) == (0, 1, 0.0)


def test_a_ticket_with_a_caller_is_not_verified_by_a_supervisor(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    with pytest.raises(PermissionDenied):
        ticket_verify(ticket=ticket, by=make_user("supervisor", "HOTLINE"), verified=True)


def test_first_contact_is_recorded_once_by_the_lead(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    lead = ticket.assignments.get(role="lead")
    assert lead.first_contact_due_at == lead.assigned_at + dt.timedelta(hours=2)  # utility tier
    with pytest.raises(PermissionDenied):
        services.ticket_first_contact_record(ticket=ticket, by=make_user("handler", "S110105001"))
    with pytest.raises(ValidationError):
        services.ticket_first_contact_record(
            ticket=ticket, by=cast.handler, at=clock.now() + dt.timedelta(hours=1)
        )
    row = services.ticket_first_contact_record(ticket=ticket, by=cast.handler, note="电话联系")
    assert row.first_contact_at is not None
    with pytest.raises(TicketConflict):
        services.ticket_first_contact_record(ticket=ticket, by=cast.handler)
    assert ticket.events.get(kind="first_contact").payload["on_time"] is True


def test_townships_are_ranked_apart_from_streets(cast) -> None:  # type: ignore[no-untyped-def]
    closed_with(cast, contacted=True, resolved=True, satisfaction="satisfied")
    township = type(cast)(make_user=cast.make_user, lead_code="S110105021")  # 南磨房地区
    closed_with(township, contacted=True, resolved=False, satisfaction="unsatisfied")
    period_scores_compute(group="street", day=dt.date(2026, 11, 20))
    period_scores_compute(group="township", day=dt.date(2026, 11, 20))
    streets = PeriodScore.objects.filter(group="street", label="2026-11")
    townships = PeriodScore.objects.filter(group="township", label="2026-11")
    assert list(streets.values_list("unit__code", "rank")) == [("S110105026", 1)]
    assert list(townships.values_list("unit__code", "rank")) == [("S110105021", 1)]


def test_a_departments_whistle_reports_enter_its_score(cast) -> None:  # type: ignore[no-untyped-def]
    department = Unit.objects.get(code="D110105-urban_enforcement")
    dept_cast = type(cast)(make_user=cast.make_user, lead_code=department.code)
    closed_with(dept_cast, contacted=True, resolved=True, satisfaction="satisfied")  # 100 / 100 / 100
    street_ticket = cast.ticket_in(TicketState.ACCEPTED)
    whistle = whistle_raise(
        ticket=street_ticket, by=cast.handler, grade="routine", reason="占道严重", departments=[department]
    )
    summons = whistle.summons.get()
    with clock.frozen_at(summons.report_by + dt.timedelta(hours=1)):  # late
        whistle_report(summons=summons, by=dept_cast.handler, note="已到场", arrived_on_site=True)
        whistle_rate(summons=summons, by=cast.handler, rating=3, comment="到场较晚")
    period_scores_compute(group="district_department", day=dt.date(2026, 11, 20))
    score = PeriodScore.objects.get(unit=department, label="2026-11")
    assert (score.indicators["whistle_report_on_time"], score.indicators["whistle_rating"]) == (0.0, 60.0)
    # seed scheme: 0.1 × 100 + 0.4 × 100 + 0.4 × 100 + 0.05 × 0 + 0.05 × 60
    assert round(score.composite, 4) == 93.0


def test_a_close_refreshes_the_scores_within_minutes(cast) -> None:  # type: ignore[no-untyped-def]
    closed_with(cast, contacted=True, resolved=True, satisfaction="satisfied")
    assert set(StaleScores.objects.values_list("group", flat=True)) == {"street", "district"}
    assert not PeriodScore.objects.exists()
    assert scores_refresh_due() == []  # debounced: not yet
    done = scores_refresh_due(now=clock.now() + dt.timedelta(minutes=1))
    assert sorted(done) == ["district 2026-11-01", "street 2026-11-01"]
    assert PeriodScore.objects.get(unit__code="S110105026", label="2026-11").valid_callbacks == 1
    assert not StaleScores.objects.exists()
    # the unit's own score page shows the provisional score at once, not after the nightly run
    client = Client()
    client.force_login(cast.handler)
    page = client.get("/assessment/units/S110105026/?period=2026-11")
    assert page.status_code == 200
    (score,) = [s for s in page.context["trend"] if s.label == "2026-11"]
    assert score.valid_callbacks == 1
    assert score.composite == 100.0
    assert len(page.context["page"].object_list) == 1  # the assessed ticket is listed
