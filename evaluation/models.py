"""Callback (回访), appeals (申诉) and assessment (考评): schemes and period scores.

``Callback`` is the fact the assessment counts: one row per callback round of a ticket, carrying the
unit it assesses (and that unit's district government) as they were when the round was recorded,
so a later change to the unit tree never rewrites a closed period.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.directory.choices import AssessmentGroup
from dispatch.directory.fields import optional_reference

from .choices import (
    AppealReason,
    AppealStatus,
    CallbackOutcome,
    ExemptionReason,
    ReportKind,
    Resolution,
    Satisfaction,
    WarningKind,
    WarningStatus,
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


class AssessmentScheme(models.Model):
    """考评方案: the weights of the three rates for a group, effective from a date.

    The official weights are not public text; variants in use are 10/45/45 and 10/50/40 (see
    docs/assessment.md). Never hard-coded: the scheme in force for a group and period is the active
    one with the latest ``effective_from`` not after the period's start.
    """

    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("assessment group"), max_length=24, choices=AssessmentGroup.choices)
    effective_from = models.DateField(_("effective from"))
    is_active = models.BooleanField(_("active"), default=True)
    weight_response = models.DecimalField(_("weight of the response rate"), max_digits=4, decimal_places=3)
    weight_resolution = models.DecimalField(
        _("weight of the resolution rate"), max_digits=4, decimal_places=3
    )
    weight_satisfaction = models.DecimalField(
        _("weight of the satisfaction rate"), max_digits=4, decimal_places=3
    )
    basic_satisfied_factor = models.DecimalField(
        _("share counted for 'basically satisfied'"),
        max_digits=4,
        decimal_places=3,
        default=0.9,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    period_start_day = models.PositiveSmallIntegerField(
        _("period starts on day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1: calendar months; 19: from the 19th to the 18th of the next month."),
    )
    appeal_window_days = models.PositiveSmallIntegerField(_("days to appeal after the callback"), default=7)
    # how tickets count
    repeat_window_days = models.PositiveSmallIntegerField(
        _("a caller's repeated demands count once within (days)"),
        default=30,
        help_text=_(
            "Tickets of one caller on one category within this many days of each other count once: the"
            " latest. 0 counts every ticket."
        ),
    )
    count_rework_rounds = models.BooleanField(
        _("every callback round counts"),
        default=False,
        help_text=_("Off: only the round that closed the ticket counts. On: each valid round too."),
    )
    basic_resolved_factor = models.DecimalField(
        _("share counted for 'basically resolved'"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.500"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    extra_weights = models.JSONField(
        _("weights of further indicators"),
        default=dict,
        blank=True,
        help_text=_(
            'Indicator → weight, e.g. {"handle_on_time": 0.05}; with the three rates\' they add up to 1.'
        ),
    )
    basis = models.TextField(_("basis"), blank=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["group", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.effective_from}"

    def clean(self) -> None:
        from .scoring import EXTRA_INDICATORS

        extra = self.extra_weights or {}
        unknown = sorted(set(extra) - set(EXTRA_INDICATORS))
        if unknown:
            raise ValidationError(
                {"extra_weights": _("Unknown indicators: %(names)s.") % {"names": ", ".join(unknown)}}
            )
        try:
            extras = [Decimal(str(w)) for w in extra.values()]
        except ArithmeticError as error:
            raise ValidationError({"extra_weights": _("Weights are numbers.")}) from error
        if any(w < 0 for w in extras):
            raise ValidationError({"extra_weights": _("Weights are not negative.")})
        total = sum(
            (
                Decimal(w or 0)
                for w in (self.weight_response, self.weight_resolution, self.weight_satisfaction)
            ),
            Decimal(0),
        ) + sum(extras, Decimal(0))
        if abs(total - 1) > Decimal("0.0005"):
            raise ValidationError(
                _("The weights must add up to 1 (they add up to %(total)s).") % {"total": total}
            )


class PeriodScore(models.Model):
    """One unit's assessment for one period: counts, rates, composite and rank (a stored snapshot)."""

    unit = models.ForeignKey(
        "dispatch.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="period_scores"
    )
    group = models.CharField(_("assessment group"), max_length=24, choices=AssessmentGroup.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    label = models.CharField(_("period"), max_length=16, db_index=True)
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+"
    )
    is_final = models.BooleanField(_("final"), default=False)
    computed_at = models.DateTimeField(_("computed at"))
    # volumes
    tickets = models.PositiveIntegerField(_("tickets led"), default=0)
    callbacks = models.PositiveIntegerField(_("callbacks"), default=0)
    valid_callbacks = models.PositiveIntegerField(_("valid callbacks"), default=0)
    unreachable = models.PositiveIntegerField(_("unreachable"), default=0)
    exempt = models.PositiveIntegerField(_("exempt by appeal"), default=0)
    contacted = models.PositiveIntegerField(_("contacted"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    basic_resolved = models.PositiveIntegerField(_("basically resolved"), default=0)
    repeats = models.PositiveIntegerField(_("repeated demands counted once"), default=0)
    first_time_resolved = models.PositiveIntegerField(_("resolved the first time"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basic = models.PositiveIntegerField(_("basically satisfied"), default=0)
    unsatisfied = models.PositiveIntegerField(_("unsatisfied"), default=0)
    # the three rates and the composite, 0–100
    response_rate = models.FloatField(_("response rate"), null=True)
    resolution_rate = models.FloatField(_("resolution rate"), null=True)
    satisfaction_rate = models.FloatField(_("satisfaction rate"), null=True)
    composite = models.FloatField(_("composite score"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    rank_of = models.PositiveIntegerField(_("ranked units"), null=True)
    previous_rank = models.PositiveIntegerField(_("previous rank"), null=True)
    # operational indicators
    signed_on_time_rate = models.FloatField(_("signed on time"), null=True)
    handled_on_time_rate = models.FloatField(_("handled on time"), null=True)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    return_rate = models.FloatField(_("return rate"), null=True)
    whistles_raised = models.PositiveIntegerField(_("whistles raised"), default=0)
    whistle_reports_on_time_rate = models.FloatField(_("whistle reports on time"), null=True)
    whistle_rating = models.FloatField(_("street rating of whistle reports"), null=True)
    per_thousand_residents = models.FloatField(_("tickets per 1,000 residents"), null=True)
    first_time_resolution_rate = models.FloatField(_("first-time resolution rate"), null=True)
    first_contact_on_time_rate = models.FloatField(_("first contact on time"), null=True)
    contradictions = models.PositiveIntegerField(_("callbacks contradicting the record"), default=0)
    # proactive work (主动治理): no caller, verified by a supervisor, never in the three rates
    proactive_tickets = models.PositiveIntegerField(_("proactive tickets closed"), default=0)
    proactive_on_time_rate = models.FloatField(_("proactive work on time"), null=True)
    proactive_verified_rate = models.FloatField(_("proactive work verified at first"), null=True)
    proactive_repeat_rate = models.FloatField(_("complaints on the same problem afterwards"), null=True)
    indicators = models.JSONField(_("indicator values"), default=dict)

    class Meta:
        verbose_name = _("period score")
        verbose_name_plural = _("period scores")
        ordering = ["group", "period_start", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "group", "period_start"], name="period_score_once"),
        ]
        indexes = [models.Index(fields=["group", "period_start", "rank"], name="period_score_ranking")]

    def __str__(self) -> str:
        return f"{self.unit} {self.label}: {self.composite}"

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


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


class StaleScores(models.Model):
    """分数待刷新: a group's period whose stored scores are behind a close, an appeal or an exemption
    decision. The refresh task recomputes it within minutes (a burst of closes counts once)."""

    group = models.CharField(_("assessment group"), max_length=24, choices=AssessmentGroup.choices)
    period_start = models.DateField(_("period start"))
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("scores to refresh")
        verbose_name_plural = _("scores to refresh")
        constraints = [models.UniqueConstraint(fields=["group", "period_start"], name="stale_scores_once")]

    def __str__(self) -> str:
        return f"{self.group} {self.period_start}"
