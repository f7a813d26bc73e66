"""Template helpers of the assessment pages: links that keep the filters, sort toggles, rates."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (None or "" removes one)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    params.pop("page", None) if "page" not in changes else None
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def sort_toggle(current: str, field: str) -> str:
    """Sorting by a column: ascending first for rank, descending first for the rest; a second click
    reverses."""
    if current == field:
        return f"-{field}"
    if current == f"-{field}":
        return field
    return field if field in ("rank", "overdue") else f"-{field}"


@register.filter
def rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@register.filter
def rank_change(value: int | None) -> SafeString:
    if value is None:
        return mark_safe('<span class="muted">—</span>')
    if value > 0:
        return format_html('<span class="up" title="+{0}">▲{0}</span>', value)
    if value < 0:
        return format_html('<span class="down" title="{0}">▼{1}</span>', value, -value)
    return mark_safe('<span class="muted">=</span>')
