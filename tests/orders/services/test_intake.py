"""受理: numbering, classification, callers, refused input writes nothing, idempotency."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from dispatch.directory.models import Category, Region
from orders import services
from orders.choices import EventKind, TicketState
from orders.exceptions import TicketConflict
from orders.models import Caller, IdempotencyKey, Ticket, TicketEvent
from orders.privacy import phone_hash

pytestmark = pytest.mark.django_db


def test_create_numbers_classifies_and_records(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create(caller_phone="+86 138-0013-8000", caller_name="张三丰")
    assert re.fullmatch(r"\d{8}\d{6}", ticket.number)
    assert ticket.state == TicketState.RECEIVED
    assert (ticket.district.code, ticket.street.code) == ("110105", "110105026")
    assert ticket.urgency == "utility"  # the category's default tier
    event = ticket.events.get()
    assert (event.kind, event.from_state, event.to_state, event.actor) == (
        EventKind.CREATE,
        "",
        TicketState.RECEIVED,
        cast.agent,
    )
    assert event.actor_unit.code == "HOTLINE"


def test_numbers_increase_within_a_day(cast) -> None:  # type: ignore[no-untyped-def]
    first, second = cast.create(), cast.create()
    assert first.number[:8] == second.number[:8]
    assert int(second.number[8:]) > int(first.number[8:])


def test_caller_phone_is_hashed_encrypted_and_masked(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create(caller_phone="010-6512 3456", caller_name="李四")
    caller = ticket.caller
    assert caller.phone_hash == phone_hash("01065123456")
    assert caller.phone == "01065123456"
    assert caller.phone_masked == "010****3456"
    assert caller.name_masked == "李*"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone_encrypted, name_encrypted FROM orders_caller WHERE id = %s", [caller.pk])
        raw_phone, raw_name = cursor.fetchone()
    assert "65123456" not in raw_phone
    assert "李四" not in raw_name


def test_the_same_number_is_the_same_caller(cast) -> None:  # type: ignore[no-untyped-def]
    first = cast.create(caller_phone="13900001111", caller_name="王五")
    second = cast.create(caller_phone="139 0000 1111", caller_name="")
    assert first.caller_id == second.caller_id
    assert Caller.objects.get(pk=first.caller_id).name == "王五"


def test_superseded_region_code_resolves(cast) -> None:  # type: ignore[no-untyped-def]
    from dispatch.directory.reads import region_get_by_code

    ticket = cast.create(region=region_get_by_code("110105020"))
    assert ticket.region.code == "110105400"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "0105"}, "category"),  # not a leaf
        ({"demand_type": "suggestion", "category": "010402"}, "demand_type"),  # 燃气泄漏 takes help/report
        ({"content": "   "}, "content"),
        ({"content": "很" * 4001}, "content"),
        ({"caller_phone": "12345"}, "caller_phone"),
        ({"caller_phone": ""}, "caller_phone"),
        ({"longitude": 121.47, "latitude": 31.23}, "longitude"),  # Shanghai
        ({"longitude": 116.4}, "latitude"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, overrides, field) -> None:  # type: ignore[no-untyped-def]
    cast.agent  # noqa: B018  (create the agent before counting rows)
    if "category" in overrides:
        overrides["category"] = Category.objects.get(code=overrides["category"])
    before = (Ticket.objects.count(), TicketEvent.objects.count(), Caller.objects.count())
    with pytest.raises(ValidationError) as error:
        cast.create(**overrides)
    assert field in error.value.message_dict
    assert (Ticket.objects.count(), TicketEvent.objects.count(), Caller.objects.count()) == before


def test_only_agents_create(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.ticket_create(
            by=cast.handler,
            channel="phone",
            demand_type="complaint",
            category=Category.objects.get(code="010501"),
            region=Region.objects.get(code="110105026"),
            content="x",
            caller_phone="13800000000",
        )


def test_proactive_ticket_needs_no_caller(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create(channel="proactive", caller_phone="", demand_type="help")
    assert ticket.caller is None


def test_idempotency_key_replays_the_first_ticket(cast) -> None:  # type: ignore[no-untyped-def]
    fields = {
        "channel": "phone",
        "demand_type": "complaint",
        "category": Category.objects.get(code="010501"),
        "region": Region.objects.get(code="110105026"),
        "content": "暖气不热",
        "caller_phone": "13811112222",
    }
    first = services.ticket_create(by=cast.agent, idempotency_key="k-1", **fields)
    again = services.ticket_create(by=cast.agent, idempotency_key="k-1", **fields)
    assert first.created
    assert not again.created
    assert again.ticket.pk == first.ticket.pk
    assert Ticket.objects.filter(content="暖气不热").count() == 1
    with pytest.raises(TicketConflict):
        services.ticket_create(by=cast.agent, idempotency_key="k-1", **{**fields, "content": "别的事"})
    assert IdempotencyKey.objects.count() == 1
