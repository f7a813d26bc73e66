"""Intake (接诉): the agent-facing services. They call the lifecycle and dispatch services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from orders.services import CreatedTicket, ticket_create


@transaction.atomic
def intake_ticket_create(*, by: User, **fields: Any) -> CreatedTicket:
    """Log a demand as a ticket (受理)."""
    return ticket_create(by=by, **fields)
