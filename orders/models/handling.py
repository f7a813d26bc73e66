"""Who holds a ticket and how it moves between units: assignments, return and extension requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.directory.fields import optional_reference

from ..choices import (
    AssignmentEnd,
    AssignmentRole,
    DeadlineStep,
    ExtensionDecision,
    ReturnDecision,
    ReturnReason,
)
from .tickets import Ticket


class Assignment(models.Model):
    """承办关系: a unit holds a ticket as lead (主办), assist (协办) or summoned department (吹哨报到),
    with its times and deadlines. Units see the tickets they hold or held (``orders.selectors``)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(  # (indexed by assignment_unit_ticket, which starts with it)
        "dispatch.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=12, choices=AssignmentRole.choices)
    assigned_by = optional_reference(settings.AUTH_USER_MODEL, _("assigned by"), on_delete=models.SET_NULL)
    assigned_at = models.DateTimeField(_("assigned at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    # Two clocks per lead assignment (DESIGN §5). Each keeps its start, its due time, and the next
    # escalation step with when it falls due; the sweep reads only rows whose next step is scheduled.
    sign_started_at = models.DateTimeField(_("sign-for clock started"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("sign-for due"), null=True, blank=True)
    sign_due_provisional = models.BooleanField(
        _("sign-for due time is provisional"),
        default=False,
        help_text=_("Computed over days of a year whose holiday notice is not imported yet."),
    )
    sign_next_step = models.CharField(
        _("next sign-for step"), max_length=12, choices=DeadlineStep.choices, blank=True
    )
    sign_next_at = models.DateTimeField(_("next sign-for step at"), null=True, blank=True)
    handle_started_at = models.DateTimeField(_("handling clock started"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("handling due"), null=True, blank=True)
    handle_due_provisional = models.BooleanField(
        _("handling due time is provisional"),
        default=False,
        help_text=_("Computed over days of a year whose holiday notice is not imported yet."),
    )
    handle_next_step = models.CharField(
        _("next handling step"), max_length=12, choices=DeadlineStep.choices, blank=True
    )
    handle_next_at = models.DateTimeField(_("next handling step at"), null=True, blank=True)
    # 先行联系: when the unit first reached the caller, against a deadline from the policy
    first_contact_due_at = models.DateTimeField(_("first contact due"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contacted the caller"), null=True, blank=True)
    extensions_granted = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=16, choices=AssignmentEnd.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(role=AssignmentRole.LEAD, ended_at__isnull=True),
                name="assignment_one_active_lead",
            ),
            # A unit holds a ticket once in each role (a department may assist and be summoned).
            models.UniqueConstraint(
                fields=["ticket", "unit", "role"],
                condition=Q(ended_at__isnull=True),
                name="assignment_unit_role_once_active",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "ticket"], name="assignment_unit_ticket"),
            models.Index(
                fields=["sign_next_at"], name="assignment_sign_next", condition=Q(sign_next_at__isnull=False)
            ),
            models.Index(
                fields=["handle_next_at"],
                name="assignment_handle_next",
                condition=Q(handle_next_at__isnull=False),
            ),
            # Overdue filters and inboxes look at the open deadlines of active assignments.
            models.Index(
                fields=["handle_due_at"],
                name="assignment_handle_due_open",
                condition=Q(ended_at__isnull=True, replied_at__isnull=True),
            ),
            models.Index(
                fields=["sign_due_at"],
                name="assignment_sign_due_open",
                condition=Q(ended_at__isnull=True, signed_at__isnull=True),
            ),
            # Due times computed over a provisional calendar year, recomputed when its notice comes.
            models.Index(
                fields=["sign_due_at"],
                name="assignment_sign_provisional",
                condition=Q(sign_due_provisional=True),
            ),
            models.Index(
                fields=["handle_due_at"],
                name="assignment_handle_provisional",
                condition=Q(handle_due_provisional=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} → {self.unit} ({self.get_role_display()})"


class Request(models.Model):
    """A unit's request the hotline decides: who asked and when, who decided and why."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = optional_reference(settings.AUTH_USER_MODEL, _("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)

    class Meta:
        abstract = True


class ReturnRequest(Request):
    """退单申请: the lead unit asks to give a ticket back; a dispatcher approves or denies."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="return_requests"
    )
    unit = models.ForeignKey(
        "dispatch.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=24, choices=ReturnReason.choices)
    note = models.TextField(_("explanation"), max_length=2000)
    suggested_unit = optional_reference("dispatch.Unit", _("suggested unit"))
    decision = models.CharField(
        _("decision"), max_length=16, choices=ReturnDecision.choices, default=ReturnDecision.PENDING
    )

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(decision=ReturnDecision.PENDING),
                name="return_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} ← {self.unit} ({self.get_decision_display()})"


class ExtensionRequest(Request):
    """延期申请: the lead unit asks for more handling time before its deadline; a dispatcher decides."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="extensions"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(
        "dispatch.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    current_due_at = models.DateTimeField(_("deadline when asked"))
    proposed_due_at = models.DateTimeField(_("proposed deadline"))
    decision = models.CharField(
        _("decision"), max_length=12, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING
    )
    granted_due_at = models.DateTimeField(_("granted deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(decision=ExtensionDecision.PENDING),
                name="extension_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(proposed_due_at__gt=models.F("current_due_at")),
                name="extension_moves_deadline_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} +{self.proposed_due_at:%Y-%m-%d %H:%M} ({self.get_decision_display()})"
