"""The desk pages in a real browser: a handler signs and replies from the inbox, callback staff close
the ticket from the queue, a supervisor sees an overdue ticket."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from orders.choices import TicketState
from orders.models import Ticket

pytestmark = pytest.mark.browser


def test_handler_signs_and_replies_then_callback_closes(page_as, live_url, cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    page = page_as(cast.handler)
    page.goto(f"{live_url}/desk/inbox/")
    row = page.locator(f"#inbox tr[data-ticket='{ticket.number}']")
    assert row.count() == 1
    # the handler sees the caller masked
    row.get_by_role("link", name=ticket.number).click()
    caller = page.locator("#caller").inner_text()
    assert "*" in caller
    assert "张三" not in caller
    page.click("a[data-action=accept]")
    page.click("#action-form button[type=submit]")
    page.wait_for_selector("a[data-action=reply]")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.ACCEPTED
    page.click("a[data-action=reply]")
    page.click("#action-form button[type=submit]")  # empty: the browser holds it back
    assert page.locator("textarea[name=result]:invalid").count() == 1
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.ACCEPTED
    page.fill("textarea[name=result]", "已上门检修阀门，室温恢复到20度。")
    page.click("#action-form button[type=submit]")
    page.wait_for_selector("#events")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.HANDLED
    assert "已上门检修阀门" in page.content()

    callback = page_as(cast.callback)
    callback.goto(f"{live_url}/callbacks/")
    assert callback.locator(f"#callback-queue tr[data-ticket='{ticket.number}']").count() == 1
    callback.click("#next-call")
    assert "张三" in callback.locator("#caller-contact").inner_text()  # the callback role sees the caller
    # Each radio button sits beside its own label, and a question's answers run along one line.
    for value in ("1", "0"):
        radio = callback.locator(f"input[name=contacted][value='{value}']").bounding_box()
        text = callback.locator(f"label:has(input[name=contacted][value='{value}'])").bounding_box()
        assert abs(radio["y"] + radio["height"] / 2 - (text["y"] + text["height"] / 2)) < 6
        assert text["width"] < 120  # the label hugs its radio instead of spanning the form
    yes = callback.locator("input[name=contacted][value='1']").bounding_box()
    no = callback.locator("input[name=contacted][value='0']").bounding_box()
    assert abs(yes["y"] - no["y"]) < 4
    callback.check("input[name=reached][value='1']")
    callback.check("input[name=contacted][value='1']")
    callback.check("input[name=resolution][value=resolved]")
    callback.check("input[name=satisfaction][value=basic]")
    callback.fill("textarea[name=notes]", "市民表示基本满意")
    callback.click("#callback-form button[type=submit]")
    callback.wait_for_selector("#callback-queue")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    assert ticket.callbacks.get().satisfaction == "basic"
    assert callback.locator(f"#callback-queue tr[data-ticket='{ticket.number}']").count() == 0
    assert page.errors == []
    assert callback.errors == []


def test_supervisor_sees_an_overdue_ticket(page_as, live_url, cast, make_user) -> None:  # type: ignore[no-untyped-def]
    late = cast.ticket_in(TicketState.DISPATCHED)
    on_time = cast.ticket_in(TicketState.ACCEPTED)
    supervisor = make_user("supervisor", "G110105")
    page = page_as(supervisor)
    late_due = late.assignments.get(role="lead").sign_due_at
    on_time_due = on_time.assignments.get(role="lead").handle_due_at
    moment = late_due + dt.timedelta(minutes=5)
    assert moment < on_time_due
    with time_machine.travel(moment, tick=True):
        page.goto(f"{live_url}/desk/supervision/")
        rows = page.locator("#supervision tbody tr[data-ticket]")
        numbers = rows.evaluate_all("rows => rows.map(r => r.dataset.ticket)")
        assert late.number in numbers  # not signed for in time
        assert on_time.number not in numbers  # signed, with days left to handle
        overdue_cell = page.locator(f"#supervision tr[data-ticket='{late.number}'] td.overdue")
        assert overdue_cell.count() == 1
        # the handler's inbox marks it overdue too
        inbox = page_as(cast.handler)
        inbox.goto(f"{live_url}/desk/inbox/")
        assert "overdue" in inbox.locator(f"#inbox tr[data-ticket='{late.number}']").get_attribute("class")
    assert page.errors == []
