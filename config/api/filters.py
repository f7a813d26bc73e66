"""Filter fields shared by the apps' list endpoints: bad values answer 400, never reach the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

# Real UTC offsets run from -12:00 to +14:00; PostgreSQL refuses beyond ±15:59 with a server error.
MAX_OFFSET = dt.timedelta(hours=14)


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time with a real UTC offset, normalised to UTC."""

    default_error_messages = {
        "offset": _("The UTC offset must lie between -12:00 and +14:00."),
        "range": _("This date and time is out of range."),
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        if offset is not None and not (-dt.timedelta(hours=12) <= offset <= MAX_OFFSET):
            raise ValidationError(self.error_messages["offset"], code="offset")
        try:
            return moment.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise ValidationError(self.error_messages["range"], code="range") from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField
