"""Choosing a unit in a form: a search box instead of a select of every unit.

``UnitField`` and ``UnitsField`` take unit codes (the search widget writes them into hidden inputs;
typed by hand, an exact code or name works too). ``UnitPicker`` renders the chosen units as chips
and a search box that asks ``/api/v1/units/`` as the user types, by name, kind and district — the
whistle form limits it to the ticket's district and the city-wide units (``near``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import UnitKind
from .models import Unit
from .reads import district_list

PICKABLE_KINDS = [kind for kind in UnitKind if kind != UnitKind.HOTLINE_CENTRE]


class UnitPicker(forms.Widget):
    """Chips for the chosen units, a search box, and filters by kind and district."""

    template_name = "directory/unit_picker.html"

    class Media:
        js = ["js/unit_picker.js"]

    def __init__(
        self,
        *,
        multiple: bool = False,
        kinds: Sequence[str] = (),
        near: str = "",
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        self.kinds = list(kinds)
        self.near = near  # a district code: that district's units and the city-wide ones

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            return [v for v in (data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])) if v]
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False if self.multiple else name not in data

    def format_value(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [v.code if isinstance(v, Unit) else str(v) for v in values]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        codes = context["widget"]["value"]
        known = {u.code: u for u in Unit.objects.filter(code__in=codes)} if codes else {}
        kinds = self.kinds or PICKABLE_KINDS
        context["widget"].update(
            {
                "chosen": [{"code": c, "name": known[c].name if c in known else c} for c in codes],
                "multiple": self.multiple,
                "kinds": [(k, UnitKind(k).label) for k in kinds],
                "kind_filter": ",".join(self.kinds),
                "near": self.near,
                "districts": [] if self.near else list(district_list().values_list("code", "name")),
            }
        )
        return context


def _pickable() -> Any:
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.HOTLINE_CENTRE)


def _find(value: str, queryset: Any) -> Unit | None:
    value = value.strip()
    return queryset.filter(Q(code=value) | Q(name=value)).order_by("code").first()


class UnitField(forms.Field):
    """One unit, by code (or exact name)."""

    widget = UnitPicker
    default_error_messages = {"unknown": gettext_lazy("No active unit “%(value)s”.")}

    def __init__(self, *, kinds: Sequence[str] = (), **kwargs: Any) -> None:
        self.kinds = list(kinds)
        kwargs.setdefault("widget", UnitPicker(kinds=self.kinds))
        super().__init__(**kwargs)

    def queryset(self) -> Any:
        units = _pickable()
        return units.filter(kind__in=self.kinds) if self.kinds else units

    def to_python(self, value: Any) -> Unit | None:
        if isinstance(value, Unit):
            return value
        if value in self.empty_values:
            return None
        unit = _find(str(value), self.queryset())
        if unit is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value})
        return unit


class UnitsField(forms.Field):
    """Several units, by code (or exact name)."""

    default_error_messages = {"unknown": gettext_lazy("No active unit “%(value)s”.")}

    def __init__(self, *, kinds: Sequence[str] = (), near: str = "", **kwargs: Any) -> None:
        self.kinds = list(kinds)
        kwargs.setdefault("widget", UnitPicker(multiple=True, kinds=self.kinds, near=near))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[Unit]:
        if value in self.empty_values:
            return []
        values: Iterable[Any] = value if isinstance(value, (list, tuple)) else [value]
        queryset = _pickable().filter(kind__in=self.kinds) if self.kinds else _pickable()
        units: dict[int, Unit] = {}
        for item in values:
            unit = item if isinstance(item, Unit) else _find(str(item), queryset)
            if unit is None:
                raise ValidationError(self.error_messages["unknown"], code="unknown", params={"value": item})
            units[unit.pk] = unit
        return list(units.values())

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(_("Choose at least one unit."), code="required")
