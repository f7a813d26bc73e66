"""退单审核 as dispatch does it: approve a return and, if asked, dispatch again at once by the route
(which no longer names the returning unit)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from orders import services as ticket_services
from orders.models import Ticket

from .routing import ticket_route_dispatch, ticket_route_suggest


@transaction.atomic
def ticket_return_approve(*, ticket: Ticket, by: User, note: str = "", redispatch: bool = False) -> Ticket:
    """同意退单, and optionally dispatch again at once by the route (which excludes the returning unit)."""
    ticket = ticket_services.ticket_approve_return(ticket=ticket, by=by, note=note)
    if redispatch:
        decision = ticket_route_suggest(ticket=ticket)
        if decision.lead is not None:
            ticket = ticket_route_dispatch(
                ticket=ticket, by=by, note=_("Dispatched again after an approved return.")
            )
    return ticket
