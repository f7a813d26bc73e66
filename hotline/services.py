"""Intake (接诉): the agent-facing services. They call the lifecycle and dispatch services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from dispatch.tasks import auto_dispatch_task
from orders.hints import hint_after_commit
from orders.services import CreatedTicket, ticket_create


@transaction.atomic
def intake_ticket_create(*, by: User, **fields: Any) -> CreatedTicket:
    """Log a demand as a ticket (受理); tickets of auto-dispatch categories are dispatched after commit."""
    outcome = ticket_create(by=by, **fields)
    if outcome.created and outcome.ticket.category.auto_dispatch:
        hint_after_commit(auto_dispatch_task, outcome.ticket.pk)
    return outcome
