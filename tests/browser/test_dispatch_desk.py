"""The dispatcher's desk in a real browser, by keyboard: clear a queue of 20 tickets (Enter takes the
suggestion), override one through the unit search with a reason, approve a return and dispatch it to
the unit the handler suggested — without ever opening the admin."""

from __future__ import annotations

import pytest

from dispatch.directory.models import Category, Region, Unit
from orders import services
from orders.choices import EventKind, TicketState
from orders.models import Ticket

pytestmark = pytest.mark.browser

# Realistic demands at real places; none of these categories is dispatched automatically.
DEMANDS = [
    ("040101", "110105026034", "花家地西里小区门口每天早上有人摆摊卖菜，占了人行道。"),
    ("030305", "110105026", "望京西园三区楼下饭馆油烟直排，家里窗户都不敢开。"),
    ("020301", "110105004", "三里屯某小区物业不作为，楼道灯坏了一个月没人修。"),
    ("040105", "110108011", "中关村大街辅路路灯连续几晚不亮，晚上走路很危险。"),
    ("030303", "110105021", "南磨房附近工地每天夜里十二点后还在施工，噪音扰民。"),
    ("020203", "110112120", "永顺镇小区单元门上贴满了小广告，希望清理。"),
    ("030507", "110108011", "中关村某写字楼餐厅里有人吸烟，没人劝阻。"),
    ("040206", "110105026", "望京某小区绿地被人占用种菜，毁坏了草坪。"),
    ("030201", "110105004", "公司拖欠三个月工资不发，老板联系不上。"),
    ("030101", "110108011", "孩子入学登记遇到问题，想咨询学区划片。"),
    ("040607", "110105026", "快递三天没送到，快递员电话也打不通。"),
    ("050501", "110108011", "银行信用卡被乱收年费，投诉无门。"),
    ("060802", "110105021", "和邻居因为漏水问题闹矛盾，希望社区调解。"),
    ("020305", "110105026034", "楼道里堆满了杂物，消防通道被堵。"),
    ("040107", "110105004", "小区里架空线缆乱拉，垂得很低。"),
    ("070102", "110105026", "高层阳台上的花盆随时可能掉下来。"),
    ("030402", "110108011", "健身房突然关门，预付卡里还有三千元。"),
    ("040401", "110112120", "小区健身器材坏了很久没人修。"),
    ("080301", "110105021", "社区服务站周末不开门，办事不方便。"),
    ("020208", "110105026034", "有人把电动车推进楼道充电，很危险。"),
]


def test_a_dispatcher_clears_the_queue_by_keyboard(page_as, live_url, cast) -> None:  # type: ignore[no-untyped-def]
    tickets = [
        cast.create(
            category=Category.objects.get(code=code),
            region=Region.objects.get(code=region),
            content=content,
            address="",
            demand_type="complaint",
        )
        for code, region, content in DEMANDS
    ]
    returned = cast.ticket_in(TicketState.DISPATCHED)
    services.ticket_request_return(
        ticket=returned,
        by=cast.handler,
        reason="function",
        note="室温不达标属于供热企业职责，街道无法处理",
        suggested_unit=Unit.objects.get(code="E-heating"),
    )
    override_at = 4  # the fifth ticket goes to another unit than the suggestion

    page = page_as(cast.dispatcher)
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    page.goto(f"{live_url}/")
    page.get_by_role("link", name="派单台").first.click()  # from the landing page, not by URL
    page.wait_for_selector("#waiting")
    assert page.locator("#waiting .queue-item").count() == 20

    for i in range(len(tickets)):
        first = page.locator("#waiting .queue-item").first
        number = first.get_attribute("data-ticket")
        if i == override_at:
            page.keyboard.press("o")
            search = first.locator(".picker-search").first
            assert search.evaluate("el => el === document.activeElement")
            page.keyboard.type("朝阳 城管执法")
            option = first.locator(".picker-options li[role=option]").first
            option.wait_for()
            assert "朝阳区城市管理综合行政执法局" in option.inner_text()
            page.keyboard.press("Enter")
            first.locator("textarea[name$=override_reason]").fill("涉及无照经营，需执法局牵头")
            first.locator("details.override button[type=submit]").click()
        else:
            # focus sits on the first ticket's "dispatch to …" button: Enter takes the suggestion
            assert page.evaluate("document.activeElement.hasAttribute('data-accept')")
            page.keyboard.press("Enter")
        page.wait_for_load_state("load")
        page.wait_for_function(
            "n => !document.querySelector(`#waiting .queue-item[data-ticket='${n}']`)", arg=number
        )
    assert page.locator("#queue-empty").count() == 1

    states = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("pk", "state"))
    assert set(states.values()) == {TicketState.DISPATCHED}
    overridden = Ticket.objects.get(pk=tickets[override_at].pk)
    dispatch_event = overridden.events.get(kind=EventKind.DISPATCH)
    assert dispatch_event.payload["overridden"] is True
    assert overridden.lead_unit.name.endswith("城市管理综合行政执法局")
    assert dispatch_event.payload["override_reason"] == "涉及无照经营，需执法局牵头"
    taken = Ticket.objects.get(pk=tickets[0].pk)
    assert taken.lead_unit.code == "S110105026"  # 占道经营 → the street (街乡综合执法)

    # the return request: the unit's reason and explanation, its suggestion prefilled
    page.keyboard.press("r")
    item = page.locator(f"#returns .queue-item[data-ticket='{returned.number}']")
    assert "室温不达标属于供热企业职责" in item.locator("[data-explanation]").inner_text()
    assert "北京市热力集团有限责任公司" in item.locator("[data-suggested]").inner_text()
    assert page.evaluate("document.activeElement.value") == "redispatch"
    page.keyboard.press("Enter")
    page.wait_for_selector("#returns li.muted")
    returned.refresh_from_db()
    assert (returned.state, returned.lead_unit.code) == (TicketState.DISPATCHED, "E-heating")
    kinds = list(returned.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.APPROVE_RETURN, EventKind.DISPATCH]

    assert not [url for url in visited if "/admin/" in url]
    assert page.errors == []
