"""Work orders: callers, tickets and their lifecycle, assignments, return requests, the audit trail.

The ticket's ``state`` is protected: only the ``@transition`` methods below change it, and they
change nothing but the ticket itself. Everything around a transition — locking, permissions,
assignments, events, follow-up tasks — is done by ``orders.services``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from dispatch.choices import DemandType, UrgencyTier

from . import conditions
from .access import (
    by_lead_handler,
    by_lead_street_handler,
    by_role,
    by_role_or_lead_supervisor,
    by_role_or_proactive_creator,
)
from .choices import (
    OPEN_STATES,
    AssignmentEnd,
    AssignmentRole,
    CalendarSource,
    Channel,
    ClockStart,
    DeadlineClock,
    DeadlineStep,
    EventKind,
    ExtensionDecision,
    LimitUnit,
    RejectReason,
    ReturnDecision,
    ReturnReason,
    TicketState,
)
from .privacy import decrypt


class Caller(models.Model):
    """诉求人: a person who contacts the hotline, known by phone number.

    The number is kept as a keyed hash (for lookup), encrypted (for callback) and masked (for
    display); the name likewise. See ``orders.privacy``.
    """

    phone_hash = models.CharField(_("phone hash"), max_length=64, unique=True)
    phone_encrypted = models.TextField(_("phone (encrypted)"))
    phone_masked = models.CharField(_("phone (masked)"), max_length=20)
    name_encrypted = models.TextField(_("name (encrypted)"), blank=True)
    name_masked = models.CharField(_("name (masked)"), max_length=20, blank=True)
    first_contact_at = models.DateTimeField(_("first contact"), default=timezone.now)
    last_contact_at = models.DateTimeField(_("last contact"), default=timezone.now)

    class Meta:
        verbose_name = _("caller")
        verbose_name_plural = _("callers")

    def __str__(self) -> str:
        return f"{self.name_masked or '—'} {self.phone_masked}"

    @property
    def phone(self) -> str:
        return decrypt(self.phone_encrypted)

    @property
    def name(self) -> str:
        return decrypt(self.name_encrypted)


class Ticket(FSMModelMixin, models.Model):
    """工单: one demand (诉求) from intake to closure. The state says who holds the ball."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    state = FSMField(_("state"), default=TicketState.RECEIVED, choices=TicketState.choices, protected=True)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    demand_type = models.CharField(_("demand type"), max_length=16, choices=DemandType.choices)
    category = models.ForeignKey(
        "dispatch.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="tickets"
    )
    region = models.ForeignKey(
        "dispatch.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="tickets"
    )
    # The district and street of ``region``, kept on the ticket because every list, scope and
    # report filters or groups by them; set once from the region by the create service.
    district = models.ForeignKey(
        "dispatch.Region",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    street = models.ForeignKey(
        "dispatch.Region",
        verbose_name=_("street/township"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    content = models.TextField(_("content"), max_length=4000)
    caller = models.ForeignKey(
        Caller,
        verbose_name=_("caller"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=UrgencyTier.choices)
    is_enterprise = models.BooleanField(_("enterprise demand"), default=False)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("The caller's identity is never shown to handling units.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    lead_unit = models.ForeignKey(
        "dispatch.Unit",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tickets",
    )
    answer = models.TextField(_("direct answer"), blank=True)
    reject_reason = models.CharField(
        _("reason not accepted"), max_length=24, choices=RejectReason.choices, blank=True
    )
    result = models.TextField(_("handling result"), blank=True)
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    assessment_exempt = models.BooleanField(_("exempt from assessment"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("whistle blown at"), null=True, blank=True)
    return_requested_at = models.DateTimeField(_("return requested at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    # 回访时限: set when the result is submitted; the sweep escalates a callback that is late.
    callback_due_at = models.DateTimeField(_("callback due"), null=True, blank=True)
    callback_due_provisional = models.BooleanField(
        _("callback due time is provisional"),
        default=False,
        help_text=_("Computed over days of a year whose holiday notice is not imported yet."),
    )
    callback_next_step = models.CharField(
        _("next callback step"), max_length=12, choices=DeadlineStep.choices, blank=True
    )
    callback_next_at = models.DateTimeField(_("next callback step at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        permissions = [
            ("create_ticket", "Can log a demand as a ticket"),
            ("answer_ticket", "Can answer a ticket directly"),
            ("reject_ticket", "Can refuse a ticket"),
            ("merge_ticket", "Can merge a ticket into another"),
            ("dispatch_ticket", "Can dispatch a ticket"),
            ("reassign_ticket", "Can reassign a ticket"),
            ("accept_ticket", "Can sign for a ticket"),
            ("request_return_ticket", "Can ask to return a ticket"),
            ("decide_return_ticket", "Can approve or deny a return"),
            ("whistle_ticket", "Can blow the whistle on a ticket"),
            ("reply_ticket", "Can submit a ticket's result"),
            ("close_ticket", "Can close a ticket after callback"),
            ("reopen_ticket", "Can send a ticket back for rework"),
            ("view_all_tickets", "Can see every ticket"),
            ("view_caller_contact", "Can see callers' names and phone numbers"),
            ("request_extension", "Can ask for more time"),
            ("decide_extension", "Can approve or deny an extension"),
            ("create_proactive_ticket", "Can raise proactive tickets"),
        ]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="ticket_state_created"),
            models.Index(fields=["lead_unit", "state"], name="ticket_lead_unit_state"),
            models.Index(fields=["district", "-created_at"], name="ticket_district_created"),
            models.Index(fields=["street", "-created_at"], name="ticket_street_created"),
            models.Index(fields=["category", "-created_at"], name="ticket_category_created"),
            models.Index(fields=["channel", "-created_at"], name="ticket_channel_created"),
            models.Index(fields=["caller", "-created_at"], name="ticket_caller_created"),
            models.Index(
                fields=["lead_unit", "-created_at"],
                name="ticket_open_by_unit",
                condition=Q(state__in=OPEN_STATES),
            ),
            models.Index(
                fields=["callback_due_at"],
                name="ticket_callback_provisional",
                condition=Q(callback_due_provisional=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=TicketState.MERGED) | Q(parent__isnull=False),
                name="ticket_merged_has_parent",
            ),
            models.CheckConstraint(
                condition=~Q(state=TicketState.REJECTED) | ~Q(reject_reason=""),
                name="ticket_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.longitude is not None and not (73 <= self.longitude <= 136):
            raise ValidationError({"longitude": _("Longitude must lie within China.")})
        if self.latitude is not None and not (3 <= self.latitude <= 54):
            raise ValidationError({"latitude": _("Latitude must lie within China.")})

    # ---------------------------------------------------------------- transitions (DESIGN §3)
    # Each changes only this ticket. The service around it locks, checks, saves and writes the event.

    @transition(
        field=state,
        source=TicketState.RECEIVED,
        target=TicketState.DISPATCHED,
        conditions=[conditions.is_classified],
        permission=by_role_or_proactive_creator("orders.dispatch_ticket"),
    )
    def dispatch(self, *, lead_unit_id: int, at: Any) -> None:
        """派单: a lead unit (and any assisting units) now holds the ticket."""
        self.lead_unit_id = lead_unit_id
        self.dispatched_at = at
        self.accepted_at = None

    @transition(
        field=state,
        source=TicketState.RECEIVED,
        target=TicketState.ANSWERED,
        permission=by_role("orders.answer_ticket"),
    )
    def answer_directly(self, *, answer: str, at: Any) -> None:
        """直接答复: the agent answered at intake (from the knowledge base); terminal."""
        self.answer = answer
        self.answered_at = at

    @transition(
        field=state,
        source=TicketState.RECEIVED,
        target=TicketState.REJECTED,
        permission=by_role("orders.reject_ticket"),
    )
    def reject(self, *, reason: str, at: Any) -> None:
        """不予受理: out of scope, with a reason code; terminal."""
        self.reject_reason = reason
        self.rejected_at = at

    @transition(
        field=state,
        source=[TicketState.RECEIVED, TicketState.DISPATCHED, TicketState.ACCEPTED],
        target=TicketState.MERGED,
        conditions=[conditions.is_not_a_child],
        permission=by_role("orders.merge_ticket"),
    )
    def merge(self, *, parent_id: int, at: Any) -> None:
        """并单: a duplicate joins its parent ticket; terminal. The parent's outcome reaches it."""
        self.parent_id = parent_id
        self.merged_at = at
        self.lead_unit_id = None

    @transition(
        field=state,
        source=[TicketState.DISPATCHED, TicketState.ACCEPTED],
        target=TicketState.DISPATCHED,
        permission=by_role_or_lead_supervisor("orders.reassign_ticket"),
    )
    def reassign(self, *, lead_unit_id: int, at: Any) -> None:
        """改派: another unit leads; it must sign for the ticket again."""
        self.lead_unit_id = lead_unit_id
        self.dispatched_at = at
        self.accepted_at = None

    @transition(
        field=state,
        source=TicketState.DISPATCHED,
        target=TicketState.ACCEPTED,
        conditions=[conditions.has_lead_unit],
        permission=by_lead_handler("orders.accept_ticket"),
    )
    def accept(self, *, at: Any) -> None:
        """签收: the lead unit signs for the ticket; the handling clock runs."""
        self.accepted_at = at

    @transition(
        field=state,
        source=[TicketState.DISPATCHED, TicketState.ACCEPTED],
        target=TicketState.RETURN_REQUESTED,
        conditions=[conditions.has_lead_unit],
        permission=by_lead_handler("orders.request_return_ticket"),
    )
    def request_return(self, *, at: Any) -> None:
        """申请退单: the lead unit says the ticket is not theirs; the hotline decides."""
        self.return_requested_at = at

    @transition(
        field=state,
        source=TicketState.RETURN_REQUESTED,
        target=TicketState.RECEIVED,
        permission=by_role("orders.decide_return_ticket"),
    )
    def approve_return(self, *, at: Any) -> None:
        """同意退单: the ticket goes back to the hotline for another dispatch."""
        self.lead_unit_id = None
        self.dispatched_at = None
        self.accepted_at = None

    @transition(
        field=state,
        source=TicketState.RETURN_REQUESTED,
        target=TicketState.DISPATCHED,
        permission=by_role("orders.decide_return_ticket"),
    )
    def deny_return(self, *, at: Any) -> None:
        """驳回退单: the unit keeps the ticket and must sign for it again."""
        self.accepted_at = None

    @transition(
        field=state,
        source=TicketState.ACCEPTED,
        target=TicketState.ESCALATED,
        permission=by_lead_street_handler("orders.whistle_ticket"),
    )
    def whistle(self, *, at: Any) -> None:
        """街乡吹哨: the lead street office summons departments, which must report."""
        self.escalated_at = at

    @transition(
        field=state,
        source=TicketState.ESCALATED,
        target=TicketState.ACCEPTED,
        permission=by_lead_street_handler("orders.whistle_ticket"),
    )
    def end_whistle(self, *, at: Any) -> None:
        """结束吹哨: the summoned departments have done their part; the street goes on handling."""

    @transition(
        field=state,
        source=[TicketState.ACCEPTED, TicketState.ESCALATED],
        target=TicketState.HANDLED,
        permission=by_lead_handler("orders.reply_ticket"),
    )
    def reply(self, *, result: str, at: Any) -> None:
        """办理反馈: the lead unit submits what it did; callback follows."""
        self.result = result
        self.handled_at = at

    @transition(
        field=state,
        source=TicketState.HANDLED,
        target=TicketState.CLOSED,
        permission=by_role("orders.close_ticket"),
    )
    def close(self, *, at: Any) -> None:
        """办结: the callback is recorded (or the caller could not be reached)."""
        self.closed_at = at

    @transition(
        field=state,
        source=TicketState.HANDLED,
        target=TicketState.ACCEPTED,
        conditions=[conditions.rework_allowed],
        permission=by_role("orders.reopen_ticket"),
    )
    def reopen(self, *, at: Any) -> None:
        """重办: unsatisfactory work goes back to the lead unit with a new handling deadline."""
        self.rework_count += 1
        self.reopened_at = at
        self.handled_at = None


class Assignment(models.Model):
    """承办关系: a unit holds a ticket as lead (主办) or assist (协办), with its times and deadlines."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        "dispatch.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
            models.UniqueConstraint(
                fields=["ticket", "unit"],
                condition=Q(ended_at__isnull=True),
                name="assignment_unit_once_active",
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


class ReturnRequest(models.Model):
    """退单申请: the lead unit asks to give a ticket back; a dispatcher approves or denies."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="return_requests"
    )
    unit = models.ForeignKey(
        "dispatch.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=24, choices=ReturnReason.choices)
    note = models.TextField(_("explanation"), max_length=2000)
    suggested_unit = models.ForeignKey(
        "dispatch.Unit",
        verbose_name=_("suggested unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(
        _("decision"), max_length=16, choices=ReturnDecision.choices, default=ReturnDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)

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


class TicketEvent(models.Model):
    """工单流转记录: an append-only audit of every change, written in the change's own transaction."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    from_state = models.CharField(_("from"), max_length=24, choices=TicketState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=24, choices=TicketState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_unit = models.ForeignKey(
        "dispatch.Unit",
        verbose_name=_("acting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
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
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("Ticket events are append-only."))


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


class ExtensionRequest(models.Model):
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
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(
        _("decision"), max_length=12, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING
    )
    granted_due_at = models.DateTimeField(_("granted deadline"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)

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


class DeadlineStepRecord(models.Model):
    """One escalation step taken on one deadline — at most once (the unique constraint sees to it,
    whatever duplicate messages, retries or concurrent sweeps do)."""

    clock = models.CharField(_("deadline"), max_length=12, choices=DeadlineClock.choices)
    target_id = models.BigIntegerField(_("assignment, summons or ticket id"))
    step = models.CharField(_("step"), max_length=12, choices=DeadlineStep.choices)
    due_at = models.DateTimeField(_("deadline"))
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "dispatch.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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

    unit = models.ForeignKey(
        "dispatch.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="notices"
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    step = models.ForeignKey(
        DeadlineStepRecord,
        verbose_name=_("deadline step"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=24)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

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


class SlaPolicy(models.Model):
    """时限规则: the limits per urgency tier and the escalation ladder, effective from a date.

    The policy in force at a moment is the active one with the latest ``effective_from`` not after it.
    Seeded with the tiers public reports give for Beijing (see docs/deadlines.md); data, not code.
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

    class Meta:
        verbose_name = _("SLA tier")
        verbose_name_plural = _("SLA tiers")
        constraints = [models.UniqueConstraint(fields=["policy", "urgency"], name="sla_tier_once_per_policy")]

    def __str__(self) -> str:
        return self.get_urgency_display()

    def clean(self) -> None:
        for field in ("sign", "handle", "callback"):
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
