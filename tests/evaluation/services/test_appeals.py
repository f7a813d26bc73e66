"""申诉: who may appeal, within which window, and what an assessor's decision does."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation.choices import AppealStatus, Satisfaction
from evaluation.models import StaleScores
from evaluation.services import appeal_decide, appeal_file
from orders.choices import TicketState
from orders.exceptions import Conflict, TicketConflict
from tests.evaluation.helpers import closed_with

pytestmark = [pytest.mark.django_db, pytest.mark.cities]
EVIDENCE = "诉求人要求超出政策范围，已多次解释。"


@pytest.fixture
def closed(cast):  # type: ignore[no-untyped-def]
    return closed_with(cast, contacted=True, resolved=False, satisfaction=Satisfaction.UNSATISFIED)


def test_the_assessed_unit_appeals(cast, closed, city) -> None:  # type: ignore[no-untyped-def]
    appeal = appeal_file(ticket=closed, by=cast.handler, reason="unreasonable", evidence=EVIDENCE)
    assert (appeal.status, appeal.unit.code, appeal.callback.ticket_id) == (
        "pending",
        city.street,
        closed.pk,
    )
    with pytest.raises(Conflict) as error:
        appeal_file(ticket=closed, by=cast.handler, reason="unreasonable", evidence=EVIDENCE)
    assert (error.value.code, error.value.subject) == ("appeal_pending", "appeal")


def test_another_unit_cannot_appeal(cast, make_user, closed, city) -> None:  # type: ignore[no-untyped-def]
    stranger = make_user("handler", city.neighbour)
    with pytest.raises(PermissionDenied):
        appeal_file(ticket=closed, by=stranger, reason="unreasonable", evidence=EVIDENCE)
    with pytest.raises(PermissionDenied):
        appeal_file(ticket=closed, by=cast.callback, reason="unreasonable", evidence=EVIDENCE)


def test_the_window_closes(cast, closed) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=6), tick=False):
        inside = appeal_file(ticket=closed, by=cast.handler, reason="unreasonable", evidence=EVIDENCE)
    inside.delete()  # (only to try again later)
    with (
        time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8), tick=False),
        pytest.raises(TicketConflict) as error,
    ):
        appeal_file(ticket=closed, by=cast.handler, reason="unreasonable", evidence=EVIDENCE)
    assert error.value.code == "appeal_window_closed"


def test_reason_and_evidence_are_required(cast, closed) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        appeal_file(ticket=closed, by=cast.handler, reason="because", evidence="  ")
    assert set(error.value.message_dict) == {"reason", "evidence"}


def test_only_a_ticket_with_a_callback_is_appealed(cast) -> None:  # type: ignore[no-untyped-def]
    open_ticket = cast.ticket_in(TicketState.HANDLED)
    with pytest.raises(TicketConflict):
        appeal_file(ticket=open_ticket, by=cast.handler, reason="unreasonable", evidence=EVIDENCE)


def test_denial_needs_a_note_and_leaves_the_ticket_assessed(cast, closed) -> None:  # type: ignore[no-untyped-def]
    appeal = appeal_file(ticket=closed, by=cast.handler, reason="not_our_duty", evidence=EVIDENCE)
    assessor = cast.make_user("assessor")
    with pytest.raises(ValidationError):
        appeal_decide(appeal=appeal, by=assessor, approve=False, note="")
    denied = appeal_decide(appeal=appeal, by=assessor, approve=False, note="属于本街道职责")
    assert denied.status == AppealStatus.DENIED
    closed.refresh_from_db()
    assert closed.assessment_exempt is False
    with pytest.raises(Conflict) as decided:
        appeal_decide(appeal=appeal, by=assessor, approve=True)
    assert (decided.value.code, decided.value.subject) == ("appeal_decided", "appeal")


def test_only_assessors_decide(cast, closed) -> None:  # type: ignore[no-untyped-def]
    appeal = appeal_file(ticket=closed, by=cast.handler, reason="not_our_duty", evidence=EVIDENCE)
    for user in (cast.handler, cast.callback, cast.dispatcher):
        with pytest.raises(PermissionDenied):
            appeal_decide(appeal=appeal, by=user, approve=True)


def test_approval_queues_the_recomputation(cast, closed, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    appeal = appeal_file(ticket=closed, by=cast.handler, reason="uncooperative", evidence=EVIDENCE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        appeal_decide(appeal=appeal, by=cast.make_user("assessor"), approve=True, note="属实")
    sent = [c.args for c in callbacks if hasattr(c, "args")]
    assert [args[0].name for args in sent] == ["evaluation.scores_refresh"]  # one debounced hint
    marked = set(StaleScores.objects.values_list("group", "period_start"))
    assert marked == {("district", dt.date(2026, 11, 1)), ("street", dt.date(2026, 11, 1))}
