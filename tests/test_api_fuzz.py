"""Schemathesis fuzzes every operation of the OpenAPI schema, in process, against PostgreSQL.

With valid data it must find no server error (5xx), no status code the schema does not document,
and no response that contradicts its documented shape; with invalid data (negative mode: wrong
types, out-of-range values, malformed dates and filters) no server error — for a superuser (who
reaches every code path) and for a street handler (whose scope hides most tickets).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

# CI runs 25 examples per operation; FUZZ_EXAMPLES=200 digs deeper before a release.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def keep_connection_open():  # type: ignore[no-untyped-def]
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the request
    signals from closing the connection that holds the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, cast, make_user, keep_connection_open) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from orders.choices import TicketState

    for state in (TicketState.RECEIVED, TicketState.DISPATCHED, TicketState.ACCEPTED, TicketState.HANDLED):
        cast.ticket_in(state)
    admin = get_user_model().objects.create_superuser("fuzz-admin", password="pw-fuzz-12345")
    return {
        "admin": Token.objects.create(user=admin).key,
        "handler": Token.objects.create(user=cast.handler).key,
    }


@pytest.mark.parametrize("who", ["admin", "handler"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, tokens, who) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers={"Authorization": f"Token {tokens[who]}"}, checks=CHECKS)


# Invalid data on purpose (negative mode): wrong types, out-of-range values, malformed dates and
# filters. Whatever arrives, the answer is a 4xx with a message — never a server error.
def _without_input(raw: dict) -> list[str]:  # type: ignore[type-arg]
    """Operations with nothing to make invalid (no parameters, no body) have no negative cases."""
    return [
        f"{method.upper()} {path}"
        for path, item in raw["paths"].items()
        for method, operation in item.items()
        if not operation.get("parameters") and not item.get("parameters") and "requestBody" not in operation
    ]


negative_schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
negative_schema = negative_schema.exclude(name=_without_input(negative_schema.raw_schema))
negative_schema.config.generation.update(modes=[schemathesis.GenerationMode.NEGATIVE])


@pytest.mark.parametrize("who", ["admin", "handler"])
@negative_schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_invalid_input_never_causes_a_server_error(case, tokens, who) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Token {tokens[who]}"}
    case.call_and_validate(headers=headers, checks=[not_a_server_error, content_type_conformance])
