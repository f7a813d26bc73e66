"""The citizens' writes: the outbox filled with each step worth telling (in the step's transaction),
the due messages sent through the gateway with retries and a dead letter, a caller's opt-out."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.db import transaction

from orders import clock
from orders.choices import Channel
from orders.hints import hint_coalesced_after_commit
from orders.models import Caller, Ticket, TicketEvent
from orders.privacy import decrypt
from orders.progress import PUBLIC_STEPS, TOLD_STEPS, unit_of

from .choices import MessageStatus
from .gateways import Gateway, GatewayError
from .models import MessageOptOut, MessageTemplate, OutboundMessage


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def outbox_fill(event: TicketEvent, ticket: Ticket) -> None:
    """An event listener (orders.event_listeners): a step worth telling the caller becomes a message
    in the outbox, in the same transaction. Nothing for anonymous or proactive tickets, tickets
    without a caller, callers who opted out, or a step whose template is switched off."""
    step = PUBLIC_STEPS.get(event.kind)
    if step not in TOLD_STEPS or not ticket.caller_id or ticket.is_anonymous:
        return
    if ticket.channel == Channel.PROACTIVE:
        return
    text = templates().get(step)
    if text is None:
        return
    if MessageOptOut.objects.filter(caller_id=ticket.caller_id).exists():
        return
    caller = ticket.caller
    assert caller is not None
    unit = ""
    if "{unit}" in text:  # (the received message names no unit: no query for one)
        unit = unit_of(event)
        if step == "reopened" and ticket.lead_unit_id and ticket.lead_unit:
            unit = ticket.lead_unit.name
    values = _Blank(
        number=ticket.number, unit=unit, progress_url=settings.PUBLIC_BASE_URL.rstrip("/") + "/progress/"
    )
    # one statement; a step already told in this round (a reassignment is "dispatched" again) is skipped
    OutboundMessage.objects.bulk_create(
        [
            OutboundMessage(
                ticket=ticket,
                step=step,
                round=ticket.rework_count,
                phone_encrypted=caller.phone_encrypted,
                body=text.format_map(values),
                next_attempt_at=event.created_at,
            )
        ],
        ignore_conflicts=True,
    )
    from .tasks import messages_send

    hint_coalesced_after_commit(2, messages_send)  # sends every due message when it runs


TEMPLATE_SECONDS = 60
_templates: tuple[float, dict[str, str]] = (0.0, {})


def templates() -> dict[str, str]:
    """The active templates by step, read at most once a minute per process (an edit in the admin
    applies within a minute)."""
    global _templates
    read_at, cached = _templates
    if time.monotonic() - read_at > TEMPLATE_SECONDS:
        cached = dict(MessageTemplate.objects.filter(is_active=True).values_list("step", "text"))
        _templates = (time.monotonic(), cached)
    return cached


def templates_forget() -> None:
    global _templates
    _templates = (0.0, {})


def retry_delay(attempts: int) -> dt.timedelta:
    """``SMS_RETRY_SECONDS`` (30 s), then doubling, at most an hour."""
    return dt.timedelta(seconds=min(settings.SMS_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def messages_send_due(
    *, gateway: Gateway, now: dt.datetime | None = None, limit: int = 200
) -> dict[str, int]:
    """Send what is due, each message in its own short transaction: the row is locked (another
    worker skips it), sent, and marked in the same transaction — a message is marked sent only after
    the gateway took it. A failure is retried later; after ``SMS_MAX_ATTEMPTS`` it is dead (kept,
    with the last error, for a person to look at)."""
    now = now or clock.now()
    done = {"sent": 0, "failed": 0, "dead": 0}
    due = list(
        OutboundMessage.objects.filter(
            status__in=[MessageStatus.PENDING, MessageStatus.RETRYING], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        with transaction.atomic():
            message = (
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status__in=[MessageStatus.PENDING, MessageStatus.RETRYING])
                .first()
            )
            if message is None:
                continue
            message.attempts += 1
            try:
                reference = gateway.send(
                    message_id=message.pk, phone=decrypt(message.phone_encrypted), text=message.body
                )
            except GatewayError as error:
                message.last_error = str(error)[:1000]
                if message.attempts >= settings.SMS_MAX_ATTEMPTS:
                    message.status = MessageStatus.DEAD
                    done["dead"] += 1
                else:
                    message.status = MessageStatus.RETRYING
                    message.next_attempt_at = now + retry_delay(message.attempts)
                    done["failed"] += 1
            else:
                message.status, message.sent_at, message.gateway_reference = (
                    MessageStatus.SENT,
                    now,
                    reference,
                )
                message.last_error = ""
                done["sent"] += 1
            message.save()
    return done


@transaction.atomic
def message_opt_out(*, caller: Caller, by: Any = None) -> MessageOptOut:
    """退订: no more messages to this caller; those waiting are not sent."""
    opt_out, _created = MessageOptOut.objects.get_or_create(
        caller=caller, defaults={"by": by, "at": clock.now()}
    )
    OutboundMessage.objects.filter(
        ticket__caller=caller, status__in=[MessageStatus.PENDING, MessageStatus.RETRYING]
    ).update(status=MessageStatus.SKIPPED, last_error="opted out")
    return opt_out
