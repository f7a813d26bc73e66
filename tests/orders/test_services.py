"""The lifecycle services: what each one changes, records, refuses — and that errors write nothing."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from dispatch.directory.models import Category, Region, Unit
from orders import services
from orders.choices import AssignmentEnd, AssignmentRole, EventKind, ReturnDecision, TicketState
from orders.exceptions import TicketConflict
from orders.models import Assignment, Caller, IdempotencyKey, ReturnRequest, Ticket, TicketEvent
from orders.privacy import phone_hash

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------ create


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


# ------------------------------------------------------------------------------- transitions


def test_dispatch_creates_lead_and_assist_assignments(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    lead, assist = Unit.objects.get(code="S110105026"), Unit.objects.get(code="E-heating")
    ticket = services.ticket_dispatch(
        ticket=ticket, by=cast.dispatcher, lead_unit=lead, assist_units=[assist]
    )
    assert ticket.state == TicketState.DISPATCHED
    assert ticket.lead_unit == lead
    roles = dict(ticket.assignments.values_list("unit__code", "role"))
    assert roles == {"S110105026": AssignmentRole.LEAD, "E-heating": AssignmentRole.ASSIST}
    event = ticket.events.get(kind=EventKind.DISPATCH)
    assert event.payload["lead_unit"]["code"] == "S110105026"
    assert [u["code"] for u in event.payload["assist_units"]] == ["E-heating"]


def test_dispatch_refuses_the_hotline_centre_as_lead(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create()
    with pytest.raises(ValidationError):
        services.ticket_dispatch(
            ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code="HOTLINE")
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECEIVED
    assert not ticket.assignments.exists()


def test_accept_by_the_lead_units_handler_only(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    other_street = make_user("handler", "S110105004")
    with pytest.raises(PermissionDenied):
        services.ticket_accept(ticket=ticket, by=other_street)
    with pytest.raises(PermissionDenied):
        services.ticket_accept(ticket=ticket, by=cast.dispatcher)  # role may never sign
    ticket = services.ticket_accept(ticket=ticket, by=cast.handler)
    assert ticket.state == TicketState.ACCEPTED
    assert ticket.assignments.get(role=AssignmentRole.LEAD).signed_at == ticket.accepted_at


def test_wrong_state_is_a_conflict_and_changes_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    events = ticket.events.count()
    with pytest.raises(TicketConflict):
        services.ticket_accept(ticket=ticket, by=cast.handler)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.HANDLED
    assert ticket.events.count() == events


def test_return_requested_then_approved(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    request = ReturnRequest.objects.get(ticket=ticket)
    assert (request.reason, request.decision, request.unit.code) == (
        "function",
        ReturnDecision.PENDING,
        "S110105026",
    )
    ticket = services.ticket_approve_return(ticket=ticket, by=cast.dispatcher, note="改派热力集团")
    assert ticket.state == TicketState.RECEIVED
    assert ticket.lead_unit is None
    request.refresh_from_db()
    assert request.decision == ReturnDecision.APPROVED
    assert request.decided_by == cast.dispatcher
    lead = ticket.assignments.get(role=AssignmentRole.LEAD)
    assert lead.end_reason == AssignmentEnd.RETURNED
    from orders.selectors import units_with_approved_return

    assert units_with_approved_return(ticket=ticket) == [lead.unit_id]


def test_return_denied_goes_back_to_the_unit(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.RETURN_REQUESTED)
    with pytest.raises(ValidationError):
        services.ticket_deny_return(ticket=ticket, by=cast.dispatcher, note=" ")
    ticket = services.ticket_deny_return(ticket=ticket, by=cast.dispatcher, note="属地问题，街道牵头")
    assert ticket.state == TicketState.DISPATCHED
    assert ticket.lead_unit.code == "S110105026"
    assert ReturnRequest.objects.get(ticket=ticket).decision == ReturnDecision.DENIED


def test_reassign_ends_old_assignments(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    heating = Unit.objects.get(code="E-heating")
    ticket = services.ticket_reassign(
        ticket=ticket, by=cast.dispatcher, lead_unit=heating, reason="供热企业负责"
    )
    assert (ticket.state, ticket.lead_unit, ticket.accepted_at) == (TicketState.DISPATCHED, heating, None)
    old = ticket.assignments.get(unit__code="S110105026")
    assert old.end_reason == AssignmentEnd.REASSIGNED
    assert Assignment.objects.filter(ticket=ticket, ended_at__isnull=True).get().unit == heating


def test_district_supervisor_may_reassign_within_the_district(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    chaoyang = make_user("supervisor", "G110105")
    haidian = make_user("supervisor", "G110108")
    target = Unit.objects.get(code="S110105004")
    with pytest.raises(PermissionDenied):
        services.ticket_reassign(ticket=ticket, by=haidian, lead_unit=target, reason="属地调整")
    ticket = services.ticket_reassign(ticket=ticket, by=chaoyang, lead_unit=target, reason="属地调整")
    assert ticket.lead_unit == target


def test_merge_into_an_open_parent(cast) -> None:  # type: ignore[no-untyped-def]
    parent = cast.ticket_in(TicketState.ACCEPTED)
    child = cast.ticket_in(TicketState.DISPATCHED)
    child = services.ticket_merge(ticket=child, by=cast.dispatcher, parent=parent)
    assert (child.state, child.parent) == (TicketState.MERGED, parent)
    assert not child.assignments.filter(ended_at__isnull=True).exists()
    assert parent.events.filter(kind=EventKind.NOTE, payload__merged_child=child.number).exists()
    closed = cast.ticket_in(TicketState.CLOSED)
    with pytest.raises(ValidationError):
        services.ticket_merge(ticket=cast.create(), by=cast.dispatcher, parent=closed)
    lonely = cast.create()
    with pytest.raises(ValidationError):
        services.ticket_merge(ticket=lonely, by=cast.dispatcher, parent=lonely)


def test_reply_close_and_reopen(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.HANDLED)
    assert ticket.result.startswith("已上门排气")
    ticket = services.ticket_reopen(ticket=ticket, by=cast.callback, reason="市民反映仍不热")
    assert (ticket.state, ticket.rework_count, ticket.handled_at) == (TicketState.ACCEPTED, 1, None)
    assert ticket.events.get(kind=EventKind.REOPEN).payload["rework_count"] == 1
    ticket = services.ticket_reply(ticket=ticket, by=cast.handler, result="更换阀门后室温21度")
    ticket = services.ticket_close(ticket=ticket, by=cast.callback, note="市民满意")
    assert ticket.state == TicketState.CLOSED
    assert not ticket.assignments.filter(ended_at__isnull=True).exists()


def test_rework_is_limited(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TICKET_MAX_REWORK = 1
    ticket = cast.ticket_in(TicketState.HANDLED)
    ticket = services.ticket_reopen(ticket=ticket, by=cast.callback, reason="仍未解决")
    ticket = services.ticket_reply(ticket=ticket, by=cast.handler, result="再次处理")
    with pytest.raises(TicketConflict) as error:
        services.ticket_reopen(ticket=ticket, by=cast.callback, reason="还是没解决")
    assert error.value.code == "conditions_unmet"


def test_whistle_only_for_a_street_office(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import Cast

    department_cast = Cast(make_user=make_user, lead_code="D110105-housing")
    ticket = department_cast.ticket_in(TicketState.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.ticket_escalate(ticket=ticket, by=department_cast.handler)
    street_ticket = cast.ticket_in(TicketState.ACCEPTED)
    escalated = services.ticket_escalate(ticket=street_ticket, by=cast.handler)
    assert escalated.state == TicketState.ESCALATED
    back = services.ticket_deescalate(ticket=escalated, by=cast.handler)
    assert back.state == TicketState.ACCEPTED


def test_every_transition_writes_exactly_one_event(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.CLOSED)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATE, EventKind.DISPATCH, EventKind.ACCEPT, EventKind.REPLY, EventKind.CLOSE]
    states = list(ticket.events.values_list("from_state", "to_state"))
    assert all(states[i][1] == states[i + 1][0] for i in range(len(states) - 1))


def test_events_are_append_only(cast) -> None:  # type: ignore[no-untyped-def]
    from django.db import DatabaseError, transaction

    event = cast.create().events.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():  # the database refuses raw SQL too
        TicketEvent.objects.filter(pk=event.pk).update(note="edited")
