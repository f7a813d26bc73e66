"""An event's structured payload as lines a person reads (the admin, the ticket page), not raw JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dispatch.directory.choices import UrgencyTier

from .choices import (
    AssignmentEnd,
    Channel,
    DeadlineClock,
    DeadlineStep,
    RejectReason,
    ReturnReason,
    TicketState,
)

LABELS: dict[str, Any] = {
    "lead_unit": _("lead unit"),
    "assist_units": _("assisting units"),
    "previous_unit": _("previous unit"),
    "suggested_unit": _("suggested unit"),
    "returned_by": _("returned by"),
    "reason": _("reason"),
    "override_reason": _("why the suggestion was overridden"),
    "overridden": _("suggestion overridden"),
    "route": _("route"),
    "channel": _("channel"),
    "category": _("category"),
    "region": _("region"),
    "parent": _("merged into"),
    "merged_child": _("merged ticket"),
    "clock": _("deadline"),
    "step": _("step"),
    "due_at": _("due"),
    "from": _("from"),
    "to": _("to"),
    "provisional": _("provisional"),
    "current_due_at": _("deadline when asked"),
    "proposed_due_at": _("proposed deadline"),
    "granted_due_at": _("granted deadline"),
    "rework_count": _("rework count"),
    "urgency": _("urgency"),
    "hits": _("sensitive words"),
    "caught_up": _("caught up after a delay"),
}
CHOICES: dict[str, type[models.TextChoices]] = {
    "channel": Channel,
    "clock": DeadlineClock,
    "step": DeadlineStep,
    "end_reason": AssignmentEnd,
    "state": TicketState,
    "urgency": UrgencyTier,
}
REASONS: tuple[type[models.TextChoices], ...] = (ReturnReason, RejectReason)
HIDDEN = {"unit"}  # ids, shown elsewhere by name


def _moment(text: str) -> str | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dict):
        if "name" in value:
            return str(value["name"])
        if "explanation" in value:
            return str(value["explanation"])
        return "; ".join(f"{LABELS.get(k, k)}: {_value(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        if key == "hits":
            return "、".join(
                str(hit.get("text", hit)) if isinstance(hit, dict) else str(hit) for hit in value
            )
        return "、".join(_value(key, item) for item in value) or "—"
    text = str(value)
    if key in CHOICES and text in CHOICES[key].values:
        return str(CHOICES[key](text).label)
    if key == "reason":
        for choices in REASONS:
            if text in choices.values:
                return str(choices(text).label)
    return _moment(text) or text


def event_details(payload: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) pairs for what an event recorded besides its kind, states and note."""
    return [
        (str(LABELS.get(key, key)), _value(key, value))
        for key, value in (payload or {}).items()
        if key not in HIDDEN
    ]
