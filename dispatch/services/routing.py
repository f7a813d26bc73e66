"""派单 by the catalog: the route's suggestion, dispatch by it (or an override with a reason), and
automatic dispatch with its catch-up — each ticket on its own, failures recorded for dispatchers."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.choices import AutoDispatchFailureReason
from dispatch.directory.models import Unit
from dispatch.models import AutoDispatchFailure
from dispatch.routing import Decision
from dispatch.selectors import route_for
from orders import clock
from orders import services as ticket_services
from orders.choices import TicketState
from orders.models import Ticket
from orders.selectors import units_with_approved_return

from .accounts import system_user

logger = logging.getLogger(__name__)

AUTO_DISPATCH_MAX_BACKOFF = dt.timedelta(hours=1)


def ticket_route_suggest(*, ticket: Ticket) -> Decision:
    """The unit the catalog names for this ticket now, excluding units whose return was approved."""
    return route_for(
        category=ticket.category, region=ticket.region, exclude=units_with_approved_return(ticket=ticket)
    )


@transaction.atomic
def ticket_route_dispatch(
    *,
    ticket: Ticket,
    by: User,
    lead_unit: Unit | None = None,
    assist_units: Sequence[Unit] | None = None,
    override_reason: str = "",
    note: str = "",
) -> Ticket:
    """派单 with the routing suggestion, or an override of it with a recorded reason.

    Without ``lead_unit`` the suggestion is taken as it is (lead and assists). A different lead
    unit is an override and needs ``override_reason``.
    """
    ticket = ticket_services.ticket_check(ticket=ticket, transition="dispatch", by=by)
    decision = ticket_route_suggest(ticket=ticket)
    route = decision.as_payload()
    if lead_unit is None:
        if decision.lead is None:
            raise ValidationError({"lead_unit": decision.explanation})
        lead_unit = Unit.objects.get(pk=decision.lead.id)
        if assist_units is None:
            assist_units = list(Unit.objects.filter(pk__in=[u.id for u in decision.assists]))
    overridden = decision.lead is None or lead_unit.pk != decision.lead.id
    if overridden and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": _("The suggested lead unit is %(unit)s; say why you choose another.")
                % {"unit": decision.lead.name if decision.lead else _("none")}
            }
        )
    payload: dict[str, Any] = {"route": route, "overridden": overridden}
    if overridden:
        payload["override_reason"] = override_reason.strip()
    return ticket_services.ticket_dispatch(
        ticket=ticket,
        by=by,
        lead_unit=lead_unit,
        assist_units=list(assist_units or []),
        note=note or (override_reason if overridden else ""),
        payload=payload,
    )


def ticket_auto_dispatch(*, ticket_id: int) -> Ticket | None:
    """Dispatch a received ticket of an auto-dispatch category by its route, as the system.

    Idempotent: a ticket no longer ``received`` (dispatched by someone, answered, merged …) is left
    alone. One the catalog cannot place — no unit, or only the fallback (a judgement call for a
    dispatcher, not for the machine) — is recorded with why, for the dispatcher's list. Returns the
    ticket if it was dispatched.
    """
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("category", "region")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None or ticket.state != TicketState.RECEIVED or not ticket.category.auto_dispatch:
            return None
        decision = ticket_route_suggest(ticket=ticket)
        if decision.lead is None or decision.fallback:
            reason = (
                AutoDispatchFailureReason.NO_ROUTE
                if decision.lead is None
                else AutoDispatchFailureReason.FALLBACK
            )
            _auto_dispatch_failure_record(ticket_id, reason, decision.explanation)
            return None
        dispatched = ticket_route_dispatch(
            ticket=ticket, by=system_user(), note=_("Dispatched automatically by the catalog.")
        )
        AutoDispatchFailure.objects.filter(ticket_id=ticket_id).delete()
        return dispatched


def ticket_auto_dispatch_isolated(*, ticket_id: int) -> Ticket | None:
    """``ticket_auto_dispatch`` that never raises: a failure (any reason) is logged, recorded with
    its reason for the dispatcher, and retried later; its transaction is rolled back whole."""
    try:
        return ticket_auto_dispatch(ticket_id=ticket_id)
    except Exception as error:  # one bad ticket must not stop the others
        detail = _error_text(error)
        logger.warning("auto-dispatch of ticket %s failed: %s", ticket_id, detail, exc_info=True)
        with transaction.atomic():
            if Ticket.objects.filter(pk=ticket_id, state=TicketState.RECEIVED).exists():
                _auto_dispatch_failure_record(ticket_id, AutoDispatchFailureReason.ERROR, detail)
        return None


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        return "; ".join(
            f"{field}: {' '.join(map(str, texts))}" if field else " ".join(map(str, texts))
            for field, texts in messages.items()
        )
    return f"{type(error).__name__}: {error}"[:2000]


def _auto_dispatch_failure_record(ticket_id: int, reason: str, detail: str) -> AutoDispatchFailure:
    """Upsert the ticket's failure row; the next attempt backs off (2, 4, 8 … minutes, at most 1 h)."""
    now = clock.now()
    row = AutoDispatchFailure.objects.select_for_update().filter(ticket_id=ticket_id).first()
    if row is None:
        row = AutoDispatchFailure(ticket_id=ticket_id, first_failed_at=now, attempts=0)
    row.attempts += 1
    row.reason, row.detail, row.last_failed_at = reason, str(detail)[:2000], now
    row.next_attempt_at = now + min(AUTO_DISPATCH_MAX_BACKOFF, dt.timedelta(minutes=2**row.attempts))
    row.save()
    return row


def tickets_auto_dispatch_pending(*, older_than: dt.timedelta, limit: int = 500) -> int:
    """Dispatch auto-dispatch tickets whose task message was lost (broker down, worker crash), and
    retry earlier failures whose back-off has passed — each ticket on its own, so that one failing
    ticket never holds up the rest.

    The database says what is pending; the message was only a hint. Returns how many were dispatched.
    """
    now = clock.now()
    cutoff = now - older_than
    # Failures of tickets someone has since dispatched, answered or merged are no longer pending.
    AutoDispatchFailure.objects.exclude(ticket__state=TicketState.RECEIVED).delete()
    pending = list(
        Ticket.objects.filter(
            state=TicketState.RECEIVED, category__auto_dispatch=True, created_at__lte=cutoff
        )
        .exclude(auto_dispatch_failure__next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in pending if ticket_auto_dispatch_isolated(ticket_id=pk) is not None)
