"""Callback (回访) and what follows it: rounds and attempts, appeals (申诉), exemption requests
(不纳入考评) and supervisors' verifications of work without a caller.

``Callback`` is the fact the assessment counts: one row per callback round of a ticket, carrying the
unit it assesses (and that unit's district government) as they were when the round was recorded,
so a later change to the unit tree never rewrites a closed period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.directory.choices import AssessmentGroup
from dispatch.directory.fields import optional_reference

from ..choices import (
    AppealReason,
    AppealStatus,
    CallbackOutcome,
    ExemptionReason,
    Resolution,
    Satisfaction,
)


class Callback(models.Model):
    """回访: one round of calling the citizen back about a handled ticket."""

    ticket = models.ForeignKey(
        "orders.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="callbacks"
    )
    round = models.PositiveSmallIntegerField(
        _("round"), help_text=_("0 for the first handling, 1 after one rework …")
    )
    unit = optional_reference("dispatch.Unit", _("assessed unit"), related_name="callbacks")
    district_unit = optional_reference(
        "dispatch.Unit", _("district government assessed"), related_name="district_callbacks"
    )
    group = models.CharField(
        _("assessment group"), max_length=24, choices=AssessmentGroup.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    reached = models.BooleanField(_("caller reached"), default=False)
    valid = models.BooleanField(_("valid callback"), default=False, help_text=_("Counts in the three rates."))
    contacted = models.BooleanField(_("contacted by the unit"), null=True, blank=True)  # 响应
    resolved = models.BooleanField(
        _("resolved"), null=True, blank=True, help_text=_("Resolved or basically resolved.")
    )  # 解决（含基本解决）
    resolution = models.CharField(
        _("resolution"), max_length=12, choices=Resolution.choices, blank=True
    )  # 已解决 / 基本解决 / 未解决
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    contradicts_record = models.BooleanField(
        _("contradicts the unit's record"),
        default=False,
        help_text=_("The caller says nobody contacted them, but the unit recorded a first contact."),
    )  # 回访与先行联系记录矛盾，待核查
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallbackOutcome.choices, blank=True)
    is_final = models.BooleanField(
        _("final round"),
        default=False,
        help_text=_("The round that closed the ticket; the assessment counts it."),
    )
    inherited_from = optional_reference("self", _("parent ticket's callback"))
    recorded_by = optional_reference(settings.AUTH_USER_MODEL, _("recorded by"))
    started_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["-completed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "round"], name="callback_one_per_round"),
            models.UniqueConstraint(fields=["ticket"], condition=Q(is_final=True), name="callback_one_final"),
            models.CheckConstraint(
                condition=Q(valid=False)
                | (Q(contacted__isnull=False) & Q(resolved__isnull=False) & ~Q(satisfaction="")),
                name="callback_valid_has_answers",
            ),
        ]
        indexes = [
            # The assessment reads final callbacks of a period, by unit or by district.
            models.Index(
                fields=["completed_at", "unit"], name="callback_final_unit", condition=Q(is_final=True)
            ),
            models.Index(
                fields=["completed_at", "district_unit"],
                name="callback_final_district",
                condition=Q(is_final=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.round} {self.get_outcome_display()}"


class CallbackAttempt(models.Model):
    """One call: reached or not, and what was noted."""

    callback = models.ForeignKey(
        Callback, verbose_name=_("callback"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    reached = models.BooleanField(_("reached"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.callback_id} {self.at:%Y-%m-%d %H:%M}"


class Appeal(models.Model):
    """申诉: a unit disputes one ticket's assessment; an assessor decides; approved → exempt."""

    ticket = models.ForeignKey(
        "orders.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="appeals"
    )
    callback = models.ForeignKey(
        Callback, verbose_name=_("callback"), on_delete=models.PROTECT, related_name="appeals"
    )
    unit = models.ForeignKey(
        "dispatch.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=AppealReason.choices)
    evidence = models.TextField(_("evidence"), max_length=4000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(
        _("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = optional_reference(settings.AUTH_USER_MODEL, _("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]
        permissions = [("decide_appeal", "Can decide appeals"), ("file_appeal", "Can appeal an assessment")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status=AppealStatus.PENDING), name="appeal_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_reason_display()} ({self.get_status_display()})"


class ExemptionRequest(models.Model):
    """不纳入考评申请: at intake or dispatch, a ticket is proposed for exclusion from the assessment
    (an unreasonable demand, beyond policy …); an assessor decides; approved → the ticket is exempt."""

    ticket = models.ForeignKey(
        "orders.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="exemption_requests"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ExemptionReason.choices)
    note = models.TextField(_("explanation"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = optional_reference(settings.AUTH_USER_MODEL, _("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("exemption request")
        verbose_name_plural = _("exemption requests")
        ordering = ["-requested_at"]
        permissions = [("request_exemption", "Can propose a ticket for exemption from assessment")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status=AppealStatus.PENDING), name="exemption_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_reason_display()} ({self.get_status_display()})"


class Verification(models.Model):
    """核实: a supervisor checks handled proactive work (no caller to call back): verified → closed,
    not verified → back to the unit. One row per rework round."""

    ticket = models.ForeignKey(
        "orders.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="verifications"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    unit = optional_reference("dispatch.Unit", _("assessed unit"), related_name="verifications")
    verified = models.BooleanField(_("verified"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "round"], name="verification_one_per_round")]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.round} {self.verified}"
