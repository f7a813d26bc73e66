"""An independent Open311 client (PyPI ``georeport``) reads our endpoint over HTTP from a running
server, after a request was filed by a plain form POST the way client systems send it; the request's
status and updates follow the ticket through its life."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from dispatch.directory.models import Unit
from open311.services import client_create
from orders import services
from orders.models import Ticket
from tests.browser.conftest import live_url  # noqa: F401  (the live server)

pytestmark = pytest.mark.usefixtures("committed_db")


def test_a_client_library_follows_a_request(live_url, cast) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _client, key = client_create(name="市民App", channel="app")
    root = f"{live_url}/open311/v2"
    filed = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "jurisdiction_id": "beijing",
            "service_code": "010601",
            "description": "小区垃圾三天没有清运，请联系我13912345678",
            "address_string": "朝阳区花家地西里3号楼",
            "phone": "13912345678",
            "last_name": "王",
            "first_name": "五",
        },
        timeout=10,
    )
    assert filed.status_code == 201, filed.text
    number = filed.json()[0]["service_request_id"]
    for output_format in ("json", "xml"):
        client = GeoReport(root, jurisdiction="beijing", output_format=output_format)
        services_listed = client.get_service_list()
        assert any(s["service_code"] == "010601" for s in services_listed)
        definition = client.get_service_definition("010601")
        assert definition["service_code"] == "010601"
        request = client.get_service_request(number)
        assert request["status"] == "open"
        assert "13912345678" not in str(request)
    ticket = Ticket.objects.get(number=number)
    services.ticket_dispatch(ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code="S110105026"))
    ticket = services.ticket_accept(ticket=ticket, by=cast.handler)
    services.ticket_reply(
        ticket=ticket, by=cast.handler, result="已协调环卫清运，并电话联系13912345678告知。"
    )
    client = GeoReport(root, jurisdiction="beijing")
    request = client.get_service_request(number)
    assert request["status"] == "open"
    assert "望京街道办事处" in request["status_notes"]
    from evaluation.services import callback_record

    callback_record(
        ticket=Ticket.objects.get(number=number),
        by=cast.callback,
        reached=True,
        contacted=True,
        resolved=True,
        satisfaction="satisfied",
    )
    closed = client.get_service_requests(status="closed")
    assert [r["service_request_id"] for r in closed] == [number]
    assert "13912345678" not in closed[0]["status_notes"]
    assert "139****5678" in closed[0]["status_notes"]
    updates = requests.get(f"{root}/servicerequestupdates.json", timeout=10).json()
    steps = [u["description"] for u in updates if u["service_request_id"] == number]
    assert len(steps) == 5  # received, dispatched, signed, handled, closed
    assert updates[-1]["status"] == "closed"
    assert all("13912345678" not in step for step in steps)
