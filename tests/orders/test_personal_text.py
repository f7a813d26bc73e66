"""Caller data typed into free text: phone numbers, ID numbers and the caller's name are masked in
what handlers read (pages, API, events), kept as typed — encrypted — for agents and callback staff."""

from __future__ import annotations

import pytest
from django.test import Client

from dispatch.directory.models import Unit
from orders import services
from orders.models import Ticket, TicketEvent
from orders.personal_text import redact
from orders.privacy import private_read

PHONE = "13812345678"
ID_NUMBER = "110105199001011234"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("请联系张三13812345678回复", "请联系张*138****5678回复"),
        ("电话 138-1234-5678", "电话 138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("座机010-65123456", "座机010****3456"),
        ("本地电话6512 3456", "本地电话****3456"),
        ("身份证11010519900101123X", "身份证110105********123X"),
        ("张先生说楼上漏水", "张**说楼上漏水"),
        # left alone: ticket numbers, amounts, dates, times, short numbers
        ("工单20261120000123已转办", "工单20261120000123已转办"),
        ("欠薪50000000元", "欠薪50000000元"),
        ("2026-11-20 10:00到3号楼201", "2026-11-20 10:00到3号楼201"),
    ],
)
def test_redact_as_a_table(text: str, masked: str) -> None:
    out, found = redact(text, ("张三", "张先生"))
    assert out == masked
    assert found == (out != text)


@pytest.mark.django_db
def test_a_handler_never_reads_the_number_typed_into_the_demand(cast, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    content = f"张先生（张三）电话{PHONE}，身份证{ID_NUMBER}，反映楼道堆物。"
    ticket = cast.create(content=content, caller_name="张三", address=f"花家地西里3号楼 联系{PHONE}")
    stored = Ticket.objects.get(pk=ticket.pk)
    assert PHONE not in stored.content
    assert PHONE not in stored.address
    assert private_read(stored.private_text) == {
        "content": content,
        "address": f"花家地西里3号楼 联系{PHONE}",
    }
    services.ticket_dispatch(
        ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code=cast.lead_code)
    )
    services.ticket_note_add(ticket=ticket, by=cast.dispatcher, note=f"已电话{PHONE}联系张三")
    handler = client_for("handler", cast.lead_code)
    responses = [
        handler.get(f"/api/v1/tickets/{ticket.pk}/").content,
        handler.get(f"/api/v1/tickets/{ticket.pk}/events/").content,
        handler.get("/api/v1/tickets/").content,
    ]
    page = Client()
    page.force_login(cast.handler)
    responses += [page.get(f"/desk/tickets/{ticket.pk}/").content, page.get("/desk/inbox/").content]
    for body in responses:
        text = body.decode()
        assert PHONE not in text
        assert ID_NUMBER not in text
        assert "张三" not in text
        assert "张先生" not in text
    assert "138****5678" in responses[0].decode()
    # the agent reads it as typed
    agent = client_for("agent")
    shown = agent.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert shown["content"] == content
    notes = [e["note"] for e in agent.get(f"/api/v1/tickets/{ticket.pk}/events/").json()]
    assert f"已电话{PHONE}联系张三" in notes
    assert TicketEvent.objects.filter(ticket=ticket, note__contains=PHONE).count() == 0


@pytest.mark.django_db
def test_a_result_naming_the_caller_is_masked_for_units_not_for_callback_staff(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in("accepted", caller_name="李四")
    services.ticket_reply(ticket=ticket, by=cast.handler, result=f"已上门，并电话{PHONE}告知李四。")
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.result == "已上门，并电话138****5678告知李*。"
    callback = client_for("callback")
    assert (
        callback.get(f"/api/v1/tickets/{ticket.pk}/").json()["result"] == f"已上门，并电话{PHONE}告知李四。"
    )
    page = Client()
    page.force_login(cast.callback)
    assert PHONE in page.get(f"/callbacks/{ticket.pk}/").content.decode()
