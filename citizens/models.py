"""The citizens' outbox (通知) and their choices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import MessageStatus, MessageStep


class MessageTemplate(models.Model):
    """The wording of a step's message, editable in the admin. Placeholders: {number} (the ticket),
    {unit} (the unit holding it), {progress_url} (the progress page)."""

    step = models.CharField(_("step"), max_length=16, choices=MessageStep.choices, unique=True)
    text = models.TextField(_("text"))
    is_active = models.BooleanField(_("send"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.get_step_display()


class OutboundMessage(models.Model):
    """One message to a caller about one step of a ticket, written in the transaction of the step
    itself and sent later by Celery through the gateway. One per (ticket, step, round): a retried or
    replayed step never writes a second."""

    ticket = models.ForeignKey(
        "orders.Ticket", on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    step = models.CharField(_("step"), max_length=16, choices=MessageStep.choices)
    round = models.PositiveSmallIntegerField(_("rework round"), default=0)
    phone_encrypted = models.TextField(_("phone (encrypted)"))
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=12, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message to a caller")
        verbose_name_plural = _("messages to callers")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "step", "round"], name="message_once_per_step"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="message_due",
                condition=models.Q(status__in=["pending", "retrying"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.step}/{self.round} {self.status}"


class MessageOptOut(models.Model):
    """A caller who asked not to be sent messages (退订): nothing is written to the outbox for them."""

    caller = models.OneToOneField(
        "orders.Caller", on_delete=models.CASCADE, related_name="message_opt_out", verbose_name=_("caller")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("recorded by"),
        help_text=_("Empty when the caller opted out on the progress page."),
    )

    class Meta:
        verbose_name = _("caller who opted out of messages")
        verbose_name_plural = _("callers who opted out of messages")

    def __str__(self) -> str:
        return str(self.caller_id)
