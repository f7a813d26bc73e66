"""Dispatch's processes above the tickets: whistles (街乡吹哨、部门报到) and auto-dispatch failures.

The directory's models (``dispatch.directory.models``) are imported here so that Django registers
them with this app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.choices import AutoDispatchFailureReason, WhistleCloseReason, WhistleGrade, WhistleStatus
from dispatch.directory.fields import optional_reference

from .directory.models import (  # noqa: F401  (registered with the dispatch app)
    CatalogAssist,
    CatalogEntry,
    Category,
    Membership,
    Region,
    RegionAlias,
    RegionCodeHistory,
    ServiceArea,
    Unit,
)


class Whistle(models.Model):
    """街乡吹哨: a street office leading a ticket summons departments, which must report (部门报到)."""

    ticket = models.ForeignKey(
        "orders.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="whistles"
    )
    street_unit = models.ForeignKey(
        Unit, verbose_name=_("whistling street office"), on_delete=models.PROTECT, related_name="whistles"
    )
    grade = models.CharField(_("grade"), max_length=16, choices=WhistleGrade.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=8, choices=WhistleStatus.choices, default=WhistleStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = optional_reference(settings.AUTH_USER_MODEL, _("closed by"))
    close_reason = models.CharField(
        _("why closed"), max_length=8, choices=WhistleCloseReason.choices, blank=True
    )
    close_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")
        ordering = ["-raised_at"]
        permissions = [("report_whistle", "Can report to a whistle as a summoned department")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status=WhistleStatus.OPEN), name="whistle_one_open_per_ticket"
            ),
        ]
        indexes = [models.Index(fields=["street_unit", "-raised_at"], name="whistle_street_raised")]

    def __str__(self) -> str:
        return f"{self.street_unit} → {self.get_grade_display()}"


class WhistleSummons(models.Model):
    """部门报到: a summoned department's duty under a whistle — report by a deadline, rated by the street."""

    whistle = models.ForeignKey(
        Whistle, verbose_name=_("whistle"), on_delete=models.CASCADE, related_name="summons"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("summoned unit"), on_delete=models.PROTECT, related_name="whistle_summons"
    )
    # What the department was asked (its deadline runs on its summoned assignment in ``orders``).
    report_by = models.DateTimeField(_("report by"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = optional_reference(settings.AUTH_USER_MODEL, _("reported by"))
    report_note = models.TextField(_("report"), blank=True)
    arrived_on_site = models.BooleanField(_("arrived on site"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("street's rating (1–5)"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rated_by = optional_reference(settings.AUTH_USER_MODEL, _("rated by"))

    class Meta:
        verbose_name = _("whistle summons")
        verbose_name_plural = _("whistle summons")
        ordering = ["report_by", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["whistle", "unit"], name="whistle_summons_unit_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="whistle_summons_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "report_by"], name="summons_unit_report_by"),
            # The deadline sweep looks only at summons not yet reported.
            models.Index(
                fields=["report_by"], name="summons_open_report_by", condition=Q(reported_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.whistle_id})"

    @property
    def reported_on_time(self) -> bool | None:
        if self.reported_at is None:
            return None
        return self.reported_at <= self.report_by


class AutoDispatchFailure(models.Model):
    """自动派单未成功: a ticket of an auto-dispatch category the machine did not dispatch, and why.

    One row per ticket, updated on each attempt; the catch-up retries it after ``next_attempt_at``.
    A ticket no longer waiting for dispatch has left the dispatcher's list (the row is cleared by
    the next catch-up).
    """

    ticket = models.OneToOneField(
        "orders.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="auto_dispatch_failure",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=AutoDispatchFailureReason.choices)
    detail = models.TextField(_("detail"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    first_failed_at = models.DateTimeField(_("first failed at"))
    last_failed_at = models.DateTimeField(_("last failed at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"))

    class Meta:
        verbose_name = _("auto-dispatch failure")
        verbose_name_plural = _("auto-dispatch failures")
        ordering = ["first_failed_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.get_reason_display()}"


class CategoryModelSnapshot(models.Model):
    """分类建议模型: the word counts learned from the categories agents chose for earlier demands
    (``dispatch.services.category_model_train``, nightly). The catalog's own words are added when the
    model is built, so an empty table still gives suggestions."""

    trained_at = models.DateTimeField(_("trained at"))
    examples = models.PositiveIntegerField(_("demands learned from"))
    since = models.DateTimeField(_("demands since"))
    counts = models.JSONField(_("word counts per category"), default=dict)
    documents = models.JSONField(_("demands per category"), default=dict)

    class Meta:
        verbose_name = _("category suggestion model")
        verbose_name_plural = _("category suggestion models")
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return f"{self.trained_at:%Y-%m-%d %H:%M} ({self.examples})"
