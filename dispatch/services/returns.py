"""退单审核 as dispatch does it: approve a return and, if asked, dispatch again at once — by the route
(which no longer names the returning unit), or to the unit the dispatcher chose (the handler's
suggestion, or another with a reason)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.directory.models import Unit
from orders import services as ticket_services
from orders.choices import ReturnDecision
from orders.models import ReturnRequest, Ticket

from .routing import ticket_route_dispatch, ticket_route_suggest


@transaction.atomic
def ticket_return_approve(
    *,
    ticket: Ticket,
    by: User,
    note: str = "",
    redispatch: bool = False,
    lead_unit: Unit | None = None,
    assist_units: Sequence[Unit] | None = None,
    override_reason: str = "",
) -> Ticket:
    """同意退单, and optionally dispatch again at once: to ``lead_unit`` when given (a unit other than
    the route's needs ``override_reason``; the handler's suggested unit is reason enough), else by the
    route. Approval and dispatch are recorded together or not at all."""
    if lead_unit is not None:
        redispatch = True
        pending = (
            ReturnRequest.objects.filter(ticket=ticket, decision=ReturnDecision.PENDING)
            .only("unit_id", "suggested_unit_id")
            .first()
        )
        if pending is not None and lead_unit.pk == pending.unit_id:
            raise ValidationError({"lead_unit": _("This unit returned the ticket: choose another.")})
        if pending is not None and lead_unit.pk == pending.suggested_unit_id and not override_reason.strip():
            override_reason = _("As the returning unit suggested.")
    ticket = ticket_services.ticket_approve_return(ticket=ticket, by=by, note=note)
    if not redispatch:
        return ticket
    if lead_unit is not None:
        return ticket_route_dispatch(
            ticket=ticket,
            by=by,
            lead_unit=lead_unit,
            assist_units=assist_units,
            override_reason=override_reason,
            note=note,
        )
    if ticket_route_suggest(ticket=ticket).lead is not None:
        again = _("Dispatched again after an approved return.")
        ticket = ticket_route_dispatch(ticket=ticket, by=by, note=again)
    return ticket
