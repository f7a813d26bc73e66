"""The OpenAPI schema generates without a warning and the docs are served offline."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


def test_schema_generates_cleanly() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/tickets/{id}/accept/" in out.getvalue()


@pytest.mark.django_db
def test_docs_load_their_assets_from_this_server(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert (
        client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    )
    assert client.get("/api/v1/schema/?format=json").status_code == 200
    # Nothing is fetched from another host (no fonts, logos, validator badges or CDNs).
    import re

    assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//", page)
    assert '"validatorUrl": null' in page
    # ReDoc fetched fonts from the internet; it is not served.
    assert client.get("/api/v1/redoc/").status_code == 404


@pytest.mark.django_db
def test_unknown_api_path_is_json_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/tickets/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_nul_in_a_query_is_400_not_500(admin_client) -> None:  # type: ignore[no-untyped-def]
    assert admin_client.get("/api/v1/tickets/?category=%00").status_code == 400
    assert admin_client.get("/api/v1/categories/%00/").status_code == 400
    # A code is digits (the schema says so): anything else is no such resource, as JSON.
    for path in ("/api/v1/regions/abc/", "/api/v1/categories/0105x/"):
        response = admin_client.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), path
