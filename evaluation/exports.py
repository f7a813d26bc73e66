"""Assessment tables as files: the ranking of a group and period as CSV (UTF-8 with BOM, so that
Excel opens Chinese text correctly) or XLSX (openpyxl, streamed in write-only mode)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .models import PeriodScore


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _district(score: PeriodScore) -> str:
    region = score.unit.region
    if region is None:
        return ""
    if region.level == "district":
        return region.name
    parent = region.parent
    return parent.name if parent is not None else ""


COLUMNS: list[tuple[Any, Callable[[PeriodScore], Any]]] = [
    (_("period"), lambda s: s.label),
    (_("assessment group"), lambda s: s.get_group_display()),
    (_("rank"), lambda s: s.rank),
    (_("ranked units"), lambda s: s.rank_of),
    (_("previous rank"), lambda s: s.previous_rank),
    (_("rank change"), lambda s: s.rank_change),
    (_("unit code"), lambda s: s.unit.code),
    (_("unit"), lambda s: s.unit.name),
    (_("district"), _district),
    (_("composite score"), lambda s: _pct(s.composite)),
    (_("response rate"), lambda s: _pct(s.response_rate)),
    (_("resolution rate"), lambda s: _pct(s.resolution_rate)),
    (_("satisfaction rate"), lambda s: _pct(s.satisfaction_rate)),
    (_("tickets led"), lambda s: s.tickets),
    (_("callbacks"), lambda s: s.callbacks),
    (_("valid callbacks"), lambda s: s.valid_callbacks),
    (_("unreachable"), lambda s: s.unreachable),
    (_("exempt by appeal"), lambda s: s.exempt),
    (_("contacted"), lambda s: s.contacted),
    (_("resolved"), lambda s: s.resolved),
    (_("satisfied"), lambda s: s.satisfied),
    (_("basically satisfied"), lambda s: s.basic),
    (_("unsatisfied"), lambda s: s.unsatisfied),
    (_("signed on time"), lambda s: _pct(s.signed_on_time_rate)),
    (_("handled on time"), lambda s: _pct(s.handled_on_time_rate)),
    (_("overdue"), lambda s: s.overdue),
    (_("return rate"), lambda s: _pct(s.return_rate)),
    (_("whistle reports on time"), lambda s: _pct(s.whistle_reports_on_time_rate)),
    (_("street rating of whistle reports"), lambda s: _pct(s.whistle_rating)),
    (_("tickets per 1,000 residents"), lambda s: _pct(s.per_thousand_residents)),
    (_("final"), lambda s: s.is_final),
]


def sheet_title(title: str) -> str:
    """Excel refuses : \\ / ? * [ ] in a sheet's name and more than 31 characters."""
    return re.sub(r"[:\\/?*\[\]]", "-", title).strip()[:31] or "sheet"


def score_rows(scores: Iterable[PeriodScore]) -> Iterable[list[Any]]:
    yield [str(title) for title, _getter in COLUMNS]
    for score in scores:
        yield [getter(score) for _title, getter in COLUMNS]


def scores_csv(scores: Iterable[PeriodScore]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in score_rows(scores):
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def scores_xlsx(scores: Iterable[PeriodScore], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    for index, (heading, _getter) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(str(heading)) * 2)
    sheet.freeze_panes = "A2"
    for row in score_rows(scores):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_csv(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rows_xlsx(rows: Iterable[list[Any]], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
