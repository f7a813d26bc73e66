"""Insight (以数感知): early warnings, 每月一题 and stored reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.directory.fields import optional_reference

from ..choices import (
    ReportKind,
    WarningKind,
    WarningStatus,
)


class EarlyWarning(models.Model):
    """预警: a pattern the scan found, with its evidence; supervisors acknowledge and close it.

    ``key`` names what the warning is about (e.g. ``surge:<street>:<category>``): while a warning
    with that key is not closed, a new scan updates its evidence instead of raising another.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=WarningKind.choices)
    key = models.CharField(_("key"), max_length=120)
    status = models.CharField(
        _("status"), max_length=14, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    title = models.CharField(_("title"), max_length=200)
    district = optional_reference("dispatch.Region", _("district"))
    street = optional_reference("dispatch.Region", _("street"))
    category = optional_reference("dispatch.Category", _("category"))
    ticket = optional_reference("orders.Ticket", _("ticket"))
    count = models.PositiveIntegerField(_("count"), default=0)
    evidence = models.JSONField(_("evidence"), default=dict)
    first_detected_at = models.DateTimeField(_("first detected"))
    last_detected_at = models.DateTimeField(_("last detected"))
    acknowledged_by = optional_reference(settings.AUTH_USER_MODEL, _("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_by = optional_reference(settings.AUTH_USER_MODEL, _("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-last_detected_at"]
        permissions = [("handle_earlywarning", "Can acknowledge and close early warnings")]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(status=WarningStatus.CLOSED), name="warning_one_live_per_key"
            )
        ]
        indexes = [models.Index(fields=["status", "-last_detected_at"], name="warning_status_recent")]

    def __str__(self) -> str:
        return self.title


class MonthlyTopic(models.Model):
    """每月一题: a high-frequency problem an administrator adopts for a month's focused work; after
    adoption its categories' dispatched volume is tracked month by month."""

    label = models.CharField(_("month"), max_length=7, help_text=_("e.g. 2026-11"))
    category = models.ForeignKey(
        "dispatch.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    evidence = models.JSONField(_("evidence"), default=dict)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adopted by"), on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField(_("adopted at"))

    class Meta:
        verbose_name = _("monthly topic")
        verbose_name_plural = _("monthly topics")
        ordering = ["-label", "title"]
        permissions = [("adopt_monthlytopic", "Can adopt monthly topics")]
        constraints = [models.UniqueConstraint(fields=["label", "category"], name="topic_once_per_month")]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"


class Report(models.Model):
    """日报、周报、月报: figures of a window, built by Celery once the window has passed and stored."""

    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    label = models.CharField(_("label"), max_length=40)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    data = models.JSONField(_("figures"), default=dict)
    built_at = models.DateTimeField(_("built at"))

    class Meta:
        verbose_name = _("statistical report")
        verbose_name_plural = _("statistical reports")
        ordering = ["-window_end", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "window_start"], name="report_once_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"
