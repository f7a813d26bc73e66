"""The assessment pages in a real browser: ranking (sort, filter, export), a unit's trend chart, and
the district map."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from evaluation.choices import Satisfaction
from evaluation.services import periods_compute_due
from tests.evaluation.helpers import closed_unreachable, closed_with
from tests.factories import Cast

pytestmark = pytest.mark.browser


@pytest.fixture
def scored(cast, make_user):  # type: ignore[no-untyped-def]
    """Two 朝阳 streets and one 海淀 street with different results, scored for November."""
    callback = {"callback@HOTLINE": cast.callback}
    good = Cast(make_user=make_user, lead_code="S110105001", users=dict(callback))
    poor = cast  # S110105026
    haidian = Cast(make_user=make_user, lead_code="S110108001", users=dict(callback))
    for _ in range(3):
        closed_with(good, contacted=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    closed_with(poor, contacted=True, resolved=False, satisfaction=Satisfaction.UNSATISFIED)
    closed_with(poor, contacted=True, resolved=True, satisfaction=Satisfaction.BASIC)
    closed_unreachable(poor)
    closed_with(haidian, contacted=True, resolved=True, satisfaction=Satisfaction.BASIC)
    periods_compute_due(today=dt.date(2026, 11, 20))
    return {"assessor": make_user("assessor"), "handler": poor.handler}


def svg_texts(page, selector: str) -> set[str]:  # type: ignore[no-untyped-def]
    return set(page.locator(f"{selector} svg text").evaluate_all("els => els.map(e => e.textContent)"))


def ranking_units(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("#ranking tbody tr").evaluate_all("rows => rows.map(r => r.dataset.unit)")


def test_ranking_sorts_filters_and_exports(page_as, live_url, scored, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = page_as(scored["assessor"])
    page.goto(f"{live_url}/assessment/?group=street")
    assert page.locator("h1").inner_text().startswith("考评排名")
    assert ranking_units(page) == ["S110105001", "S110108001", "S110105026"]
    # click the composite header twice: best first, then worst first
    page.get_by_role("link", name="综合得分").click()
    assert ranking_units(page)[0] == "S110105001"
    page.get_by_role("link", name="综合得分").click()
    assert ranking_units(page) == ["S110105026", "S110108001", "S110105001"]
    # filter to 海淀区
    page.select_option("#f-district", label="海淀区")
    page.get_by_role("button", name="查询").click()
    assert ranking_units(page) == ["S110108001"]
    with page.expect_download() as download:
        page.click("#export-csv")
    path = tmp_path / "ranking.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["考评周期", "考评分组", "排名"]
    assert [row[6] for row in rows[1:]] == ["S110108001"]
    page.select_option("#f-district", value="")
    page.get_by_role("button", name="查询").click()
    with page.expect_download() as download:
        page.click("#export-xlsx")
    path = tmp_path / "ranking.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    codes = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == ["S110105001", "S110105026", "S110108001"]
    assert page.errors == []


def test_unit_trend_chart_renders(page_as, live_url, scored) -> None:  # type: ignore[no-untyped-def]
    page = page_as(scored["handler"])
    page.goto(f"{live_url}/assessment/units/S110105026/")
    page.wait_for_selector("#trend-chart[data-rendered=true] svg")
    legend = svg_texts(page, "#trend-chart")
    assert {"响应率", "解决率", "满意率", "综合得分"} <= legend
    assert {"2026-11"} <= legend
    assert page.locator("#trend-chart svg path").count() > 10
    rows = page.locator("#drilldown tbody tr")
    assert rows.count() == 3
    # another unit's page is not this handler's to see
    response = page.goto(f"{live_url}/assessment/units/S110105001/")
    assert response.status == 404
    assert page.errors == []


def test_district_map_renders_and_lists_streets(page_as, live_url, scored) -> None:  # type: ignore[no-untyped-def]
    page = page_as(scored["assessor"])
    page.goto(f"{live_url}/assessment/map/")
    page.wait_for_selector("#district-map[data-rendered=true] svg")
    assert int(page.get_attribute("#district-map", "data-regions")) >= 16
    assert page.locator("#district-map svg path").count() >= 16
    assert {"朝阳区", "海淀区", "延庆区"} <= svg_texts(page, "#district-map")
    # the legend states the score ranges in numbers
    assert any(re.fullmatch(r"\d+\.\d - \d+\.\d", text) for text in svg_texts(page, "#district-map"))
    page.select_option("#m-district", label="朝阳区")
    page.wait_for_selector("#district-map[data-rendered=true] svg")
    streets = page.locator("#street-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.unit)")
    assert streets == ["S110105001", "S110105026"]
    assert page.errors == []
