"""受理: logging a demand as a ticket, and finding or creating its caller."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dispatch.directory.choices import RegionLevel
from dispatch.directory.jurisdiction import jurisdiction
from dispatch.directory.models import Category, Region

from .. import clock, sla
from ..choices import CHANNELS_WITHOUT_CALLER, Channel, EventKind
from ..exceptions import TicketConflict
from ..models import Caller, IdempotencyKey, Ticket
from ..numbers import ticket_number_next
from ..privacy import (
    caller_names,
    decrypt,
    encrypt,
    name_mask,
    phone_hash,
    phone_mask,
    phone_normalize,
    text_protect,
)
from .transitions import record

MAX_CONTENT_LENGTH = 4000


@dataclass(frozen=True)
class CreatedTicket:
    ticket: Ticket
    created: bool  # False when an Idempotency-Key replayed an earlier request


def _fingerprint(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _leaf_or_error(category: Category) -> None:
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if category.level != 3:  # the tree has three levels, so level 3 is a leaf
        raise ValidationError({"category": _("Choose a category at the finest level (a leaf).")})


def _district_and_street(region: Region) -> tuple[Region | None, Region | None]:
    """The district and street above (or at) ``region``, walking the parent chain."""
    by_level: dict[str, Region] = {}
    node: Region | None = region
    while node is not None:
        by_level[node.level] = node
        node = node.parent
    return by_level.get(RegionLevel.DISTRICT), by_level.get(RegionLevel.STREET)


def caller_get_or_create(*, phone: str, name: str = "", now: dt.datetime | None = None) -> Caller:
    """The caller with this (normalised) phone number, created on first contact.

    One upsert statement: concurrent first calls from the same number meet in the unique index
    on the hash instead of racing between a read and an insert.
    """
    now = now or clock.now()
    normalized = phone_normalize(phone)
    row = Caller(
        phone_hash=phone_hash(normalized),
        phone_encrypted=encrypt(normalized),
        phone_masked=phone_mask(normalized),
        name_encrypted=encrypt(name.strip()),
        name_masked=name_mask(name),
        first_contact_at=now,
        last_contact_at=now,
    )
    update = ["last_contact_at"] + (["name_encrypted", "name_masked"] if name.strip() else [])
    (caller,) = Caller.objects.bulk_create(
        [row], update_conflicts=True, unique_fields=["phone_hash"], update_fields=update
    )
    return caller


@transaction.atomic
def ticket_create(
    *,
    by: User,
    channel: str,
    demand_type: str,
    category: Category,
    region: Region,
    content: str,
    address: str = "",
    longitude: float | None = None,
    latitude: float | None = None,
    caller_phone: str = "",
    caller_name: str = "",
    is_anonymous: bool = False,
    is_enterprise: bool = False,
    urgency: str = "",
    idempotency_key: str = "",
) -> CreatedTicket:
    """受理: log a demand as a ticket in state ``received``.

    With an ``idempotency_key`` a retried request (same user, same key, same body) returns the
    ticket created the first time; the same key with a different body is a 409.
    """
    proactive = channel == Channel.PROACTIVE and by.has_perm("orders.create_proactive_ticket")
    if not (by.has_perm("orders.create_ticket") or proactive):
        raise PermissionDenied(_("Only call-centre agents log demands."))
    request_values = {
        "channel": channel,
        "demand_type": demand_type,
        "category": category.pk,
        "region": region.pk,
        "content": content,
        "address": address,
        "longitude": longitude,
        "latitude": latitude,
        "caller_phone": caller_phone,
        "caller_name": caller_name,
        "is_anonymous": is_anonymous,
        "is_enterprise": is_enterprise,
        "urgency": urgency,
    }
    key_row: IdempotencyKey | None = None
    if idempotency_key:
        fingerprint = _fingerprint(request_values)
        replay = _idempotent_replay(by, idempotency_key, fingerprint)
        if replay is not None:
            return CreatedTicket(replay, created=False)
        try:
            # Insert the key first: a concurrent retry blocks here until this transaction ends.
            with transaction.atomic():
                key_row = IdempotencyKey.objects.create(user=by, key=idempotency_key, fingerprint=fingerprint)
        except IntegrityError:
            replay = _idempotent_replay(by, idempotency_key, fingerprint)
            if replay is None:
                raise TicketConflict(
                    _("This Idempotency-Key is being used by a request in progress."),
                    code="idempotency_in_progress",
                ) from None
            return CreatedTicket(replay, created=False)

    errors: dict[str, str] = {}
    content = content.strip()
    if not content:
        errors["content"] = _("Describe the demand.")
    elif len(content) > MAX_CONTENT_LENGTH:
        errors["content"] = _("At most %(n)d characters.") % {"n": MAX_CONTENT_LENGTH}
    try:
        _leaf_or_error(category)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if "category" not in errors and demand_type not in category.demand_types:
        errors["demand_type"] = _("“%(type)s” does not fit the category “%(category)s”.") % {
            "type": demand_type,
            "category": category.name,
        }
    if not region.is_active:
        errors["region"] = _("This region is no longer in use.")
    if (longitude is None) != (latitude is None):
        errors["longitude" if longitude is None else "latitude"] = _("Give both coordinates or neither.")
    elif longitude is not None and latitude is not None:
        city = jurisdiction()
        outside = _("The point lies outside %(city)s.") % {"city": city.name}
        if not city.bounding_box.contains_lng(longitude):
            errors["longitude"] = outside
        if not city.bounding_box.contains_lat(latitude):
            errors["latitude"] = outside
    caller: Caller | None = None
    if caller_phone:
        try:
            caller = caller_get_or_create(phone=caller_phone, name=caller_name)
        except ValidationError as error:
            errors["caller_phone"] = error.messages[0]
    elif channel not in CHANNELS_WITHOUT_CALLER:
        errors["caller_phone"] = _("A contact number is needed to call the citizen back.")
    if errors:
        raise ValidationError(errors)

    now = clock.now()
    district, street = _district_and_street(region)
    # the caller's number or name typed into the demand is masked; what was typed is kept encrypted
    names = caller_names(caller_name or (decrypt(caller.name_encrypted) if caller is not None else ""))
    texts, private = text_protect({"content": content, "address": address.strip()}, names)
    ticket = Ticket(
        number=ticket_number_next(now=now),
        channel=channel,
        demand_type=demand_type,
        category=category,
        region=region,
        district=district,
        street=street,
        address=texts["address"],
        private_text=private,
        longitude=longitude,
        latitude=latitude,
        content=texts["content"],
        caller=caller,
        urgency=urgency or category.default_urgency,
        is_enterprise=is_enterprise,
        is_anonymous=is_anonymous,
        created_by=by,
        created_at=now,
        dispatch_due_at=now + sla.policy_at(now).dispatch_within,
    )
    ticket.save()
    if key_row is not None:
        key_row.ticket = ticket
        key_row.save(update_fields=["ticket"])
    record(
        ticket,
        EventKind.CREATE,
        by=by,
        from_state="",
        to_state=ticket.state,
        payload={"channel": channel, "category": category.code, "region": region.code},
    )
    # A new ticket has no assignments, return requests or children yet: say so, so that showing
    # it does not ask the database (the intake desk shows every ticket it creates).
    empty: dict[str, list[Any]] = {
        "assignments": [],
        "return_requests": [],
        "children": [],
        "whistles": [],
        "extensions": [],
    }
    cast(Any, ticket)._prefetched_objects_cache = empty
    return CreatedTicket(ticket, created=True)


def _idempotent_replay(user: User, key: str, fingerprint: str) -> Ticket | None:
    cutoff = clock.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    row = (
        IdempotencyKey.objects.filter(user=user, key=key, created_at__gte=cutoff)
        .select_related("ticket")
        .first()
    )
    if row is None:
        IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=cutoff).delete()
        return None
    if row.fingerprint != fingerprint:
        raise TicketConflict(
            _("This Idempotency-Key was used for a different request."), code="idempotency_mismatch"
        )
    return row.ticket
