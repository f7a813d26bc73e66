"""One place that turns domain exceptions into HTTP answers.

- Django ``ValidationError`` → 400 with a message per field;
- ``PermissionDenied`` → 403, ``Http404`` → 404 (DRF's defaults);
- ``Conflict`` (a transition not allowed from the current state, a concurrent change) → 409.
Messages are translated: Chinese by default, English with ``Accept-Language: en``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """409: the action conflicts with the resource's current state."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This action conflicts with the current state.")
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    domain_status = getattr(exc, "http_status", None)
    if domain_status == status.HTTP_409_CONFLICT and not isinstance(exc, exceptions.APIException):
        exc = Conflict(detail=str(exc), code=getattr(exc, "code", "conflict"))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
        codes = exc.get_codes()
        if isinstance(codes, str) and "code" not in response.data:
            response.data["code"] = codes
    return response
