"""The intake desk in a real browser: an agent takes a call from a known caller, sees the history,
the duplicate, the route and the knowledge base, and logs the ticket — plain, answered directly
from an article, or merged into the open ticket it duplicates."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatch.directory.models import Category, Unit
from hotline.services import article_save
from orders.choices import TicketState
from orders.models import Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(page_as, live_url, cast, make_user):  # type: ignore[no-untyped-def]
    first = cast.create(content="花家地西里3号楼暖气不热，室温只有15度", caller_phone="13900000001")
    article = article_save(
        by=make_user("dispatcher"),
        title="供暖期室温标准及报修方式",
        body="本市供暖期室温不低于18℃，室温不达标可拨打供热单位报修电话。",
        owner_unit=Unit.objects.get(code="HOTLINE"),
        review_by=dt.date(2027, 3, 1),
        category=Category.objects.get(code="010501"),
    )
    page = page_as(cast.agent)
    page.goto(f"{live_url}/desk/intake/")
    return {"page": page, "first": first, "article": article}


def fill_call(page, content: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#caller_phone", "139 0000 0001")
    page.press("#caller_phone", "Enter")
    page.wait_for_selector("#caller-history li")
    page.fill("#category-search", "暖气")
    page.select_option("#category", "010501")
    page.dispatch_event("#category", "change")
    page.fill("#address", "朝阳区花家地西里3号楼")
    page.dispatch_event("#address", "change")
    page.select_option("#region", "110105026")
    page.dispatch_event("#region", "change")
    page.fill("#content", content)


def test_agent_logs_a_ticket_end_to_end(desk) -> None:  # type: ignore[no-untyped-def]
    page, first = desk["page"], desk["first"]
    fill_call(page, "3号楼的暖气不热，家里才十五度，扬言要找媒体")
    assert page.locator("#caller-history li").count() == 1
    assert page.locator("#caller_name").input_value() == "张三"  # the known caller's name
    page.wait_for_selector(f"#duplicates li[data-number='{first.number}']")
    page.wait_for_selector("#route-lead")
    assert page.locator("#route-lead").inner_text()
    page.wait_for_selector("#sensitive-panel mark")
    assert page.locator("#sensitive-panel mark").first.inner_text() == "扬言"
    page.wait_for_selector(f"#articles li[data-article='{desk['article'].pk}']")
    page.click("#submit")
    page.wait_for_selector("#created-ticket")
    number = page.get_attribute("#created-ticket", "data-number")
    ticket = Ticket.objects.get(number=number)
    assert (ticket.category.code, ticket.region.code, ticket.caller_id) == (
        "010501",
        "110105026",
        first.caller_id,
    )
    assert ticket.urgency == "emergency"  # the sensitive word raised it
    # Ready for the next call: no number, every category again, no route, no address note …
    assert page.locator("#caller_phone").input_value() == ""
    leaves = Category.objects.filter(level=3, is_active=True).count()
    assert page.locator("#category option").count() == leaves
    assert page.locator("#route-lead").count() == 0
    assert page.locator("#address-note").inner_text() == ""
    # … and the new number opens the ticket.
    page.click(f"#created-ticket a:has-text('{number}')")
    page.wait_for_url(f"**/desk/tickets/{ticket.pk}/")
    assert page.errors == []


def test_answer_directly_from_the_knowledge_base(desk) -> None:  # type: ignore[no-untyped-def]
    page, article = desk["page"], desk["article"]
    fill_call(page, "请问供暖期室温标准是多少度")
    page.wait_for_selector(f"#articles li[data-article='{article.pk}'] button.answer")
    page.click(f"#articles li[data-article='{article.pk}'] button.answer")
    page.click("#submit")
    page.wait_for_selector("#created-ticket")
    ticket = Ticket.objects.get(number=page.get_attribute("#created-ticket", "data-number"))
    assert ticket.state == TicketState.ANSWERED
    assert ticket.events.get(kind="answer").payload["article"] == article.pk
    assert page.errors == []


def test_merge_into_the_suggested_duplicate(desk) -> None:  # type: ignore[no-untyped-def]
    page, first = desk["page"], desk["first"]
    fill_call(page, "3号楼暖气不热，家里才十五度")
    page.wait_for_selector(f"#duplicates li[data-number='{first.number}'] button.merge")
    page.click(f"#duplicates li[data-number='{first.number}'] button.merge")
    page.click("#submit")
    page.wait_for_selector("#created-ticket")
    ticket = Ticket.objects.get(number=page.get_attribute("#created-ticket", "data-number"))
    assert (ticket.state, ticket.parent_id) == (TicketState.MERGED, first.pk)
    assert page.errors == []


def test_a_flagged_caller_is_refused_through_the_rejection_flow(desk, cast, make_user) -> None:  # type: ignore[no-untyped-def]
    from hotline.services import caller_flag_request, caller_flag_review

    page, first = desk["page"], desk["first"]
    flag = caller_flag_request(caller=first.caller, by=cast.agent, reason="多次辱骂话务员", days=30)
    caller_flag_review(flag=flag, by=make_user("supervisor"), approve=True, note="录音属实")
    fill_call(page, "又打来骂人，无实质诉求")
    page.wait_for_selector("#caller-panel .flag.abusive")
    assert "多次辱骂话务员" in page.locator("#caller-panel .flag.abusive").inner_text()
    page.click("#refuse-abusive")
    page.click("#submit")
    page.wait_for_selector("#created-ticket")
    ticket = Ticket.objects.get(number=page.get_attribute("#created-ticket", "data-number"))
    assert (ticket.state, ticket.events.get(kind="reject").payload.get("reason")) == (
        TicketState.REJECTED,
        "abusive",
    )
    assert page.errors == []


def test_the_desk_shows_the_direct_answer_rate(page_as, live_url, cast) -> None:  # type: ignore[no-untyped-def]
    from orders import services

    services.ticket_answer(ticket=cast.create(), by=cast.agent, answer="已告知报修电话")
    cast.create()
    page = page_as(cast.agent)
    page.goto(f"{live_url}/desk/intake/")
    assert "50.0%" in page.locator("#direct-answer-rate").inner_text()


def test_an_address_elsewhere_is_refused_as_outside_the_jurisdiction(desk) -> None:  # type: ignore[no-untyped-def]
    page = desk["page"]
    page.fill("#caller_phone", "139 0000 0002")
    page.fill("#category-search", "暖气")
    page.select_option("#category", "010501")
    page.fill("#address", "河北省三河市燕郊镇迎宾路")
    page.dispatch_event("#address", "change")
    page.wait_for_selector("#refuse-outside")
    assert "河北省" in page.locator("#address-note").inner_text()
    page.click("#refuse-outside")
    page.fill("#content", "燕郊的暖气不热")
    page.click("#submit")
    page.wait_for_selector("#created-ticket")
    ticket = Ticket.objects.get(number=page.get_attribute("#created-ticket", "data-number"))
    assert ticket.state == TicketState.REJECTED
    assert ticket.reject_reason == "out_of_jurisdiction"
    assert (ticket.region.level, ticket.district) == ("city", None)
    assert page.errors == []


def test_the_content_suggests_a_category_and_the_search_knows_common_phrasing(desk) -> None:  # type: ignore[no-untyped-def]
    page = desk["page"]
    page.fill("#content", "快递三天了还没送到，打电话给快递员也不接")
    first = page.locator("#category-suggestions li").first
    first.wait_for()
    assert "快递服务" in first.inner_text()
    assert "快递" in first.inner_text()  # the deciding word is shown
    first.locator("button").click()
    assert page.input_value("#category") == "040607"
    # search by what callers say: segmented and matched against the synonym list
    page.fill("#category-search", "楼上漏水")
    first_option = "document.querySelector('#category').options[0]?.value"
    page.wait_for_function(f"{first_option} === '020306'")
    page.fill("#category-search", "地锁")
    page.wait_for_function(
        f"{first_option} === '020304' && document.querySelector('#category').options.length === 1"
    )
    assert page.input_value("#category") == "020304"
    assert page.errors == []


def test_an_emergency_category_prompts_the_transfer_and_is_refused_with_its_line(desk) -> None:  # type: ignore[no-untyped-def]
    page = desk["page"]
    page.fill("#caller_phone", "139 0000 0003")
    page.fill("#content", "楼道里燃气味特别大，好像漏气了")
    page.fill("#category-search", "燃气泄漏")
    page.wait_for_function("[...document.querySelector('#category').options].some(o => o.value === '010402')")
    page.select_option("#category", "010402")
    page.dispatch_event("#category", "change")
    page.wait_for_selector("#transfer-prompt")
    assert "119" in page.locator("#transfer-prompt").inner_text()
    page.click("#transfer-done")
    page.select_option("#region", "110105026")
    page.select_option("#demand_type", "help")
    page.click("#submit")
    page.wait_for_selector("#created-ticket")
    ticket = Ticket.objects.get(number=page.get_attribute("#created-ticket", "data-number"))
    assert (ticket.state, ticket.reject_reason, ticket.transferred_to) == (
        TicketState.REJECTED,
        "emergency",
        "119",
    )
    assert page.errors == []
