"""What Open311 shows: services from the category tree, requests and their updates from tickets and
their public steps, and the JSON and XML forms of both (GeoReport v2, FixMyStreet's updates).

Nothing personal leaves here: descriptions and replies go through ``orders.personal_text`` (phone
numbers, ID numbers and the caller's name masked), the address is the ticket's region path (never the
house number), coordinates only those the client itself sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.directory.choices import DemandType
from dispatch.directory.models import Category
from orders import progress
from orders.choices import TicketState
from orders.models import Ticket, TicketEvent
from orders.personal_text import redact
from orders.services import ticket_caller_names

PUBLIC_STEPS = progress.PUBLIC_STEPS
CLOSED_STATES = progress.CLOSED_STATES


def caller_names(ticket: Ticket) -> tuple[str, ...]:
    """The caller's name and its polite forms, to mask wherever they were typed into the text."""
    return ticket_caller_names(ticket)


def moment(value: dt.datetime | None) -> str | None:
    """W3C date-time with its offset, in the jurisdiction's time."""
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


def status(state: str) -> str:
    return "closed" if state in CLOSED_STATES else "open"


def service(category: Category) -> dict[str, Any]:
    parent = category.parent
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": " / ".join(n for n in (_path(category)) if n),
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(w for w in f"{category.keywords} {category.synonyms}".split() if w),
        "group": parent.name if parent else "",
    }


def _path(category: Category) -> list[str]:
    names = []
    node: Category | None = category
    while node is not None:
        names.append(node.name)
        node = node.parent
    return list(reversed(names))


def demand_type_choices(category: Category) -> list[tuple[str, str]]:
    allowed = category.demand_types or list(DemandType.values)
    return [(value, str(DemandType(value).label)) for value in allowed if value in DemandType.values]


def definition(category: Category) -> dict[str, Any]:
    """The service's attributes: the demand type (咨询/求助/投诉/举报/建议) the leaf allows."""
    choices = demand_type_choices(category)
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "demand_type",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("The kind of demand; the first listed when left out."),
                "order": 1,
                "description": _("Demand type"),
                "values": [{"key": key, "name": name} for key, name in choices],
            }
        ],
    }


def status_notes(ticket: Ticket, caller_names: tuple[str, ...] = ()) -> str:
    state = ticket.state
    unit = ticket.lead_unit.name if ticket.lead_unit else ""
    if state == TicketState.RECEIVED:
        return _("Received; being dispatched.")
    if state == TicketState.ANSWERED:
        return _("Answered directly: %(text)s") % {"text": redact(ticket.answer, caller_names)[0]}
    if state == TicketState.REJECTED:
        return _("Not accepted: %(reason)s") % {"reason": ticket.get_reject_reason_display()}
    if state == TicketState.MERGED:
        return _("Merged into %(number)s.") % {"number": ticket.parent.number if ticket.parent else ""}
    if state == TicketState.HANDLED:
        return _("Handled by %(unit)s; the hotline will call back.") % {"unit": unit}
    if state == TicketState.CLOSED:
        return _("Closed. %(unit)s: %(text)s") % {
            "unit": unit,
            "text": redact(ticket.result, caller_names)[0],
        }
    return _("Being handled by %(unit)s.") % {"unit": unit}


def request(
    ticket: Ticket, *, expected: dt.datetime | None, caller_names: tuple[str, ...] = ()
) -> dict[str, Any]:
    submitted = getattr(ticket, "open311", None)
    regions = [r.name for r in (ticket.district, ticket.street) if r is not None]
    if ticket.region and ticket.region.name not in regions:
        regions.append(ticket.region.name)
    return {
        "service_request_id": ticket.number,
        "status": status(ticket.state),
        "status_notes": status_notes(ticket, caller_names),
        "service_name": ticket.category.name,
        "service_code": ticket.category.code,
        "description": redact(ticket.content, caller_names)[0],
        "agency_responsible": ticket.lead_unit.name if ticket.lead_unit else "",
        "service_notice": "",
        "requested_datetime": moment(ticket.created_at),
        "updated_datetime": moment(ticket.closed_at if ticket.state in CLOSED_STATES else ticket.updated_at)
        or moment(ticket.updated_at),
        "expected_datetime": moment(expected),
        "address": "".join(regions),
        "address_id": "",
        "zipcode": "",
        "lat": ticket.latitude if submitted is not None else None,
        "long": ticket.longitude if submitted is not None else None,
        "media_url": submitted.media_url if submitted is not None else "",
    }


def update(event: TicketEvent, ticket: Ticket, caller_names: tuple[str, ...] = ()) -> dict[str, Any]:
    """One public step (or a requester's update sent on by the client) as a FixMyStreet service
    request update."""
    step = progress.step_of(event, ticket)
    if step is not None:
        text = redact(step.text, caller_names)[0]
    else:
        text = _("Update from the requester: %(text)s") % {"text": redact(event.note, caller_names)[0]}
    return {
        "update_id": str(event.pk),
        "service_request_id": ticket.number,
        "status": status(event.to_state),
        "updated_datetime": moment(event.created_at),
        "description": text,
        "media_url": "",
    }


# ------------------------------------------------------------------------------ formats

SINGULAR = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            for item in value:
                entry = ET.SubElement(child, SINGULAR.get(key, "item"))
                if isinstance(item, dict):
                    _fill(entry, item)
                else:
                    entry.text = _text(item)
        else:
            child.text = _text(value)


def xml(root: str, item: str | None, data: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    """GeoReport's XML: ``<root><item>…</item>…</root>`` for a list, ``<root>…</root>`` for one."""
    element = ET.Element(root)
    if isinstance(data, list):
        assert item is not None
        for entry in data:
            _fill(ET.SubElement(element, item), entry)
    else:
        _fill(element, data)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")
