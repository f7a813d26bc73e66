"""Open311 GeoReport v2: service list and definitions from the category tree, filing a request with an
api_key (through intake, under the client's channel), the spec's errors, the request list with its
filters, tokens, FixMyStreet's updates — in JSON and XML, with nothing personal in any response."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from dispatch.directory.models import Unit
from open311.models import SubmittedRequest
from open311.services import client_create
from orders import services
from orders.models import Ticket

pytestmark = pytest.mark.django_db
ROOT = "/open311/v2"


@pytest.fixture
def system():  # type: ignore[no-untyped-def]
    client, key = client_create(name="北京通", channel="app")
    return client, key


def file(http: Client, key: str, **fields: str):  # type: ignore[no-untyped-def]
    body = {
        "api_key": key,
        "service_code": "010601",
        "description": "小区垃圾三天没有清运，味道很大。",
        "address_string": "朝阳区花家地西里3号楼",
        "phone": "13700001111",
        **fields,
    }
    return http.post(f"{ROOT}/requests.json", body)


def test_services_from_the_category_tree_in_json_and_xml() -> None:
    http = Client()
    services_json = http.get(f"{ROOT}/services.json")
    assert services_json["Content-Type"] == "application/json; charset=utf-8"
    listed = {s["service_code"]: s for s in services_json.json()}
    garbage = listed["010601"]
    assert (garbage["service_name"], garbage["metadata"], garbage["type"]) == (
        "生活垃圾清运不及时",
        True,
        "realtime",
    )
    assert isinstance(garbage["service_code"], str)
    assert "070501" not in listed  # 火灾: an emergency line's matter, never filed here
    xml = http.get(f"{ROOT}/services.xml")
    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml.content)
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == set(listed)
    definition = http.get(f"{ROOT}/services/030201.json").json()
    (attribute,) = definition["attributes"]
    assert attribute["code"] == "demand_type"
    assert [v["key"] for v in attribute["values"]] == ["complaint", "help", "report"]
    assert http.get(f"{ROOT}/services/999999.json").status_code == 404
    assert http.get(f"{ROOT}/services.csv").status_code == 404


def test_a_client_files_a_request_through_intake(system) -> None:  # type: ignore[no-untyped-def]
    client, key = system
    http = Client()
    r = file(
        http, key, phone="13912345678", last_name="李", first_name="四", media_url="https://img.example/a.jpg"
    )
    assert r.status_code == 201, r.content
    (body,) = r.json()
    ticket = Ticket.objects.get(number=body["service_request_id"])
    assert (ticket.channel, ticket.demand_type, ticket.category.code) == ("app", "complaint", "010601")
    assert ticket.district.code == "110105"
    assert ticket.caller is not None
    assert ticket.created_by == client.user
    submitted = SubmittedRequest.objects.get(ticket=ticket)
    assert submitted.media_url == "https://img.example/a.jpg"
    token = http.get(f"{ROOT}/tokens/{submitted.token}.json").json()
    assert token == [{"service_request_id": ticket.number, "token": str(submitted.token)}]
    (shown,) = http.get(f"{ROOT}/requests/{ticket.number}.json").json()
    assert shown["status"] == "open"
    assert shown["service_code"] == "010601"
    assert shown["address"] == ticket.district.name + ticket.street.name + ticket.region.name
    assert "3号楼" not in shown["address"]  # never the house number


def test_coordinates_place_a_request_in_their_district(system) -> None:  # type: ignore[no-untyped-def]
    _client, key = system
    r = file(Client(), key, address_string="", lat="39.98", long="116.47")
    assert r.status_code == 201, r.content
    ticket = Ticket.objects.get(number=r.json()[0]["service_request_id"])
    assert ticket.region.code == "110105"  # 朝阳区
    (shown,) = Client().get(f"{ROOT}/requests/{ticket.number}.json").json()
    assert (shown["lat"], shown["long"]) == (39.98, 116.47)


def test_the_specs_errors(system) -> None:  # type: ignore[no-untyped-def]
    _client, key = system
    http = Client()
    r = file(http, key, phone="")
    assert r.status_code == 400
    assert r.json()[0]["description"].startswith("phone: ")
    r = file(http, "wrong-key")
    assert r.status_code == 403
    assert r.json()[0]["code"] == 403
    r = file(http, key, service_code="999999")
    assert r.status_code == 400
    assert "service_code" in r.json()[0]["description"]
    r = file(http, key, address_string="", lat="31.23", long="121.47")  # Shanghai
    assert r.status_code == 400
    assert r.json()[0]["description"].startswith("lat")
    r = file(http, key, service_code="030201", **{"attribute[demand_type]": "consult"})  # 拖欠工资: no 咨询
    assert r.status_code == 400
    r = http.post(f"{ROOT}/requests.xml", {"api_key": key, "service_code": "010601"})
    assert r.status_code == 400
    errors = ET.fromstring(r.content)
    assert errors.tag == "errors"
    assert errors.find("error/code").text == "400"
    assert file(http, key, jurisdiction_id="shanghai").status_code == 404
    assert file(http, key, jurisdiction_id="beijing").status_code == 201
    assert Ticket.objects.count() == 1  # nothing half-written by the refused ones


def test_nothing_personal_in_the_responses(system, cast) -> None:  # type: ignore[no-untyped-def]
    _client, key = system
    http = Client()
    r = file(
        http,
        key,
        description="请联系李四（李先生），电话13912345678，身份证110105199001011234。",
        phone="13912345678",
        last_name="李",
        first_name="四",
    )
    number = r.json()[0]["service_request_id"]
    for fmt in ("json", "xml"):
        text = http.get(f"{ROOT}/requests/{number}.{fmt}").content.decode()
        assert "13912345678" not in text
        assert "110105199001011234" not in text
        assert "李四" not in text
        assert "李先生" not in text
    assert "139****5678" in http.get(f"{ROOT}/requests/{number}.json").json()[0]["description"]


def test_the_request_list_and_its_filters(system, cast) -> None:  # type: ignore[no-untyped-def]
    _client, key = system
    http = Client()
    first = file(http, key).json()[0]["service_request_id"]
    second = file(http, key, service_code="010101", description="整栋楼停水").json()[0]["service_request_id"]
    cast.create()  # a ticket logged at the desk: not published by default
    listed = [r["service_request_id"] for r in http.get(f"{ROOT}/requests.json").json()]
    assert sorted(listed) == sorted([first, second])
    by_code = http.get(f"{ROOT}/requests.json", {"service_code": "010101"}).json()
    assert [r["service_request_id"] for r in by_code] == [second]
    assert len(http.get(f"{ROOT}/requests.json", {"status": "open,closed"}).json()) == 2
    assert http.get(f"{ROOT}/requests.json", {"status": "closed"}).json() == []
    only = http.get(f"{ROOT}/requests.json", {"service_request_id": first, "status": "closed"}).json()
    assert [r["service_request_id"] for r in only] == [first]  # the id overrides every other filter
    assert http.get(f"{ROOT}/requests.json", {"status": "pending"}).status_code == 400
    span = {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-11-20T00:00:00+08:00"}
    assert http.get(f"{ROOT}/requests.json", span).status_code == 400  # more than 90 days
    assert http.get(f"{ROOT}/requests.json", {"start_date": "2026-11-01T00:00:00"}).status_code == 400
    page = http.get(f"{ROOT}/requests.json", {"page_size": 1, "page": 2}).json()
    assert [r["service_request_id"] for r in page] == [first]  # newest first
    root = ET.fromstring(http.get(f"{ROOT}/requests.xml").content)
    assert root.tag == "service_requests"
    assert len(root.findall("request")) == 2


def test_updates_out_and_in(system, cast, make_user) -> None:  # type: ignore[no-untyped-def]
    _client, key = system
    http = Client()
    number = file(http, key).json()[0]["service_request_id"]
    ticket = Ticket.objects.get(number=number)
    services.ticket_dispatch(ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code="S110105026"))
    updates = http.get(f"{ROOT}/servicerequestupdates.json").json()
    assert [u["service_request_id"] for u in updates] == [number, number]
    assert "望京街道办事处" in updates[1]["description"]
    assert all(u["status"] == "open" for u in updates)
    posted = http.post(
        f"{ROOT}/servicerequestupdates.json",
        {
            "api_key": key,
            "service_request_id": number,
            "description": "今天还是没有清运",
            "update_id": "fms-77",
        },
    )
    assert posted.status_code == 200, posted.content
    again = http.post(
        f"{ROOT}/servicerequestupdates.json",
        {
            "api_key": key,
            "service_request_id": number,
            "description": "今天还是没有清运",
            "update_id": "fms-77",
        },
    )
    assert again.json() == posted.json()  # the same update once
    assert ticket.events.filter(kind="client_update").count() == 1
    _other, other_key = client_create(name="另一个平台", channel="web")
    refused = http.post(
        f"{ROOT}/servicerequestupdates.json",
        {"api_key": other_key, "service_request_id": number, "description": "x"},
    )
    assert refused.status_code == 404


def test_discovery_document() -> None:
    http = Client()
    document = http.get(f"{ROOT}/discovery.json").json()
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert ET.fromstring(http.get(f"{ROOT}/discovery.xml").content).find("endpoints/endpoint/url") is not None
    assert json.loads(http.get(f"{ROOT}/").content)["discovery"].endswith("/open311/v2/discovery.json")
