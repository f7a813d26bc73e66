"""A citizen follows their demand on the progress page (no login, a phone's screen), from intake to
the close after the callback; nothing personal or internal is shown; guessing is cut off."""

from __future__ import annotations

import pytest

from dispatch.directory.models import Unit
from evaluation.services import callback_record
from orders import services
from orders.models import Ticket

pytestmark = pytest.mark.browser

PHONE = "13512345678"


def test_a_citizen_follows_a_ticket_through_its_life(browser, live_url, cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.create(caller_phone=PHONE, caller_name="赵六", content=f"楼道堆物，请联系赵六{PHONE}")
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def look_up(last4: str = "5678") -> None:
        page.goto(f"{live_url}/progress/")
        page.fill("#id_number", ticket.number)
        page.fill("#id_last4", last4)
        page.click("#look-up")

    look_up("0000")
    assert page.locator("#progress-error").inner_text() == "编号或号码后四位不对，未找到诉求。"
    look_up()
    assert page.locator("#steps li").evaluate_all("els => els.map(e => e.dataset.step)") == ["received"]
    assert ticket.number in page.locator("#steps").inner_text()

    services.ticket_dispatch(
        ticket=ticket, by=cast.dispatcher, lead_unit=Unit.objects.get(code=cast.lead_code)
    )
    services.ticket_note_add(ticket=ticket, by=cast.handler, note="内部备注：先联系物业")
    ticket = services.ticket_accept(ticket=ticket, by=cast.handler)
    services.ticket_reply(ticket=ticket, by=cast.handler, result=f"已清理楼道，并电话{PHONE}告知赵六。")
    callback_record(
        ticket=Ticket.objects.get(pk=ticket.pk),
        by=cast.callback,
        reached=True,
        contacted=True,
        resolved=True,
        satisfaction="satisfied",
        notes="满意",
    )
    look_up()
    steps = page.locator("#steps li").evaluate_all("els => els.map(e => e.dataset.step)")
    assert steps == ["received", "dispatched", "signed", "handled", "closed"]
    text = page.locator("body").inner_text()
    assert "望京街道办事处" in text  # the unit that has it
    assert "已清理楼道" in text  # its public reply
    for private in (PHONE, "赵六", "内部备注", cast.handler.username, cast.agent.username):
        assert private not in text
    assert "135****5678" in text
    page.click("#stop-messages")
    assert page.locator("#opted-out").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # fits a phone
    assert errors == []
    context.close()
