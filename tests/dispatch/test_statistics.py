"""Dispatch statistics per unit, as the assessment reads them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from dispatch import services
from dispatch.directory.models import Unit
from dispatch.models import WhistleSummons
from dispatch.selectors import dispatch_statistics
from orders import clock
from orders.choices import TicketState
from tests.dispatch.services.test_whistles import whistled

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_dispatch_statistics(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    from orders.services import ticket_approve_return, ticket_reassign, ticket_request_return

    start = clock.now() - dt.timedelta(hours=1)
    returned = cast.ticket_in(TicketState.DISPATCHED)
    ticket_request_return(ticket=returned, by=cast.handler, reason="function", note="非本单位")
    ticket_approve_return(ticket=returned, by=cast.dispatcher)
    denied = cast.ticket_in(TicketState.RETURN_REQUESTED)
    from orders.services import ticket_deny_return

    ticket_deny_return(ticket=denied, by=cast.dispatcher, note="属地问题")
    moved = cast.ticket_in(TicketState.DISPATCHED)
    ticket_reassign(
        ticket=moved, by=cast.dispatcher, lead_unit=Unit.objects.get(code="E-heating"), reason="职能"
    )
    ticket, _ = whistled(cast, "D110105-housing", "D110105-market")
    housing = WhistleSummons.objects.get(whistle__ticket=ticket, unit__code="D110105-housing")
    services.whistle_report(summons=housing, by=make_user("handler", "D110105-housing"), note="到场")
    services.whistle_rate(summons=housing, by=cast.handler, rating=3)

    stats = dispatch_statistics(start=start, end=clock.now() + dt.timedelta(days=1))
    wangjing = stats[Unit.objects.get(code="S110105026").pk]
    assert (wangjing.returns_requested, wangjing.returns_approved, wangjing.reassigned_away) == (2, 1, 1)
    assert wangjing.whistles_raised == 1
    dept = stats[Unit.objects.get(code="D110105-housing").pk]
    assert (dept.summons_received, dept.summons_on_time, dept.average_rating) == (1, 1, 3.0)
    assert dept.summons_timeliness == 1.0
    market = stats[Unit.objects.get(code="D110105-market").pk]
    assert (market.summons_received, market.summons_on_time, market.summons_missed) == (1, 0, 0)
