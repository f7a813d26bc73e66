"""The warning list in a real browser: a supervisor acknowledges a warning and closes it."""

from __future__ import annotations

import pytest

from evaluation.models import EarlyWarning
from evaluation.services import warnings_scan
from tests.evaluation.test_early_warnings import planted  # noqa: F401  (the planted dataset)

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
