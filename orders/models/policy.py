"""Time limits as data: the SLA policy with its tiers, and the working-day calendar."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dispatch.directory.choices import UrgencyTier

from ..choices import (
    CalendarSource,
    ClockStart,
    LimitUnit,
)


class SlaPolicy(models.Model):
    """时限规则: the limits per urgency tier and the escalation ladder, effective from a date.

    The policy in force at a moment is the active one with the latest ``effective_from`` not after it.
    Seeded with the tiers public reports give (see docs/deadlines.md); data, not code.
    """

    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateTimeField(_("effective from"))
    is_active = models.BooleanField(_("active"), default=True)
    handling_clock_starts = models.CharField(
        _("handling clock starts at"), max_length=12, choices=ClockStart.choices, default=ClockStart.DISPATCH
    )
    warn_ratio = models.DecimalField(
        _("warn when this share of the time is used"),
        max_digits=3,
        decimal_places=2,
        default=0.8,
        validators=[MinValueValidator(0.1), MaxValueValidator(0.99)],
    )
    urge_after_hours = models.PositiveIntegerField(_("urge this many hours after the deadline"), default=2)
    supervise_after_hours = models.PositiveIntegerField(
        _("escalate this many hours after the urge"), default=24
    )
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed per ticket"), default=1)
    dispatch_within_minutes = models.PositiveIntegerField(
        _("dispatch within (minutes)"),
        default=5,
        help_text=_("派单时限: reported practice is within 5 minutes of the call; no formal rule is public."),
    )
    whistle_routine_hours = models.PositiveIntegerField(
        _("report hours for a work-progress whistle"), default=24
    )
    whistle_critical_hours = models.PositiveIntegerField(
        _("report hours for a hard-problem whistle"), default=4
    )
    basis = models.TextField(_("basis"), blank=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"


class SlaTier(models.Model):
    """One urgency tier's limits under a policy: sign-for, handling, callback."""

    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="tiers"
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=UrgencyTier.choices)
    sign_value = models.DecimalField(_("sign-for limit"), max_digits=6, decimal_places=2)
    sign_unit = models.CharField(_("unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.HOURS)
    handle_value = models.DecimalField(_("handling limit"), max_digits=6, decimal_places=2)
    handle_unit = models.CharField(_("unit"), max_length=16, choices=LimitUnit.choices)
    callback_value = models.DecimalField(_("callback limit"), max_digits=6, decimal_places=2)
    callback_unit = models.CharField(_("unit"), max_length=16, choices=LimitUnit.choices)
    # 协办反馈: when assisting units file their part. No public figure: this system's defaults.
    assist_value = models.DecimalField(_("assisting units' limit"), max_digits=6, decimal_places=2, default=3)
    assist_unit = models.CharField(
        _("unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    # 先行联系: when the lead unit should first contact the caller. No public figure: defaults.
    contact_value = models.DecimalField(_("first-contact limit"), max_digits=6, decimal_places=2, default=24)
    contact_unit = models.CharField(
        _("unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.HOURS
    )

    class Meta:
        verbose_name = _("SLA tier")
        verbose_name_plural = _("SLA tiers")
        constraints = [models.UniqueConstraint(fields=["policy", "urgency"], name="sla_tier_once_per_policy")]

    def __str__(self) -> str:
        return self.get_urgency_display()

    def clean(self) -> None:
        for field in ("sign", "handle", "callback", "assist", "contact"):
            value, unit = getattr(self, f"{field}_value"), getattr(self, f"{field}_unit")
            if value is None or value <= 0:
                raise ValidationError({f"{field}_value": _("A limit must be positive.")})
            if unit == LimitUnit.WORKING_DAYS and value != int(value):
                raise ValidationError({f"{field}_value": _("Working-day limits are whole days.")})


class CalendarYear(models.Model):
    """A year whose holiday schedule is loaded: official (a notice, or a package carrying them) or
    provisional (derived from the statutory rules until the notice is imported)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    kind = models.CharField(
        _("schedule"), max_length=24, choices=CalendarSource.choices, default=CalendarSource.NOTICE
    )
    source = models.CharField(_("source"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a holiday, or a weekend worked (调休上班)."""

    day = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"), help_text=_("Checked: an adjusted working weekend."))
    name = models.CharField(_("holiday"), max_length=40, blank=True)
    source = models.CharField(
        _("source"), max_length=24, choices=CalendarSource.choices, default=CalendarSource.NOTICE
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '放假'} {self.name}"

    def clean(self) -> None:
        if self.day and not CalendarYear.objects.filter(year=self.day.year).exists():
            raise ValidationError({"day": _("Add the year %(year)s first.") % {"year": self.day.year}})
