"""Output serializers of tickets and one input serializer per command. No logic beyond shape checks:
the services validate the domain rules and raise per-field errors themselves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dispatch.directory.cache import category_by_code, region_by_code
from dispatch.directory.choices import DemandType, EmergencyLine, UrgencyTier
from dispatch.directory.models import Category, Region, Unit
from orders.choices import AssignmentRole, Channel, RejectReason, ReturnReason, TicketState
from orders.models import Assignment, ExtensionRequest, Notice, ReturnRequest, Ticket, TicketEvent
from orders.privacy import decrypt, private_read

TEXT_LIMIT = 4000


# ------------------------------------------------------------------------------- references


class CodeNameSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class UnitBriefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    path_names = serializers.SerializerMethodField()

    def get_path_names(self, obj: Category) -> list[str]:
        names = []
        node: Category | None = obj
        while node is not None:  # the list selector joins two levels of parents
            names.append(node.name)
            node = node.parent
        return list(reversed(names))


class CallerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField()
    masked = serializers.BooleanField(help_text="true when the name and number are masked for your role")


def caller_representation(ticket: Ticket, may_see_contact: bool) -> dict[str, Any] | None:
    """Full contact for agents and callback staff; masked for everyone else; nothing if anonymous."""
    caller = ticket.caller
    if caller is None:
        return None
    if may_see_contact:
        return {
            "name": decrypt(caller.name_encrypted),
            "phone": decrypt(caller.phone_encrypted),
            "masked": False,
        }
    if ticket.is_anonymous:
        return {"name": str(_("Anonymous")), "phone": "***", "masked": True}
    return {"name": caller.name_masked, "phone": caller.phone_masked, "masked": True}


# ----------------------------------------------------------------------------------- output


class TicketListSerializer(serializers.Serializer[Ticket]):
    """A ticket's row. Declared field by field (no model introspection): it is built per request on
    the hottest paths (intake, lists)."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=TicketState.choices, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    demand_type = serializers.ChoiceField(choices=DemandType.choices, read_only=True)
    urgency = serializers.ChoiceField(choices=UrgencyTier.choices, read_only=True)
    category = CategoryRefSerializer(read_only=True)
    region = CodeNameSerializer(read_only=True)
    district = CodeNameSerializer(read_only=True, allow_null=True)
    street = CodeNameSerializer(read_only=True, allow_null=True)
    address = serializers.CharField(read_only=True)
    content = serializers.CharField(read_only=True)
    caller = serializers.SerializerMethodField()
    is_anonymous = serializers.BooleanField(read_only=True)
    is_enterprise = serializers.BooleanField(read_only=True)
    lead_unit = UnitBriefSerializer(read_only=True, allow_null=True)
    rework_count = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    dispatch_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    dispatched_at = serializers.DateTimeField(read_only=True, allow_null=True)
    accepted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    handled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    @extend_schema_field(CallerSerializer(allow_null=True))
    def get_caller(self, obj: Ticket) -> dict[str, Any] | None:
        return caller_representation(obj, self.context.get("may_see_contact", False))

    def to_representation(self, instance: Ticket) -> dict[str, Any]:
        """Texts with personal data typed in are masked; agents and callback staff see them as typed."""
        data = super().to_representation(instance)
        if instance.private_text and self.context.get("may_see_contact", False):
            for field, text in private_read(instance.private_text).items():
                if field in data:
                    data[field] = text
        return data


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "unit",
            "role",
            "assigned_at",
            "signed_at",
            "replied_at",
            "sign_due_at",
            "sign_due_provisional",
            "handle_due_at",
            "handle_due_provisional",
            "ended_at",
            "end_reason",
            "note",
        ]


class ReturnRequestSerializer(serializers.ModelSerializer[ReturnRequest]):
    unit = UnitBriefSerializer(read_only=True)
    suggested_unit = UnitBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReturnRequest
        fields = [
            "unit",
            "reason",
            "note",
            "suggested_unit",
            "requested_at",
            "decision",
            "decided_at",
            "review_note",
        ]


class ExtensionRequestSerializer(serializers.ModelSerializer[ExtensionRequest]):
    unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "unit",
            "reason",
            "current_due_at",
            "proposed_due_at",
            "requested_at",
            "decision",
            "granted_due_at",
            "decided_at",
            "review_note",
        ]


class DeadlineSerializer(serializers.Serializer[Any]):
    clock = serializers.ChoiceField(choices=["sign", "handle", "callback"])
    unit = UnitBriefSerializer(allow_null=True)
    due_at = serializers.DateTimeField()
    provisional = serializers.BooleanField(
        help_text="computed over days of a year whose holiday notice is not imported yet"
    )


class TicketRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()


class TicketDetailSerializer(TicketListSerializer):
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    answer = serializers.CharField(read_only=True)
    reject_reason = serializers.CharField(read_only=True)
    transferred_to = serializers.CharField(read_only=True)
    result = serializers.CharField(read_only=True)
    parent = TicketRefSerializer(read_only=True, allow_null=True)
    children = TicketRefSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    return_requests = ReturnRequestSerializer(many=True, read_only=True)
    extensions = ExtensionRequestSerializer(many=True, read_only=True)
    callback_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    callback_due_provisional = serializers.BooleanField(read_only=True)
    deadlines = serializers.SerializerMethodField()
    assessment_exempt = serializers.BooleanField(read_only=True)
    escalated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    return_requested_at = serializers.DateTimeField(read_only=True, allow_null=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    rejected_at = serializers.DateTimeField(read_only=True, allow_null=True)
    merged_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reopened_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)
    available_transitions = serializers.SerializerMethodField()

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj: Ticket) -> list[dict[str, Any]]:
        """The deadlines running now, each with ``provisional: true`` when it counts working days of a
        year whose holiday notice is not imported yet (it is recomputed when the notice is)."""
        running: list[dict[str, Any]] = []
        for a in obj.assignments.all():
            if a.ended_at is not None or a.role != AssignmentRole.LEAD:
                continue
            unit = {"id": a.unit_id, "code": a.unit.code, "name": a.unit.name}
            if a.signed_at is None and a.sign_due_at is not None:
                running.append(
                    {
                        "clock": "sign",
                        "unit": unit,
                        "due_at": a.sign_due_at,
                        "provisional": a.sign_due_provisional,
                    }
                )
            if a.replied_at is None and a.handle_due_at is not None:
                running.append(
                    {
                        "clock": "handle",
                        "unit": unit,
                        "due_at": a.handle_due_at,
                        "provisional": a.handle_due_provisional,
                    }
                )
        if obj.state == TicketState.HANDLED and obj.callback_due_at is not None:
            running.append(
                {
                    "clock": "callback",
                    "unit": None,
                    "due_at": obj.callback_due_at,
                    "provisional": obj.callback_due_provisional,
                }
            )
        return [DeadlineSerializer(item).data for item in running]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj: Ticket) -> list[str]:
        """The actions (URL names under /tickets/{id}/) the current user may take now."""
        request = self.context.get("request")
        if request is None:
            return []
        names = [t.name for t in obj.get_available_user_state_transitions(request.user)]
        return [ACTION_OF_TRANSITION.get(name, name.replace("_", "-")) for name in names]


# Transition method → API action where the names differ.
ACTION_OF_TRANSITION = {"answer_directly": "answer"}


class TicketEventSerializer(serializers.ModelSerializer[TicketEvent]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField()
    actor_unit = UnitBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "from_state",
            "to_state",
            "actor",
            "actor_unit",
            "note",
            "payload",
            "created_at",
        ]

    def get_actor(self, obj: TicketEvent) -> str | None:
        if obj.actor is None:
            return None
        return obj.actor.get_full_name() or obj.actor.get_username()

    def to_representation(self, instance: TicketEvent) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.note_private and self.context.get("may_see_contact", False):
            data["note"] = private_read(instance.note_private).get("note", data["note"])
        return data


# ------------------------------------------------------------------------------------ input


class CodeField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A reference by code; refuses values no code can be (too long, NUL) before any lookup."""

    max_length = 40

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data or not data or len(data) > self.max_length:
            self.fail("invalid")
        return super().to_internal_value(data)


class CategoryCodeField(CodeField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Category.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data or not data or len(data) > self.max_length:
            self.fail("invalid")
        category = category_by_code(data)  # reference data: served from the directory cache
        if category is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return category


class UnitCodeField(CodeField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Unit.objects.all(), **kwargs)


class TicketNumberField(CodeField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="number", queryset=Ticket.objects.all(), **kwargs)


@extend_schema_field({"type": "string", "maxLength": 12, "pattern": r"^\d{6,12}$"})
class RegionCodeField(serializers.Field):  # type: ignore[type-arg]
    """A region code; a superseded code (110105020, 崇文区 110103) resolves to today's region."""

    default_error_messages = {
        "invalid": _("A region code is 6 to 12 digits."),
        "unknown": _("Unknown region code “%(code)s”."),
    }

    def to_internal_value(self, data: Any) -> Region:
        code = str(data).strip() if isinstance(data, str | int) and not isinstance(data, bool) else ""
        if not code.isdigit() or not 6 <= len(code) <= 12:
            self.fail("invalid")
        region = region_by_code(code)
        if region is None:
            raise serializers.ValidationError(self.error_messages["unknown"] % {"code": code}, code="unknown")
        return region

    def to_representation(self, value: Region) -> str:
        return value.code


class NoteInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RequiredNoteInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000)


class AnswerInput(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=TEXT_LIMIT)


class RejectInput(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    transfer_to = serializers.ChoiceField(
        choices=EmergencyLine.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="with reason emergency: the line the call was transferred to",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MergeInput(serializers.Serializer[Any]):
    parent = TicketNumberField(help_text="number of the ticket to merge into")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RequestReturnInput(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    note = serializers.CharField(max_length=2000)
    suggested_unit = UnitCodeField(required=False, allow_null=True, default=None)


class ReplyInput(serializers.Serializer[Any]):
    result = serializers.CharField(max_length=TEXT_LIMIT)


class ReopenInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)


class DispatchInput(serializers.Serializer[Any]):
    lead_unit = UnitCodeField()
    assist_units = serializers.ListField(child=UnitCodeField(), required=False, default=list, max_length=10)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReassignInput(serializers.Serializer[Any]):
    lead_unit = UnitCodeField()
    assist_units = serializers.ListField(child=UnitCodeField(), required=False, default=list, max_length=10)
    reason = serializers.CharField(max_length=2000)


class ExtensionRequestInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)
    proposed_due_at = serializers.DateTimeField(help_text="the new handling deadline asked for")


class ExtensionApproveInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="grant a different deadline than the one proposed",
    )


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    unit = UnitBriefSerializer(read_only=True)
    ticket = TicketRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Notice
        fields = ["id", "unit", "ticket", "kind", "title", "body", "created_at", "read_at"]
