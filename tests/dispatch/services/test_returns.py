"""An approved return re-dispatched at once, away from the returning unit."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from dispatch import services
from orders.choices import EventKind

pytestmark = [pytest.mark.django_db, pytest.mark.cities]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_approved_return_redispatches_elsewhere(cast, make_user, city) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    services.ticket_route_dispatch(ticket=ticket, by=cast.dispatcher)  # → 热力集团 (Beijing)
    lead = make_user("handler", city.lead)
    from orders.services import ticket_request_return

    ticket_request_return(
        ticket=ticket, by=lead, reason="ownership_unclear", note="设施权属不清，非本单位管理"
    )
    response = api(cast.dispatcher).post(
        f"/api/v1/tickets/{ticket.pk}/approve-return/", {"note": "同意", "redispatch": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "dispatched"
    assert body["lead_unit"]["code"] == city.after_return  # the returning unit is excluded
    assert "已退回" in ticket.events.filter(kind=EventKind.DISPATCH).last().payload["route"]["explanation"]
    returned = [a for a in body["assignments"] if a["end_reason"] == "returned"]
    assert [a["unit"]["code"] for a in returned] == [city.lead]
