"""Celery: send the messages that are due. Thin and idempotent — the outbox is the truth; a lost
hint only waits for the next beat."""

from __future__ import annotations

from celery import shared_task

from .gateways import gateway
from .services import messages_send_due


@shared_task(name="citizens.messages_send", ignore_result=True)
def messages_send() -> dict[str, int]:
    return messages_send_due(gateway=gateway())
