"""Reports: the windows (a 12:00–12:00 day, Monday weeks, calendar months), the figures a report
holds, building only what is due (idempotent), pages and CSV/Excel downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from dispatch.directory.models import Category, Region
from evaluation.models import Report
from evaluation.reports import window_ending_before
from evaluation.services import reports_build_due
from orders import clock

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("kind", "moment", "start", "end"),
    [
        (
            "daily",
            dt.datetime(2026, 11, 20, 13, 0, tzinfo=TZ),
            dt.datetime(2026, 11, 19, 12, tzinfo=TZ),
            dt.datetime(2026, 11, 20, 12, tzinfo=TZ),
        ),
        (
            "daily",
            dt.datetime(2026, 11, 20, 11, 59, tzinfo=TZ),
            dt.datetime(2026, 11, 18, 12, tzinfo=TZ),
            dt.datetime(2026, 11, 19, 12, tzinfo=TZ),
        ),
        (
            "weekly",
            dt.datetime(2026, 11, 20, 10, tzinfo=TZ),
            dt.datetime(2026, 11, 9, tzinfo=TZ),
            dt.datetime(2026, 11, 16, tzinfo=TZ),
        ),
        (
            "monthly",
            dt.datetime(2026, 11, 20, 10, tzinfo=TZ),
            dt.datetime(2026, 10, 1, tzinfo=TZ),
            dt.datetime(2026, 11, 1, tzinfo=TZ),
        ),
        (
            "monthly",
            dt.datetime(2026, 1, 3, 10, tzinfo=TZ),
            dt.datetime(2025, 12, 1, tzinfo=TZ),
            dt.datetime(2026, 1, 1, tzinfo=TZ),
        ),
    ],
)
def test_windows(kind: str, moment: dt.datetime, start: dt.datetime, end: dt.datetime) -> None:
    got_start, got_end, _label = window_ending_before(kind, moment)
    assert (got_start, got_end) == (start, end)


def test_the_daily_cutoff_is_a_setting(settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORT_DAY_CUTOFF_HOUR = 0
    start, end, _ = window_ending_before("daily", dt.datetime(2026, 11, 20, 13, tzinfo=TZ))
    assert (start, end) == (dt.datetime(2026, 11, 19, tzinfo=TZ), dt.datetime(2026, 11, 20, tzinfo=TZ))


@pytest.mark.django_db
def test_reports_are_built_once_with_their_figures(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    region = Region.objects.get(code="110105026")
    moments = [dt.datetime(2026, 11, 19, 20, tzinfo=TZ), dt.datetime(2026, 11, 20, 6, tzinfo=TZ)]
    moments.append(dt.datetime(2026, 11, 20, 12, 30, tzinfo=TZ))  # after the window
    for moment in moments:
        with clock.frozen_at(moment):
            cast.create(region=region, category=Category.objects.get(code="010601"))
    built = reports_build_due(now=dt.datetime(2026, 11, 20, 13, tzinfo=TZ))
    assert len(built) == 5  # day, week, month, quarter, year
    quarter = Report.objects.get(kind="quarterly")
    assert (quarter.label, quarter.window_start, quarter.window_end) == (
        "2026-Q3",
        dt.datetime(2026, 7, 1, tzinfo=TZ),
        dt.datetime(2026, 10, 1, tzinfo=TZ),
    )
    year = Report.objects.get(kind="annual")
    assert (year.label, year.window_start) == ("2025", dt.datetime(2025, 1, 1, tzinfo=TZ))
    daily = Report.objects.get(kind="daily")
    assert daily.window_end == dt.datetime(2026, 11, 20, 12, tzinfo=TZ)
    assert daily.data["overview"]["logged"] == 2  # the third ticket was logged after 12:00 on the 20th
    assert daily.data["top_categories"][0]["count"] == 2
    assert reports_build_due(now=dt.datetime(2026, 11, 20, 14, tzinfo=TZ)) == []  # nothing new is due
    client = Client()
    client.force_login(make_user("assessor"))
    assert client.get("/insight/reports/").status_code == 200
    page = client.get(f"/insight/reports/{daily.pk}/")
    assert page.status_code == 200
    assert "朝阳区" in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/insight/reports/{daily.pk}/?export=csv").content.decode("utf-8-sig"))
        )
    )
    # labelled in the request's language (Chinese by default), the same tables as the page
    assert ["概况", "受理量", "2"] in rows
    assert ["受理渠道", "12345 电话", "2"] in rows
    assert rows[0] == ["表", "项目", "数值"]
    english = client.get(f"/insight/reports/{daily.pk}/?export=csv", HTTP_ACCEPT_LANGUAGE="en")
    english_rows = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert ["Overview", "logged", "2"] in english_rows
    assert ["Channels", "12345 phone", "2"] in english_rows
    # the file is named by the window's local start (12:00 Beijing time, not 04:00 UTC)
    assert 'filename="report-daily-202611191200.csv"' in english["Content-Disposition"]
    html = page.content.decode()
    for section in ("report-overview", "report-channels", "report-best", "report-worst", "report-topics"):
        assert f'id="{section}"' in html
    workbook = load_workbook(io.BytesIO(client.get(f"/insight/reports/{daily.pk}/?export=xlsx").content))
    assert workbook.active.cell(row=1, column=1).value == "表"
    client.force_login(cast.handler)
    assert client.get("/insight/reports/").status_code == 403
