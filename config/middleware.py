"""Request hygiene for the API."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class RejectNulBytesMiddleware:
    """Answer 400 to an API request whose path or query string holds a NUL character.

    PostgreSQL text cannot contain NUL, so such a value would otherwise reach the database as a
    lookup and fail there with a server error. Request bodies are checked by the serializers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and (
            "\x00" in request.path
            or any("\x00" in key + "".join(values) for key, values in request.GET.lists())
        ):
            return JsonResponse(
                {"detail": _("The request contains a NUL character."), "code": "invalid"}, status=400
            )
        return self.get_response(request)
