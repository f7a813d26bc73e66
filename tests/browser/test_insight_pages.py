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


def test_insight_dashboard_renders_its_charts(page_as, live_url, cast, make_user) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from dispatch.directory.models import Category, Region
    from evaluation.services import period_scores_compute
    from orders import clock
    from tests.evaluation.helpers import closed_with

    for day in (3, 8, 12):
        with clock.frozen_at(dt.datetime(2026, 11, day, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
            cast.create(
                region=Region.objects.get(code="110105026"), category=Category.objects.get(code="010601")
            )
    for _ in range(5):
        closed_with(cast, contacted=True, resolved=True, satisfaction="satisfied")
    period_scores_compute(group="street", day=dt.date(2026, 11, 20))
    page = page_as(make_user("assessor"))
    page.goto(f"{live_url}/insight/?period=2026-11")
    for chart in ("insight-map", "insight-trend", "insight-tree", "insight-quadrants"):
        page.wait_for_selector(f"#{chart}[data-rendered=true] svg")
    assert page.locator("#insight-map svg path").count() >= 16
    assert page.locator("#street-volume tr[data-street='110105026']").count() == 1
    assert "朝阳区" in set(
        page.locator("#insight-map svg text").evaluate_all("els => els.map(e => e.textContent)")
    )
    assert page.errors == []
