"""What happened to a ticket: the append-only event trail, deadline steps taken, notices to units."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from dispatch.directory.fields import optional_reference

from ..choices import (
    DeadlineClock,
    DeadlineStep,
    TicketState,
)
from ..event_kinds import event_kind_check, event_kind_label
from .tickets import Ticket


class TicketEvent(models.Model):
    """工单流转记录: an append-only audit of every change, written in the change's own transaction."""

    # (indexed by event_ticket_created, which starts with it)
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="events", db_index=False
    )
    # Any kind registered in ``orders.event_kinds`` (the apps above add theirs), checked on save.
    kind = models.CharField(_("kind"), max_length=32)
    from_state = models.CharField(_("from"), max_length=24, choices=TicketState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=24, choices=TicketState.choices, blank=True)
    actor = optional_reference(settings.AUTH_USER_MODEL, _("actor"))
    actor_unit = optional_reference("dispatch.Unit", _("acting unit"))
    note = models.TextField(_("note"), blank=True)
    note_private = models.TextField(_("note as typed (encrypted)"), blank=True, default="")
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_default=Now())

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_created"),
            models.Index(fields=["kind", "created_at"], name="event_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.from_state}→{self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Ticket events are append-only."))
        event_kind_check(self.kind)
        super().save(*args, **kwargs)

    def get_kind_display(self) -> str:
        return event_kind_label(self.kind)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("Ticket events are append-only."))


class DeadlineStepRecord(models.Model):
    """One escalation step taken on one deadline — at most once (the unique constraint sees to it,
    whatever duplicate messages, retries or concurrent sweeps do)."""

    clock = models.CharField(_("deadline"), max_length=12, choices=DeadlineClock.choices)
    target_id = models.BigIntegerField(_("assignment, summons or ticket id"))
    step = models.CharField(_("step"), max_length=12, choices=DeadlineStep.choices)
    due_at = models.DateTimeField(_("deadline"))
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+")
    unit = optional_reference("dispatch.Unit", _("responsible unit"), db_index=False)  # deadline_step_unit
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("deadline step")
        verbose_name_plural = _("deadline steps")
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "target_id", "step", "due_at"], name="deadline_step_once"
            ),
        ]
        indexes = [models.Index(fields=["unit", "-recorded_at"], name="deadline_step_unit")]

    def __str__(self) -> str:
        return f"{self.get_clock_display()} {self.get_step_display()} {self.ticket_id}"


class Notice(models.Model):
    """通知: a message to a unit (催办, 督办, decisions on its requests), read in its inbox."""

    unit = models.ForeignKey(  # (indexed by notice_unit_created, which starts with it)
        "dispatch.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="notices",
        db_index=False,
    )
    ticket = optional_reference(Ticket, _("ticket"), on_delete=models.CASCADE, related_name="notices")
    step = optional_reference(
        DeadlineStepRecord, _("deadline step"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=24)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = optional_reference(settings.AUTH_USER_MODEL, _("read by"), on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="notice_unit_created"),
            models.Index(fields=["unit"], name="notice_unit_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title
