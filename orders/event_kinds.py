"""Event kinds: what a ``TicketEvent`` records.

``orders`` registers its own kinds (``choices.EventKind``); the apps above register theirs when they
start (``AppConfig.ready``), so a new kind needs no migration of ``orders``. An event of an
unregistered kind is refused when it is written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext as _

_KINDS: dict[str, Any] = {}


def event_kinds_register(choices: type[models.TextChoices]) -> None:
    """Add an app's event kinds (a TextChoices class: value → label). Idempotent per class."""
    for value, label in choices.choices:
        known = _KINDS.get(value)
        if known is not None and str(known) != str(label):
            raise ImproperlyConfigured(f"event kind {value!r} registered twice with different labels")
        _KINDS[value] = label


def event_kind_label(kind: str) -> str:
    return str(_KINDS.get(kind, kind))


def event_kind_choices() -> list[tuple[str, str]]:
    return sorted(((value, str(label)) for value, label in _KINDS.items()), key=lambda item: item[0])


def event_kind_check(kind: str) -> None:
    if kind not in _KINDS:
        raise ValidationError({"kind": _("Unknown event kind “%(kind)s”.") % {"kind": kind}})
