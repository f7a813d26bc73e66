"""Reports (日报、周报、月报): building the stored report of a window, and the windows that are due."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from orders import clock

from ..choices import (
    ReportKind,
)
from ..models import (
    Report,
)


@transaction.atomic
def report_build(*, kind: str, start: dt.datetime, end: dt.datetime, label: str) -> Report:
    """Build (or rebuild) the report of a window; stored whole."""
    from ..reports import report_figures

    report, _created = Report.objects.update_or_create(
        kind=kind,
        window_start=start,
        defaults={
            "label": label,
            "window_end": end,
            "data": report_figures(kind=kind, start=start, end=end),
            "built_at": clock.now(),
        },
    )
    return report


def reports_build_due(*, now: dt.datetime | None = None) -> list[str]:
    """Hourly: each kind's last complete window, if its report is not built yet. Idempotent."""
    from ..reports import window_ending_before

    now = now or clock.now()
    built = []
    for kind in ReportKind.values:
        start, end, label = window_ending_before(kind, now)
        if not Report.objects.filter(kind=kind, window_start=start).exists():
            report_build(kind=kind, start=start, end=end, label=label)
            built.append(f"{kind} {label}")
    return built
