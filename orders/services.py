"""The only writers of tickets: one function per intent (DESIGN §2, style.md §2.3).

Every transition service follows the same steps, in one transaction:
1. lock the ticket row (``SELECT … FOR UPDATE``), so two people acting at once are serialised;
2. 403 if the user's role may never do this; 409 if the ticket's state does not allow it now;
   403 if the user may not do it to *this* ticket (not their unit);
3. call the ``@transition`` (which changes only the ticket) and save;
4. update the rows around it (assignments, return requests) and write the ``TicketEvent``;
5. queue follow-up work only after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from dispatch.directory.choices import RegionLevel, UnitKind
from dispatch.directory.models import Category, Region, Unit

from . import clock, sla
from .access import required_permission, ticket_scope
from .choices import (
    CHANNELS_WITHOUT_CALLER,
    TERMINAL_STATES,
    AssignmentEnd,
    AssignmentRole,
    Channel,
    ClockStart,
    DeadlineClock,
    EventKind,
    ExtensionDecision,
    RejectReason,
    ReturnDecision,
    ReturnReason,
    TicketState,
)
from .deadline_clocks import clock_due_set, clock_resume, clock_start, clock_stop, stopped_fields
from .exceptions import TicketConflict, transition_not_allowed
from .models import (
    Assignment,
    Caller,
    ExtensionRequest,
    IdempotencyKey,
    Notice,
    ReturnRequest,
    Ticket,
    TicketEvent,
)
from .numbers import ticket_number_next
from .privacy import encrypt, name_mask, phone_hash, phone_mask, phone_normalize

MAX_CONTENT_LENGTH = 4000
# Beijing's bounding box, generously: coordinates outside it are a typing error, not a demand.
BEIJING_LNG = (115.3, 117.6)
BEIJING_LAT = (39.4, 41.1)

# Hooks other apps register to run inside a transition's transaction (deadlines fill due times).
# They are plain callables so that `orders` never imports the apps above it.
AssignmentHook = Callable[[Ticket, Sequence[Assignment]], None]
assignment_created_hooks: list[AssignmentHook] = []


# ----------------------------------------------------------------------------------- creation


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
        if not (BEIJING_LNG[0] <= longitude <= BEIJING_LNG[1]):
            errors["longitude"] = _("The point lies outside Beijing.")
        if not (BEIJING_LAT[0] <= latitude <= BEIJING_LAT[1]):
            errors["latitude"] = _("The point lies outside Beijing.")
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
    ticket = Ticket(
        number=ticket_number_next(now=now),
        channel=channel,
        demand_type=demand_type,
        category=category,
        region=region,
        district=district,
        street=street,
        address=address.strip(),
        longitude=longitude,
        latitude=latitude,
        content=content,
        caller=caller,
        urgency=urgency or category.default_urgency,
        is_enterprise=is_enterprise,
        is_anonymous=is_anonymous,
        created_by=by,
        created_at=now,
    )
    ticket.save()
    if key_row is not None:
        key_row.ticket = ticket
        key_row.save(update_fields=["ticket"])
    _record(
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


# ---------------------------------------------------------------------------------- helpers


def _lock(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "category", "region")
        .defer("region__boundary")
        .get(pk=pk)
    )


def _transition_permission(method: Any) -> str:
    meta = method._django_fsm
    any_transition = next(iter(meta.transitions.values()))
    return required_permission(any_transition.permission)


def _role_allows(ticket: Ticket, method: Any, user: User) -> bool:
    if user.has_perm(_transition_permission(method)):
        return True
    # who raises proactive work assigns it (orders.access.by_role_or_proactive_creator)
    return bool(
        method.__name__ == "dispatch"
        and ticket.channel == Channel.PROACTIVE
        and user.has_perm("orders.create_proactive_ticket")
    )


def _check(ticket: Ticket, method: Any, user: User, label: str) -> None:
    """403 for the role, 409 for the state, 403 for this ticket — in that order."""
    if not _role_allows(ticket, method, user):
        raise PermissionDenied(_("Your role may not do this."))
    if not can_proceed(method, check_conditions=False):
        raise transition_not_allowed(label, ticket.get_state_display())
    if not can_proceed(method):
        raise TicketConflict(
            _("The ticket does not meet the conditions for this step."), code="conditions_unmet"
        )
    if not has_transition_perm(method, user):
        raise PermissionDenied(_("This ticket is not your unit's to act on."))


TRANSITION_LABELS = {
    "close": "close",
    "reopen": "reopen",
    "dispatch": "dispatch",
    "reassign": "reassign",
    "whistle": "blow the whistle",
    "end_whistle": "end the whistle",
    "approve_return": "approve the return",
}


def ticket_check(*, ticket: Ticket | int, transition: str, by: User) -> Ticket:
    """Lock the ticket and raise what the transition's service would (403/409) before any other
    work: an app that validates more input first must not answer 400 to someone who may not act."""
    ticket = _lock(ticket)
    _check(ticket, getattr(ticket, transition), by, _(TRANSITION_LABELS.get(transition, transition)))
    return ticket


def _acting_unit_id(ticket: Ticket, user: User) -> int | None:
    scope = ticket_scope(user)
    if ticket.lead_unit_id is not None and ticket.lead_unit_id in scope.handler_units:
        return ticket.lead_unit_id
    return scope.home_unit


def _record(
    ticket: Ticket,
    kind: str,
    *,
    by: User | None,
    from_state: str,
    to_state: str,
    note: str = "",
    payload: dict[str, Any] | None = None,
    unit_id: int | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        created_at=clock.now(),
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=by,
        actor_unit_id=unit_id if unit_id is not None else (_acting_unit_id(ticket, by) if by else None),
        note=note,
        payload=payload or {},
    )


def _active_assignments(ticket: Ticket) -> Any:
    return Assignment.objects.filter(ticket=ticket, ended_at__isnull=True)


def _end_assignments(ticket: Ticket, reason: str, at: dt.datetime) -> int:
    """The units let go of the ticket; their deadlines stop."""
    return _active_assignments(ticket).update(
        ended_at=at,
        end_reason=reason,
        **stopped_fields(DeadlineClock.SIGN),
        **stopped_fields(DeadlineClock.HANDLE),
    )


def _lead_assignment(ticket: Ticket) -> Assignment | None:
    return _active_assignments(ticket).filter(role=AssignmentRole.LEAD).select_for_update().first()


def _assign(
    ticket: Ticket, lead: Unit, assists: Iterable[Unit], by: User, at: dt.datetime, note: str
) -> list[Assignment]:
    lead_row = Assignment(
        ticket=ticket, unit=lead, role=AssignmentRole.LEAD, assigned_by=by, assigned_at=at, note=note
    )
    # The lead's clocks (DESIGN §5): sign-for from now; handling from now or from sign-for.
    clock_start(lead_row, DeadlineClock.SIGN, urgency=ticket.urgency, start=at)
    if sla.policy_at(at).clock_starts == ClockStart.DISPATCH:
        clock_start(lead_row, DeadlineClock.HANDLE, urgency=ticket.urgency, start=at)
    rows = [lead_row]
    rows += [
        Assignment(ticket=ticket, unit=unit, role=AssignmentRole.ASSIST, assigned_by=by, assigned_at=at)
        for unit in assists
        if unit.pk != lead.pk
    ]
    created = Assignment.objects.bulk_create(rows)
    for hook in assignment_created_hooks:
        hook(ticket, created)
    return created


def _units_payload(lead: Unit, assists: Sequence[Unit]) -> dict[str, Any]:
    return {
        "lead_unit": {"id": lead.pk, "code": lead.code, "name": lead.name},
        "assist_units": [{"id": u.pk, "code": u.code, "name": u.name} for u in assists if u.pk != lead.pk],
    }


def _check_units(lead: Unit, assists: Sequence[Unit]) -> None:
    inactive = [u.name for u in [lead, *assists] if not u.is_active]
    if inactive:
        raise ValidationError({"lead_unit": _("Inactive unit: %s") % ", ".join(inactive)})
    if lead.kind == UnitKind.HOTLINE_CENTRE:
        raise ValidationError({"lead_unit": _("The hotline centre does not handle tickets itself.")})


# ------------------------------------------------------------------------------ transitions


@transaction.atomic
def ticket_dispatch(
    *,
    ticket: Ticket | int,
    by: User,
    lead_unit: Unit,
    assist_units: Sequence[Unit] = (),
    note: str = "",
    payload: dict[str, Any] | None = None,
) -> Ticket:
    """派单: give a received ticket to a lead unit (and assisting units)."""
    ticket = _lock(ticket)
    _check(ticket, ticket.dispatch, by, _("dispatch"))
    _check_units(lead_unit, assist_units)
    now = clock.now()
    from_state = ticket.state
    ticket.dispatch(lead_unit_id=lead_unit.pk, at=now)
    ticket.save()
    _assign(ticket, lead_unit, assist_units, by, now, note)
    _record(
        ticket,
        EventKind.DISPATCH,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload={**_units_payload(lead_unit, assist_units), **(payload or {})},
    )
    return ticket


@transaction.atomic
def ticket_reassign(
    *,
    ticket: Ticket | int,
    by: User,
    lead_unit: Unit,
    assist_units: Sequence[Unit] = (),
    reason: str,
    payload: dict[str, Any] | None = None,
) -> Ticket:
    """改派: end the current assignments and give the ticket to another lead unit."""
    ticket = _lock(ticket)
    _check(ticket, ticket.reassign, by, _("reassign"))
    _check_units(lead_unit, assist_units)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the ticket is reassigned.")})
    if lead_unit.pk == ticket.lead_unit_id:
        raise ValidationError({"lead_unit": _("The ticket is already with this unit.")})
    now = clock.now()
    from_state, previous = ticket.state, ticket.lead_unit
    ticket.reassign(lead_unit_id=lead_unit.pk, at=now)
    ticket.save()
    _end_assignments(ticket, AssignmentEnd.REASSIGNED, now)
    _assign(ticket, lead_unit, assist_units, by, now, reason)
    _record(
        ticket,
        EventKind.REASSIGN,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=reason,
        payload={
            **_units_payload(lead_unit, assist_units),
            "previous_unit": {"id": previous.pk, "name": previous.name} if previous else None,
            **(payload or {}),
        },
    )
    return ticket


@transaction.atomic
def ticket_answer(
    *, ticket: Ticket | int, by: User, answer: str, payload: dict[str, Any] | None = None
) -> Ticket:
    """直接答复: close a received ticket with the agent's answer."""
    ticket = _lock(ticket)
    _check(ticket, ticket.answer_directly, by, _("answer directly"))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer given to the caller.")})
    from_state = ticket.state
    ticket.answer_directly(answer=answer.strip(), at=clock.now())
    ticket.save()
    _record(
        ticket,
        EventKind.ANSWER,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=answer.strip(),
        payload=payload,
    )
    return ticket


@transaction.atomic
def ticket_reject(*, ticket: Ticket | int, by: User, reason: str, note: str = "") -> Ticket:
    """不予受理: refuse a received ticket with a reason code."""
    ticket = _lock(ticket)
    _check(ticket, ticket.reject, by, _("refuse"))
    reason = RejectReason(reason)
    from_state = ticket.state
    ticket.reject(reason=reason, at=clock.now())
    ticket.save()
    _record(
        ticket,
        EventKind.REJECT,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload={"reason": reason.value},
    )
    return ticket


MERGEABLE_PARENT_STATES = tuple(s for s in TicketState if s not in TERMINAL_STATES)


@transaction.atomic
def ticket_merge(*, ticket: Ticket | int, by: User, parent: Ticket | int, note: str = "") -> Ticket:
    """并单: make a duplicate the child of an open parent ticket."""
    ticket = _lock(ticket)
    _check(ticket, ticket.merge, by, _("merge"))
    parent_pk = parent.pk if isinstance(parent, Ticket) else parent
    if parent_pk == ticket.pk:
        raise ValidationError({"parent": _("A ticket cannot be merged into itself.")})
    parent_row = Ticket.objects.select_for_update(of=("self",)).filter(pk=parent_pk).first()
    if parent_row is None:
        raise ValidationError({"parent": _("No such ticket.")})
    if parent_row.state not in MERGEABLE_PARENT_STATES:
        raise ValidationError({"parent": _("Merge only into an open ticket.")})
    now = clock.now()
    from_state = ticket.state
    ticket.merge(parent_id=parent_row.pk, at=now)
    ticket.save()
    _end_assignments(ticket, AssignmentEnd.MERGED, now)
    _record(
        ticket,
        EventKind.MERGE,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload={"parent": parent_row.number},
    )
    _record(
        parent_row,
        EventKind.NOTE,
        by=by,
        from_state=parent_row.state,
        to_state=parent_row.state,
        note=_("Ticket %(number)s merged into this one.") % {"number": ticket.number},
        payload={"merged_child": ticket.number},
    )
    return ticket


@transaction.atomic
def ticket_accept(*, ticket: Ticket | int, by: User, note: str = "") -> Ticket:
    """签收: the lead unit signs for the ticket."""
    ticket = _lock(ticket)
    _check(ticket, ticket.accept, by, _("sign for"))
    now = clock.now()
    from_state = ticket.state
    ticket.accept(at=now)
    ticket.save()
    lead = _lead_assignment(ticket)
    if lead is not None:
        lead.signed_at = now
        clock_stop(lead, DeadlineClock.SIGN)
        if sla.policy_at(now).clock_starts == ClockStart.SIGN:
            clock_start(lead, DeadlineClock.HANDLE, urgency=ticket.urgency, start=now)
        lead.save()
    _record(ticket, EventKind.ACCEPT, by=by, from_state=from_state, to_state=ticket.state, note=note)
    return ticket


@transaction.atomic
def ticket_request_return(
    *, ticket: Ticket | int, by: User, reason: str, note: str, suggested_unit: Unit | None = None
) -> Ticket:
    """申请退单: the lead unit asks to give the ticket back, with a reason code."""
    ticket = _lock(ticket)
    _check(ticket, ticket.request_return, by, _("request a return"))
    reason = ReturnReason(reason)
    if not note.strip():
        raise ValidationError({"note": _("Explain why the ticket is not your unit's.")})
    assert ticket.lead_unit is not None  # guaranteed by the has_lead_unit condition
    now = clock.now()
    from_state = ticket.state
    ticket.request_return(at=now)
    ticket.save()
    # While the hotline decides, the ball is not with the unit: its escalations pause.
    _active_assignments(ticket).filter(role=AssignmentRole.LEAD).update(
        **stopped_fields(DeadlineClock.SIGN), **stopped_fields(DeadlineClock.HANDLE)
    )
    ReturnRequest.objects.create(
        ticket=ticket,
        unit=ticket.lead_unit,
        reason=reason,
        note=note.strip(),
        suggested_unit=suggested_unit,
        requested_by=by,
        requested_at=now,
    )
    _record(
        ticket,
        EventKind.REQUEST_RETURN,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload={"reason": reason.value, "suggested_unit": suggested_unit.code if suggested_unit else None},
    )
    return ticket


def _pending_return(ticket: Ticket) -> ReturnRequest:
    request = (
        ReturnRequest.objects.select_for_update()
        .filter(ticket=ticket, decision=ReturnDecision.PENDING)
        .first()
    )
    if request is None:  # state and request always change together; this would be a data error
        raise TicketConflict(_("No pending return request."), code="no_pending_return")
    return request


@transaction.atomic
def ticket_approve_return(*, ticket: Ticket | int, by: User, note: str = "") -> Ticket:
    """同意退单: the ticket goes back to ``received``; the returning unit is not chosen again."""
    ticket = _lock(ticket)
    _check(ticket, ticket.approve_return, by, _("approve the return"))
    request = _pending_return(ticket)
    now = clock.now()
    from_state, returning_unit = ticket.state, ticket.lead_unit
    ticket.approve_return(at=now)
    ticket.save()
    request.decision, request.decided_by, request.decided_at, request.review_note = (
        ReturnDecision.APPROVED,
        by,
        now,
        note,
    )
    request.save()
    # The lead returned the ticket; its assisting units let go of it too (it is dispatched afresh).
    _active_assignments(ticket).filter(role=AssignmentRole.LEAD).update(
        ended_at=now, end_reason=AssignmentEnd.RETURNED
    )
    _end_assignments(ticket, AssignmentEnd.REASSIGNED, now)
    _record(
        ticket,
        EventKind.APPROVE_RETURN,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload={"returned_by": returning_unit.code if returning_unit else None, "reason": request.reason},
    )
    return ticket


@transaction.atomic
def ticket_deny_return(*, ticket: Ticket | int, by: User, note: str) -> Ticket:
    """驳回退单: the unit keeps the ticket and signs for it again."""
    ticket = _lock(ticket)
    _check(ticket, ticket.deny_return, by, _("deny the return"))
    if not note.strip():
        raise ValidationError({"note": _("Tell the unit why it keeps the ticket.")})
    request = _pending_return(ticket)
    now = clock.now()
    from_state = ticket.state
    ticket.deny_return(at=now)
    ticket.save()
    request.decision, request.decided_by, request.decided_at, request.review_note = (
        ReturnDecision.DENIED,
        by,
        now,
        note,
    )
    request.save()
    lead = _lead_assignment(ticket)
    if lead is not None:  # the unit signs again, from now; its handling clock runs on
        lead.signed_at = None
        clock_start(lead, DeadlineClock.SIGN, urgency=ticket.urgency, start=now)
        if lead.handle_started_at is not None:
            clock_resume(lead, DeadlineClock.HANDLE, start=lead.handle_started_at, now=now)
        lead.save()
    _record(
        ticket,
        EventKind.DENY_RETURN,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload={"reason": request.reason},
    )
    return ticket


@transaction.atomic
def ticket_escalate(
    *, ticket: Ticket | int, by: User, note: str = "", payload: dict[str, Any] | None = None
) -> Ticket:
    """吹哨: move an accepted ticket to ``escalated`` (called by ``dispatch.services.whistle_raise``)."""
    ticket = _lock(ticket)
    _check(ticket, ticket.whistle, by, _("blow the whistle"))
    from_state = ticket.state
    ticket.whistle(at=clock.now())
    ticket.save()
    _record(
        ticket,
        EventKind.WHISTLE,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload=payload,
    )
    return ticket


@transaction.atomic
def ticket_deescalate(
    *, ticket: Ticket | int, by: User, note: str = "", payload: dict[str, Any] | None = None
) -> Ticket:
    """结束吹哨: back to ``accepted`` (called by ``dispatch.services.whistle_end``)."""
    ticket = _lock(ticket)
    _check(ticket, ticket.end_whistle, by, _("end the whistle"))
    from_state = ticket.state
    ticket.end_whistle(at=clock.now())
    ticket.save()
    _record(
        ticket,
        EventKind.END_WHISTLE,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload=payload,
    )
    return ticket


# Whistles are closed when their ticket is replied to; `dispatch` registers how.
reply_hooks: list[Callable[[Ticket, dt.datetime], None]] = []


@transaction.atomic
def ticket_reply(*, ticket: Ticket | int, by: User, result: str) -> Ticket:
    """办理反馈: the lead unit submits what it did; the ticket waits for callback."""
    ticket = _lock(ticket)
    _check(ticket, ticket.reply, by, _("submit the result"))
    if not result.strip():
        raise ValidationError({"result": _("Describe what was done.")})
    now = clock.now()
    from_state = ticket.state
    ticket.reply(result=result.strip(), at=now)
    clock_start(ticket, DeadlineClock.CALLBACK, urgency=ticket.urgency, start=now)
    ticket.save()
    _active_assignments(ticket).filter(role=AssignmentRole.LEAD).update(
        replied_at=now, **stopped_fields(DeadlineClock.HANDLE), **stopped_fields(DeadlineClock.SIGN)
    )
    for hook in reply_hooks:
        hook(ticket, now)
    _record(ticket, EventKind.REPLY, by=by, from_state=from_state, to_state=ticket.state, note=result.strip())
    return ticket


@transaction.atomic
def ticket_close(
    *, ticket: Ticket | int, by: User, note: str = "", payload: dict[str, Any] | None = None
) -> Ticket:
    """办结: close a handled ticket once the callback is recorded."""
    ticket = _lock(ticket)
    _check(ticket, ticket.close, by, _("close"))
    now = clock.now()
    from_state = ticket.state
    ticket.close(at=now)
    clock_stop(ticket, DeadlineClock.CALLBACK)
    ticket.save()
    _end_assignments(ticket, AssignmentEnd.CLOSED, now)
    _record(
        ticket,
        EventKind.CLOSE,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload=payload,
    )
    return ticket


reopen_hooks: list[Callable[[Ticket, dt.datetime], None]] = []


@transaction.atomic
def ticket_reopen(
    *, ticket: Ticket | int, by: User, reason: str, payload: dict[str, Any] | None = None
) -> Ticket:
    """重办: send a handled ticket back to its lead unit; the rework count goes up."""
    ticket = _lock(ticket)
    _check(ticket, ticket.reopen, by, _("reopen"))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is still wrong.")})
    now = clock.now()
    from_state = ticket.state
    ticket.reopen(at=now)
    clock_stop(ticket, DeadlineClock.CALLBACK)
    ticket.callback_due_at = None
    ticket.save()
    lead = _lead_assignment(ticket)
    if lead is not None:  # a new handling deadline for the rework
        lead.replied_at = None
        clock_start(lead, DeadlineClock.HANDLE, urgency=ticket.urgency, start=now)
        lead.save()
    for hook in reopen_hooks:
        hook(ticket, now)
    _record(
        ticket,
        EventKind.REOPEN,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=reason,
        payload={"rework_count": ticket.rework_count, **(payload or {})},
    )
    return ticket


@transaction.atomic
def ticket_event_add(
    *,
    ticket: Ticket | int,
    by: User | None,
    kind: str,
    note: str = "",
    payload: dict[str, Any] | None = None,
    unit_id: int | None = None,
) -> TicketEvent:
    """Record a step that does not change the state (a note, a department's whistle report …)."""
    ticket = _lock(ticket)
    return _record(
        ticket,
        EventKind(kind),
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=note,
        payload=payload,
        unit_id=unit_id,
    )


def ticket_note_add(*, ticket: Ticket | int, by: User, note: str) -> TicketEvent:
    """备注: a note on the ticket's record, without changing its state."""
    if not note.strip():
        raise ValidationError({"note": _("Write the note.")})
    return ticket_event_add(ticket=ticket, by=by, kind=EventKind.NOTE, note=note.strip())


# -------------------------------------------------------------------------------- extensions


def _notify(unit_id: int | None, ticket: Ticket, kind: str, title: str, body: str = "") -> None:
    if unit_id is not None:
        Notice.objects.create(
            unit_id=unit_id, ticket=ticket, kind=kind, title=title, body=body, created_at=clock.now()
        )


@transaction.atomic
def ticket_extension_request(
    *, ticket: Ticket | int, by: User, reason: str, proposed_due_at: dt.datetime
) -> ExtensionRequest:
    """延期申请: the lead unit asks, before its handling deadline, for a later one."""
    ticket = _lock(ticket)
    if not by.has_perm("orders.request_extension"):
        raise PermissionDenied(_("Your role may not do this."))
    if ticket.state not in (TicketState.DISPATCHED, TicketState.ACCEPTED, TicketState.ESCALATED):
        raise transition_not_allowed(_("ask for an extension"), ticket.get_state_display())
    if ticket.lead_unit_id is None or ticket.lead_unit_id not in ticket_scope(by).handler_units:
        raise PermissionDenied(_("This ticket is not your unit's to act on."))
    lead = _lead_assignment(ticket)
    now = clock.now()
    if lead is None or lead.handle_due_at is None:
        raise TicketConflict(_("The handling clock has not started yet."), code="no_handling_deadline")
    if now >= lead.handle_due_at:
        raise TicketConflict(
            _("Ask for an extension before the deadline, not after it."), code="deadline_passed"
        )
    if ExtensionRequest.objects.filter(ticket=ticket, decision=ExtensionDecision.PENDING).exists():
        raise TicketConflict(
            _("An extension request is already waiting for a decision."), code="extension_pending"
        )
    allowed = sla.policy_at(now).max_extensions
    granted = ExtensionRequest.objects.filter(ticket=ticket, decision=ExtensionDecision.APPROVED).count()
    if granted >= allowed:
        raise TicketConflict(
            _("This ticket has had the %(n)d extension(s) the policy allows.") % {"n": allowed},
            code="extensions_exhausted",
        )
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why more time is needed.")
    if proposed_due_at <= lead.handle_due_at:
        errors["proposed_due_at"] = _("Propose a deadline later than the current one.")
    if errors:
        raise ValidationError(errors)
    request = ExtensionRequest.objects.create(
        ticket=ticket,
        assignment=lead,
        unit_id=lead.unit_id,
        reason=reason.strip(),
        current_due_at=lead.handle_due_at,
        proposed_due_at=proposed_due_at,
        requested_by=by,
        requested_at=now,
    )
    _record(
        ticket,
        EventKind.EXTENSION_REQUEST,
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=reason,
        payload={
            "current_due_at": lead.handle_due_at.isoformat(),
            "proposed_due_at": proposed_due_at.isoformat(),
        },
    )
    return request


@transaction.atomic
def ticket_extension_decide(
    *, ticket: Ticket | int, by: User, approve: bool, note: str = "", due_at: dt.datetime | None = None
) -> ExtensionRequest:
    """延期审核: a dispatcher, or a supervisor of the lead unit, approves (moving the deadline) or denies."""
    ticket = _lock(ticket)
    scope = ticket_scope(by)
    if not by.has_perm("orders.decide_extension"):
        raise PermissionDenied(_("Your role may not do this."))
    if not scope.everything and ticket.lead_unit_id not in scope.supervised_units:
        raise PermissionDenied(_("Only a dispatcher or the lead unit's supervisor decides."))
    request = (
        ExtensionRequest.objects.select_for_update()
        .filter(ticket=ticket, decision=ExtensionDecision.PENDING)
        .first()
    )
    if request is None:
        raise TicketConflict(
            _("No extension request is waiting for a decision."), code="no_pending_extension"
        )
    now = clock.now()
    lead = Assignment.objects.select_for_update().get(pk=request.assignment_id)
    if approve:
        granted = due_at or request.proposed_due_at
        if lead.handle_due_at is not None and granted <= lead.handle_due_at:
            raise ValidationError({"due_at": _("The new deadline must be later than the current one.")})
        clock_due_set(lead, DeadlineClock.HANDLE, due=granted)
        lead.extensions_granted += 1
        if lead.ended_at is None and lead.replied_at is None and lead.handle_started_at is not None:
            clock_resume(lead, DeadlineClock.HANDLE, start=lead.handle_started_at, now=now)
        lead.save()
        request.decision, request.granted_due_at = ExtensionDecision.APPROVED, granted
    else:
        if not note.strip():
            raise ValidationError({"note": _("Tell the unit why the extension is denied.")})
        request.decision = ExtensionDecision.DENIED
    request.decided_by, request.decided_at, request.review_note = by, now, note.strip()
    request.save()
    kind = EventKind.EXTENSION_APPROVE if approve else EventKind.EXTENSION_DENY
    payload = {"granted_due_at": request.granted_due_at.isoformat()} if request.granted_due_at else {}
    _record(ticket, kind, by=by, from_state=ticket.state, to_state=ticket.state, note=note, payload=payload)
    title = (
        _("Extension approved for ticket %(number)s: new deadline %(due)s")
        % {"number": ticket.number, "due": timezone.localtime(request.granted_due_at).strftime("%m-%d %H:%M")}
        if approve and request.granted_due_at
        else _("Extension denied for ticket %(number)s") % {"number": ticket.number}
    )
    _notify(request.unit_id, ticket, f"extension_{request.decision}", title, note.strip())
    return request


def notice_mark_read(*, notice: Notice, by: User) -> Notice:
    if notice.read_at is None:
        notice.read_at, notice.read_by = clock.now(), by
        notice.save(update_fields=["read_at", "read_by"])
    return notice


@transaction.atomic
def ticket_assessment_exempt_set(*, ticket: Ticket | int, by: User, exempt: bool, note: str) -> Ticket:
    """免于考评: an approved appeal takes the ticket out of the assessment's denominators."""
    ticket = _lock(ticket)
    if ticket.assessment_exempt != exempt:
        ticket.assessment_exempt = exempt
        ticket.save(update_fields=["assessment_exempt", "updated_at"])
    return ticket


@transaction.atomic
def ticket_sensitive_mark(
    *, ticket: Ticket | int, by: User, urgency: str, hits: list[dict[str, Any]], alert_unit_id: int | None
) -> Ticket:
    """敏感信息: raise the ticket's urgency (never lower it), record the hits, alert a supervisor's unit."""
    ticket = _lock(ticket)
    before = ticket.urgency
    if urgency != before:
        ticket.urgency = urgency
        ticket.save(update_fields=["urgency", "updated_at"])
    words = "、".join(dict.fromkeys(hit["text"] for hit in hits))
    _record(
        ticket,
        EventKind.SENSITIVE,
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=words,
        payload={"hits": hits, "urgency": [before, ticket.urgency]},
    )
    _notify(
        alert_unit_id,
        ticket,
        "sensitive",
        _("Sensitive content: %(words)s") % {"words": words},
        ticket.content,
    )
    return ticket
