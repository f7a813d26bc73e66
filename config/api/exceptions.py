"""One place that turns domain exceptions into HTTP answers.

- Django ``ValidationError`` → 400 with a message per field;
- ``PermissionDenied`` → 403, ``Http404`` → 404 (DRF's defaults);
- a domain conflict (``orders.exceptions.Conflict``: a transition not allowed from the current
  state, a concurrent change, an appeal already decided …) → 409, naming its ``subject``.
Messages are translated: Chinese by default, English with ``Accept-Language: en``.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as django_gettext
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


JSON_POSITION = re.compile(r"line (\d+) column (\d+)")
NOT_FOUND_MODEL = re.compile(r"^No (\w+) matches the given query\.$")


def _not_found(exc: Http404) -> exceptions.NotFound:
    """Django's ``get_object_or_404`` says "No Ticket matches the given query." in English whatever
    the request's language; say it in the request's language, naming what was looked for."""
    named = NOT_FOUND_MODEL.match(str(exc))
    if named is not None:
        for model in apps.get_models():
            if model._meta.object_name == named.group(1):
                return exceptions.NotFound(
                    django_gettext("No %(verbose_name)s found matching the query")
                    % {"verbose_name": model._meta.verbose_name}
                )
    return exceptions.NotFound()


def _parse_error(exc: exceptions.ParseError) -> exceptions.ParseError:
    """DRF's JSON parser reports Python's English message; report it in the request's language."""
    text = str(exc.detail)
    if not text.startswith("JSON parse error"):
        return exc
    position = JSON_POSITION.search(text)
    if position is None:
        return exceptions.ParseError(_("The request body is not valid JSON."))
    return exceptions.ParseError(
        _("The request body is not valid JSON (line %(line)s, column %(column)s).")
        % {"line": position.group(1), "column": position.group(2)}
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = _not_found(exc)
    elif isinstance(exc, exceptions.ParseError):
        exc = _parse_error(exc)
    domain_status = getattr(exc, "http_status", None)
    subject = getattr(exc, "subject", None)
    if domain_status == status.HTTP_409_CONFLICT and not isinstance(exc, exceptions.APIException):
        exc = Conflict(detail=str(exc), code=getattr(exc, "code", "conflict"))
    response = drf_exception_handler(exc, context)
    if response is not None and subject and isinstance(response.data, dict):
        response.data["subject"] = subject  # what conflicted: ticket, appeal, caller_flag …
    if response is not None and isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
        codes = exc.get_codes()
        if isinstance(codes, str) and "code" not in response.data:
            response.data["code"] = codes
    return response
