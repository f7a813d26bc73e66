"""Callers and tickets: the ticket's protected state and the ``@transition`` methods that change it.

The ticket's ``state`` is protected: only the ``@transition`` methods below change it, and they
change nothing but the ticket itself. Everything around a transition — locking, permissions,
assignments, events, follow-up tasks — is done by ``orders.services``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from dispatch.directory.choices import DemandType, EmergencyLine, UrgencyTier
from dispatch.directory.fields import optional_reference

from .. import conditions
from ..access import (
    by_callback_or_verifier,
    by_lead_handler,
    by_lead_street_handler,
    by_role,
    by_role_or_lead_supervisor,
    by_role_or_proactive_creator,
)
from ..choices import (
    OPEN_STATES,
    Channel,
    DeadlineStep,
    RejectReason,
    TicketState,
)
from ..privacy import decrypt


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
    region = models.ForeignKey(  # (indexed by ticket_region_category_created, which starts with it)
        "dispatch.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    # The district and street of ``region``, kept on the ticket because every list, scope and
    # report filters or groups by them; set once from the region by the create service.
    district = optional_reference("dispatch.Region", _("district"))
    street = optional_reference("dispatch.Region", _("street/township"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    content = models.TextField(_("content"), max_length=4000)
    caller = optional_reference(Caller, _("caller"), related_name="tickets")
    urgency = models.CharField(_("urgency"), max_length=16, choices=UrgencyTier.choices)
    is_enterprise = models.BooleanField(_("enterprise demand"), default=False)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("The caller's identity is never shown to handling units.")
    )
    parent = optional_reference("self", _("merged into"), related_name="children")
    lead_unit = optional_reference("dispatch.Unit", _("lead unit"), related_name="led_tickets")
    answer = models.TextField(_("direct answer"), blank=True)
    reject_reason = models.CharField(
        _("reason not accepted"), max_length=24, choices=RejectReason.choices, blank=True
    )
    transferred_to = models.CharField(
        _("transferred to"), max_length=3, choices=EmergencyLine.choices, blank=True
    )  # 转接的紧急热线（不予受理：紧急事项）
    # 派单时限: when the hotline should have dispatched it (SlaPolicy.dispatch_within_minutes).
    dispatch_due_at = models.DateTimeField(_("dispatch due"), null=True, blank=True)
    result = models.TextField(_("handling result"), blank=True)
    private_text = models.TextField(
        _("original texts (encrypted)"),
        blank=True,
        default="",
        help_text=_("The content, address, answer or result as typed, where they held personal data."),
    )
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    assessment_exempt = models.BooleanField(_("exempt from assessment"), default=False)
    created_by = optional_reference(settings.AUTH_USER_MODEL, _("created by"), on_delete=models.SET_NULL)
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
            ("set_assessment_exempt", "Can take a ticket out of the assessment"),
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
            ("verify_ticket", "Can verify handled proactive work (no caller to call back)"),
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
            # the same problem at the same place: repeat complaints after proactive work, duplicates
            models.Index(fields=["region", "category", "created_at"], name="ticket_region_category_created"),
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
            # the sweep reads only scheduled callback steps, as it does the assignments' steps
            models.Index(
                fields=["callback_next_at"],
                name="ticket_callback_next",
                condition=Q(callback_next_at__isnull=False),
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
        self.dispatch_due_at = None
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
        self.dispatch_due_at = None

    @transition(
        field=state,
        source=TicketState.RECEIVED,
        target=TicketState.REJECTED,
        permission=by_role("orders.reject_ticket"),
    )
    def reject(self, *, reason: str, at: Any, transferred_to: str = "") -> None:
        """不予受理: out of scope, with a reason code (an emergency: the line it went to); terminal."""
        self.reject_reason = reason
        self.transferred_to = transferred_to
        self.rejected_at = at
        self.dispatch_due_at = None

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
        self.dispatch_due_at = None

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
        self.dispatch_due_at = None
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
        permission=by_callback_or_verifier("orders.close_ticket"),
    )
    def close(self, *, at: Any) -> None:
        """办结: the callback is recorded (or the caller could not be reached); work without a caller
        (主动治理) is verified by a supervisor instead."""
        self.closed_at = at

    @transition(
        field=state,
        source=TicketState.HANDLED,
        target=TicketState.ACCEPTED,
        conditions=[conditions.rework_allowed],
        permission=by_callback_or_verifier("orders.reopen_ticket"),
    )
    def reopen(self, *, at: Any) -> None:
        """重办: unsatisfactory work goes back to the lead unit with a new handling deadline."""
        self.rework_count += 1
        self.reopened_at = at
        self.handled_at = None
