"""Assessment (考评): effective-dated schemes, period scores, and the periods waiting to be
recomputed."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dispatch.directory.choices import AssessmentGroup


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
        from ..scoring import EXTRA_INDICATORS

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
