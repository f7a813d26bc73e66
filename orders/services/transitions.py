"""The one skeleton every lifecycle service follows (DESIGN §2, style.md §2.3), in one transaction:

1. lock the ticket row (``SELECT … FOR UPDATE``), so two people acting at once are serialised;
2. 403 if the user's role may never do this; 409 if the ticket's state does not allow it now;
   403 if the user may not do it to *this* ticket (not their unit); then 400 for bad input;
3. call the ``@transition`` (which changes only the ticket) and save;
4. update the rows around it (assignments, return requests) and write the ``TicketEvent``.

``run_transition`` is that skeleton; each service says only what is particular to its step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from .. import clock
from ..access import required_permission, ticket_scope
from ..choices import Channel
from ..event_listeners import event_listeners
from ..exceptions import TicketConflict, transition_not_allowed
from ..models import Ticket, TicketEvent
from ..privacy import caller_names, decrypt, text_protect

# What each transition is called in messages ("“sign for” is not possible while …").
LABELS: dict[str, Any] = {
    "dispatch": gettext_lazy("dispatch"),
    "reassign": gettext_lazy("reassign"),
    "answer_directly": gettext_lazy("answer directly"),
    "reject": gettext_lazy("refuse"),
    "merge": gettext_lazy("merge"),
    "accept": gettext_lazy("sign for"),
    "request_return": gettext_lazy("request a return"),
    "approve_return": gettext_lazy("approve the return"),
    "deny_return": gettext_lazy("deny the return"),
    "whistle": gettext_lazy("blow the whistle"),
    "end_whistle": gettext_lazy("end the whistle"),
    "reply": gettext_lazy("submit the result"),
    "close": gettext_lazy("close"),
    "reopen": gettext_lazy("reopen"),
}

Arguments = dict[str, Any] | Callable[[Ticket], dict[str, Any]]
Step = Callable[[Ticket, dt.datetime], Any]


def lock(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "category", "region")
        .defer("region__boundary")
        .get(pk=pk)
    )


def _role_allows(ticket: Ticket, method: Any, user: User) -> bool:
    meta = method._django_fsm
    permission = required_permission(next(iter(meta.transitions.values())).permission)
    if user.has_perm(permission):
        return True
    # work without a caller is closed or reworked by the supervisor who verifies it
    # (orders.access.by_callback_or_verifier)
    if method.__name__ in ("close", "reopen") and ticket.caller_id is None:
        return bool(user.has_perm("orders.verify_ticket"))
    # who raises proactive work assigns it (orders.access.by_role_or_proactive_creator)
    return bool(
        method.__name__ == "dispatch"
        and ticket.channel == Channel.PROACTIVE
        and user.has_perm("orders.create_proactive_ticket")
    )


def check(ticket: Ticket, name: str, user: User) -> None:
    """403 for the role, 409 for the state, 403 for this ticket — in that order."""
    method = getattr(ticket, name)
    if not _role_allows(ticket, method, user):
        raise PermissionDenied(_("Your role may not do this."))
    if not can_proceed(method, check_conditions=False):
        raise transition_not_allowed(str(LABELS.get(name, name)), ticket.get_state_display())
    if not can_proceed(method):
        raise TicketConflict(
            _("The ticket does not meet the conditions for this step."), code="conditions_unmet"
        )
    if not has_transition_perm(method, user):
        raise PermissionDenied(_("This ticket is not your unit's to act on."))


def ticket_check(*, ticket: Ticket | int, transition: str, by: User) -> Ticket:
    """Lock the ticket and raise what the transition's service would (403/409) before any other
    work: an app that validates more input first must not answer 400 to someone who may not act."""
    ticket = lock(ticket)
    check(ticket, transition, by)
    return ticket


def acting_unit_id(ticket: Ticket, user: User) -> int | None:
    scope = ticket_scope(user)
    if ticket.lead_unit_id is not None and ticket.lead_unit_id in scope.handler_units:
        return ticket.lead_unit_id
    return scope.home_unit


def record(
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
    """Write the audit event of a change, in the change's own transaction. Personal data typed
    into the note is masked; the note as typed is kept encrypted beside it."""
    masked, private = (
        text_protect({"note": note}, ticket_caller_names(ticket)) if note else ({"note": ""}, "")
    )
    event = TicketEvent.objects.create(
        ticket=ticket,
        created_at=clock.now(),
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=by,
        actor_unit_id=unit_id if unit_id is not None else (acting_unit_id(ticket, by) if by else None),
        note=masked["note"],
        note_private=private,
        payload=payload or {},
    )
    for listener in event_listeners():
        listener(event, ticket)
    return event


def ticket_caller_names(ticket: Ticket) -> tuple[str, ...]:
    """The caller's name forms, to mask wherever they were typed (read once per ticket object)."""
    cached = getattr(ticket, "_caller_names", None)
    if cached is None:
        caller = ticket.caller if ticket.caller_id else None
        cached = caller_names(decrypt(caller.name_encrypted)) if caller is not None else ()
        ticket._caller_names = cached  # type: ignore[attr-defined]
    return cast(tuple[str, ...], cached)


def protect_texts(*fields: str) -> Step:
    """A ``prepare`` step: mask personal data typed into these fields of the ticket, keeping what
    was typed in the ticket's encrypted ``private_text``."""

    def step(ticket: Ticket, now: dt.datetime) -> None:
        masked, ticket.private_text = text_protect(
            {f: getattr(ticket, f) for f in fields}, ticket_caller_names(ticket), private=ticket.private_text
        )
        for field, value in masked.items():
            setattr(ticket, field, value)

    return step


def run_transition(
    ticket: Ticket | int,
    *,
    name: str,
    by: User,
    kind: str,
    arguments: Arguments | None = None,
    validate: Callable[[Ticket], None] | None = None,
    prepare: Step | None = None,
    after: Step | None = None,
    note: str = "",
    payload: dict[str, Any] | None = None,
) -> Ticket:
    """Lock, check, transition, save, update the rows around it, record — the caller is atomic.

    ``arguments`` are the transition's own (besides ``at``), or a function of the locked ticket;
    ``validate`` raises the step's 400s once the 403/409 checks passed; ``prepare`` changes the
    ticket's other fields before it is saved (a deadline clock); ``after`` updates the rows around
    it and may return a dict of more payload for the event (anything else it returns is ignored).
    """
    ticket = lock(ticket)
    check(ticket, name, by)
    if validate is not None:
        validate(ticket)
    now = clock.now()
    from_state = ticket.state
    values = arguments(ticket) if callable(arguments) else (arguments or {})
    getattr(ticket, name)(at=now, **values)
    if prepare is not None:
        prepare(ticket, now)
    ticket.save()
    extra = after(ticket, now) if after is not None else None
    record(
        ticket,
        kind,
        by=by,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        payload={**(payload or {}), **(extra if isinstance(extra, dict) else {})},
    )
    return ticket
