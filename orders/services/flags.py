"""Marks on a ticket that are not steps of its lifecycle: excluded from the assessment (不纳入考评),
sensitive content (敏感信息). Each checks its permission and is recorded like any change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..choices import EventKind
from ..models import Ticket
from .events import notify
from .transitions import lock, record


@transaction.atomic
def ticket_assessment_exempt_set(*, ticket: Ticket | int, by: User, exempt: bool, note: str) -> Ticket:
    """免于考评: an approved appeal takes the ticket out of the assessment's denominators (or a
    reversed decision puts it back). Recorded with who decided and why; a no-op records nothing."""
    if not by.has_perm("orders.set_assessment_exempt"):
        raise PermissionDenied(_("Your role may not do this."))
    ticket = lock(ticket)
    if ticket.assessment_exempt == exempt:
        return ticket
    ticket.assessment_exempt = exempt
    ticket.save(update_fields=["assessment_exempt", "updated_at"])
    record(
        ticket,
        EventKind.ASSESSMENT_EXEMPT,
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=note.strip(),
        payload={"exempt": exempt},
    )
    return ticket


@transaction.atomic
def ticket_sensitive_mark(
    *, ticket: Ticket | int, by: User, urgency: str, hits: list[dict[str, Any]], alert_unit_id: int | None
) -> Ticket:
    """敏感信息: raise the ticket's urgency (never lower it), record the hits, alert a supervisor's unit.

    Marked at intake, by whoever logs the ticket (agents; supervisors raising proactive work).
    """
    if not (by.has_perm("orders.create_ticket") or by.has_perm("orders.create_proactive_ticket")):
        raise PermissionDenied(_("Only whoever logs the ticket marks its content as sensitive."))
    ticket = lock(ticket)
    before = ticket.urgency
    if urgency != before:
        ticket.urgency = urgency
        ticket.save(update_fields=["urgency", "updated_at"])
    words = "、".join(dict.fromkeys(hit["text"] for hit in hits))
    record(
        ticket,
        EventKind.SENSITIVE,
        by=by,
        from_state=ticket.state,
        to_state=ticket.state,
        note=words,
        payload={"hits": hits, "urgency": [before, ticket.urgency]},
    )
    notify(
        alert_unit_id,
        ticket,
        "sensitive",
        _("Sensitive content: %(words)s") % {"words": words},
        ticket.content,
    )
    return ticket
