"""Bookkeeping of intake: idempotency keys of retried requests, daily ticket number counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tickets import Ticket


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for ticket creation: a retried POST returns the first ticket."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key


class DailySequence(models.Model):
    """Counter behind ticket numbers on databases without sequences (SQLite). See orders.numbers."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily sequence")
        verbose_name_plural = _("daily sequences")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
