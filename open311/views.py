"""GeoReport v2 over HTTP, JSON and XML by the path's suffix; POST bodies are form-encoded; errors
are the spec's list of ``{code, description}`` (400, 403 for a missing or bad api_key, 404)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dispatch.directory.jurisdiction import jurisdiction
from orders.clock import now as clock_now
from orders.models import Ticket

from . import documents, selectors, services
from .models import SubmittedRequest

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_SPAN = dt.timedelta(days=90)
# intake's field names → the request's (an error names what the client sent)
OUR_FIELDS = {
    "caller_phone": "phone",
    "caller_name": "last_name",
    "content": "description",
    "region": "address_string",
    "demand_type": "attribute[demand_type]",
    "longitude": "long",
    "latitude": "lat",
}


class Open311Error(Exception):
    def __init__(self, status: int, messages: list[tuple[int, str]]) -> None:
        super().__init__(messages)
        self.status = status
        self.messages = messages


def _render(fmt: str, root: str, item: str | None, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    else:
        body = documents.xml(root, item, data)
    return HttpResponse(body, content_type=FORMATS[fmt], status=status)


def _errors(fmt: str, error: Open311Error) -> HttpResponse:
    rows = [{"code": code, "description": text} for code, text in error.messages]
    return _render(fmt, "errors", "error", rows, status=error.status)


def endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Check the format and the jurisdiction; turn ``Open311Error`` into the spec's error body."""

    def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in FORMATS:
            return HttpResponse(status=404)
        data = request.POST if request.method == "POST" else request.GET
        wanted = (data.get("jurisdiction_id") or "").strip()
        try:
            if wanted and wanted != settings.OPEN311_JURISDICTION_ID:
                raise Open311Error(404, [(404, _("Unknown jurisdiction_id “%(id)s”.") % {"id": wanted})])
            return view(request, fmt, data, **kwargs)
        except Open311Error as error:
            return _errors(fmt, error)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(require_http_methods(["GET", "POST"])(wrapped))


def _only_get(request: HttpRequest) -> None:
    if request.method != "GET":
        raise Open311Error(400, [(400, _("Use GET here."))])


@endpoint
def discovery(request: HttpRequest, fmt: str, data: Any) -> HttpResponse:
    """Service discovery: where the endpoint is and which formats it speaks."""
    _only_get(request)
    root = request.build_absolute_uri(reverse("open311:root"))
    document = {
        "changeset": settings.OPEN311_CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": root.rstrip("/"),
                "changeset": settings.OPEN311_CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, "discovery", None, document)


@endpoint
def service_list(request: HttpRequest, fmt: str, data: Any) -> HttpResponse:
    _only_get(request)
    return _render(fmt, "services", "service", [documents.service(c) for c in selectors.services()])


@endpoint
def service_definition(request: HttpRequest, fmt: str, data: Any, code: str) -> HttpResponse:
    _only_get(request)
    category = selectors.service(code)
    if category is None:
        raise Open311Error(404, [(404, _("No service with this code."))])
    return _render(fmt, "service_definition", None, documents.definition(category))


def _moment(data: Any, name: str) -> dt.datetime | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None or timezone.is_naive(value):
        raise Open311Error(
            400, [(400, _("%(name)s must be a W3C date-time with a time zone.") % {"name": name})]
        )
    return value


def _client(data: Any) -> Any:
    client = selectors.client_for_key((data.get("api_key") or "").strip())
    if client is None:
        raise Open311Error(403, [(403, _("A valid api_key is required."))])
    return client


def _attributes(data: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in data:
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute[") :].removesuffix("[]").rstrip("]")
            values = data.getlist(key)
            out[code] = values if key.endswith("[]") else values[-1]
    return out


def _float(data: Any, name: str) -> float | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Open311Error(400, [(400, _("%(name)s must be a number.") % {"name": name})]) from None


def _request_rows(tickets: list[Ticket]) -> list[dict[str, Any]]:
    rows = []
    for ticket in tickets:
        leads = getattr(ticket, "open_leads", [])
        expected = leads[0].handle_due_at if leads else None
        rows.append(documents.request(ticket, expected=expected, caller_names=documents.caller_names(ticket)))
    return rows


@endpoint
def requests_view(request: HttpRequest, fmt: str, data: Any) -> HttpResponse:
    """GET: the published requests by the spec's filters (and page, page_size); POST: file one."""
    if request.method == "POST":
        return _submit(fmt, data)
    tickets = selectors.published()
    ids = [i.strip() for i in (data.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        tickets = tickets.filter(number__in=ids)  # overrides every other filter
    else:
        codes = [c.strip() for c in (data.get("service_code") or "").split(",") if c.strip()]
        if codes:
            tickets = tickets.filter(category__code__in=codes)
        start, end = _moment(data, "start_date"), _moment(data, "end_date")
        if start and end and end - start > MAX_SPAN:
            raise Open311Error(400, [(400, _("start_date and end_date may span at most 90 days."))])
        end = end or clock_now()
        start = start or end - MAX_SPAN
        tickets = tickets.filter(created_at__gte=start, created_at__lte=end)
        statuses = {s.strip() for s in (data.get("status") or "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, [(400, _("status is open, closed or both."))])
        if statuses == {"open"}:
            tickets = tickets.exclude(state__in=documents.CLOSED_STATES)
        elif statuses == {"closed"}:
            tickets = tickets.filter(state__in=documents.CLOSED_STATES)
    try:
        size = min(max(int(data.get("page_size") or 1000), 1), 1000)
        number = max(int(data.get("page") or 1), 1)
    except ValueError:
        raise Open311Error(400, [(400, _("page and page_size are whole numbers."))]) from None
    page = Paginator(tickets, size)
    rows = list(page.page(number).object_list) if number <= page.num_pages else []
    return _render(fmt, "service_requests", "request", _request_rows(rows))


def _submit(fmt: str, data: Any) -> HttpResponse:
    client = _client(data)
    form = services.RequestInput(
        service_code=(data.get("service_code") or "").strip(),
        description=(data.get("description") or "")[:4000],
        lat=_float(data, "lat"),
        long=_float(data, "long"),
        address_string=(data.get("address_string") or "").strip(),
        attributes=_attributes(data),
        phone=(data.get("phone") or "").strip(),
        first_name=(data.get("first_name") or "").strip()[:20],
        last_name=(data.get("last_name") or "").strip()[:20],
        media_url=(data.get("media_url") or "").strip()[:500],
        account_id=(data.get("account_id") or "").strip(),
        device_id=(data.get("device_id") or "").strip(),
    )
    if not form.service_code:
        raise Open311Error(400, [(400, _("service_code is required."))])
    try:
        submitted = services.request_submit(client=client, data=form)
    except ValidationError as error:
        messages = []
        for field, texts in error.message_dict.items():
            for text in texts:
                messages.append((400, f"{OUR_FIELDS.get(field, field)}: {text}"))
        raise Open311Error(400, messages) from None
    body = [
        {"service_request_id": submitted.ticket.number, "service_notice": "", "account_id": form.account_id}
    ]
    return _render(fmt, "service_requests", "request", body, status=201)


@endpoint
def request_detail(request: HttpRequest, fmt: str, data: Any, number: str) -> HttpResponse:
    _only_get(request)
    ticket = selectors.published().filter(number=number).first()
    if ticket is None:
        raise Open311Error(404, [(404, _("No request with this id."))])
    return _render(fmt, "service_requests", "request", _request_rows([ticket]))


@endpoint
def token_detail(request: HttpRequest, fmt: str, data: Any, token: str) -> HttpResponse:
    _only_get(request)
    submitted = (
        SubmittedRequest.objects.select_related("ticket").filter(token=token).first()
        if _uuid(token)
        else None
    )
    if submitted is None:
        raise Open311Error(404, [(404, _("No request with this token."))])
    body = [{"service_request_id": submitted.ticket.number, "token": str(submitted.token)}]
    return _render(fmt, "service_requests", "request", body)


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@endpoint
def updates_view(request: HttpRequest, fmt: str, data: Any) -> HttpResponse:
    """FixMyStreet's extension. GET: the public steps of published requests between start_date and
    end_date (the last day by default); POST: the requester's update, from the client that filed it."""
    if request.method == "POST":
        client = _client(data)
        try:
            event = services.update_post(
                client=client,
                service_request_id=(data.get("service_request_id") or "").strip(),
                description=data.get("description") or "",
                update_id=(data.get("update_id") or "").strip()[:64],
            )
        except LookupError:
            raise Open311Error(404, [(404, _("No request with this id filed by this client."))]) from None
        except ValidationError as error:
            raise Open311Error(
                400, [(400, f"{f}: {' '.join(t)}") for f, t in error.message_dict.items()]
            ) from None
        body = [{"update_id": str(event.pk)}]
        return _render(fmt, "service_request_updates", "request_update", body)
    end = _moment(data, "end_date") or clock_now()
    start = _moment(data, "start_date") or end - dt.timedelta(days=1)
    if end - start > MAX_SPAN:
        raise Open311Error(400, [(400, _("start_date and end_date may span at most 90 days."))])
    events = selectors.updates(since=start, until=end, tickets=selectors.published())[:1000]
    rows = [documents.update(e, e.ticket, documents.caller_names(e.ticket)) for e in events]
    return _render(fmt, "service_request_updates", "request_update", rows)


def root(request: HttpRequest) -> HttpResponse:
    """The endpoint's root: points to the discovery document."""
    body = {
        "discovery": request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "json"})),
        "jurisdiction_id": settings.OPEN311_JURISDICTION_ID,
        "name": jurisdiction().name,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type=FORMATS["json"])
