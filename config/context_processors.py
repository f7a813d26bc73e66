"""Template context every page gets."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from dispatch.directory.cache import cached
from orders.access import ticket_scope
from orders.services.calendar import provisional_warning_text
from orders.sla import provisional_calendar_years


def calendar_banner(request: HttpRequest) -> dict[str, Any]:
    """From 1 November, supervisors and administrators see that next year's calendar is provisional."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not (user.is_staff or ticket_scope(user).supervised_units):
        return {}
    today = timezone.localdate()
    years = cached("sla", f"provisional-years:{today}", lambda: provisional_calendar_years(today))
    ahead = [year for year in years if year > today.year]
    return {"calendar_banner": provisional_warning_text(ahead[0])} if ahead else {}
