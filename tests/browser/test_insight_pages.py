"""The warning list in a real browser: a supervisor acknowledges a warning and closes it."""

from __future__ import annotations

import pytest

from evaluation.models import EarlyWarning
from evaluation.services import warnings_scan
from tests.evaluation.services.test_early_warnings import planted  # noqa: F401  (the planted dataset)

pytestmark = pytest.mark.browser


def test_supervisor_handles_a_warning(page_as, live_url, planted, make_user) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    warnings_scan()
    cluster = EarlyWarning.objects.get(kind="cluster")
    page = page_as(make_user("supervisor"))
    page.goto(f"{live_url}/insight/warnings/")
    row = page.locator(f"#warnings tr[data-warning='{cluster.pk}']")
    assert "道路积水" in row.inner_text()
    row.locator("button.ack").click()
    page.wait_for_selector("#warnings")
    cluster.refresh_from_db()
    assert cluster.status == "acknowledged"
    page.goto(f"{live_url}/insight/warnings/?status=acknowledged")
    row = page.locator(f"#warnings tr[data-warning='{cluster.pk}']")
    row.locator("input[name=note]").fill("已组织抽排积水")
    row.locator("button.close").click()
    page.wait_for_selector("#warnings")
    cluster.refresh_from_db()
    assert (cluster.status, cluster.note) == ("closed", "已组织抽排积水")
    assert page.errors == []


def test_insight_dashboard_on_an_unfinished_month(page_as, live_url, cast, make_user) -> None:  # type: ignore[no-untyped-def]
    """The current month (unfinished) against the same elapsed span of the previous month; the
    quadrant placed from complaint rate and satisfaction; a point opens its street's tickets."""
    import datetime as dt

    from django.utils import timezone

    from dispatch.directory.models import Category, Region
    from orders import clock
    from tests.evaluation.helpers import closed_with

    now = timezone.localtime(clock.now())
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    previous_start = (month_start - dt.timedelta(days=1)).replace(day=1)
    inside = previous_start + (now - month_start) / 2  # in the previous month's same elapsed span
    after = previous_start + dt.timedelta(days=25)  # later in the previous month: not compared
    category = Category.objects.get(code="010601")

    def community(street: str) -> Region:
        return Region.objects.filter(parent__code=street, level="community").order_by("code").first()

    for moment in (inside, after):
        with clock.frozen_at(moment):
            cast.create(region=community("110105026"), category=category)
    for street, satisfaction, n in (("110105026", "satisfied", 5), ("110105001", "unsatisfied", 7)):
        for _ in range(n):
            closed_with(
                cast,
                contacted=True,
                resolved=satisfaction == "satisfied",
                satisfaction=satisfaction,
                region=community(street),
                category=category,
            )
    label = f"{now:%Y-%m}"
    page = page_as(make_user("assessor"))
    page.goto(f"{live_url}/insight/?period={label}")
    for chart in ("insight-map", "insight-trend", "insight-tree", "insight-quadrants"):
        page.wait_for_selector(f"#{chart}[data-rendered=true] svg")
    note = page.locator("#unfinished-note").inner_text()
    assert "同期" in note
    assert f"{previous_start:%Y-%m-%d} 00:00" in note
    row = page.locator("#street-volume tr[data-street='110105026']")
    assert row.locator("td").nth(1).inner_text() == "5"  # this month so far
    assert row.locator("td").nth(2).inner_text() == "1"  # the same span last month, not 2
    # the map's legend states its ranges in numbers
    legend = page.locator("#insight-map svg text").evaluate_all("els => els.map(e => e.textContent)")
    assert any(" - " in text or "~" in text for text in legend), legend
    quadrant = {
        r.get_attribute("data-key"): (r.get_attribute("data-quadrant"), r.get_attribute("data-trend"))
        for r in page.locator("#quadrant-table tbody tr").all()
    }
    assert quadrant == {"110105026": ("bright_spot", ""), "110105001": ("hard_problem", "")}
    assert "亮点" in page.locator("#quadrant-table").inner_text()
    # click the point of 建外 in the chart: its tickets open
    page.locator("#insight-quadrants").scroll_into_view_if_needed()
    box = page.locator("#insight-quadrants").bounding_box()
    x, y = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById("insight-quadrants"));
            const option = chart.getOption();
            const index = option.series.findIndex(s => s.data.some(d => d.key === "110105001"));
            const point = option.series[index].data.find(d => d.key === "110105001");
            return chart.convertToPixel({seriesIndex: index}, point.value);
        }"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/insight/tickets/**")
    assert page.locator("#ticket-total").inner_text() == "7"
    assert "建外" in page.locator("h1").inner_text()
    assert page.locator("#insight-tickets tbody tr").count() == 7
    assert page.errors == []


def test_insight_dashboard_without_data_says_so(page_as, live_url, make_user) -> None:  # type: ignore[no-untyped-def]
    page = page_as(make_user("assessor"))
    page.goto(f"{live_url}/insight/")
    page.wait_for_selector("#insight-map[data-rendered=true] svg")
    assert page.locator("#quadrant-empty").is_visible()
    assert page.locator("#insight-quadrants").count() == 0
    assert page.locator("p.empty").count() == 2  # the trend and the treemap
    assert page.locator("#street-volume td.muted").inner_text() == "本期没有诉求。"
    assert page.errors == []
