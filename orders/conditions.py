"""Pure predicates that gate transitions (django-fsm ``conditions``). No database access.

Each takes the ticket and answers from its own fields, so the transition table can be tested
without a database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# The argument is a Ticket; django-fsm types conditions over any Model, hence Any.


def has_lead_unit(ticket: Any) -> bool:
    return ticket.lead_unit_id is not None


def is_classified(ticket: Any) -> bool:
    """A ticket can be dispatched once it has a category and a region."""
    return ticket.category_id is not None and ticket.region_id is not None


def is_not_a_child(ticket: Any) -> bool:
    return ticket.parent_id is None


def rework_allowed(ticket: Any) -> bool:
    """重办 is limited (a matter reworked again and again needs a supervisor, not another round)."""
    return ticket.rework_count < settings.TICKET_MAX_REWORK
