from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from evaluation.choices import AppealReason, ExemptionReason, Resolution, Satisfaction
from evaluation.models import (
    Appeal,
    AssessmentScheme,
    Callback,
    CallbackAttempt,
    ExemptionRequest,
    PeriodScore,
)
from orders.api.serializers import TicketListSerializer, TicketNumberField, UnitBriefSerializer


class CallbackInput(serializers.Serializer[Any]):
    """One callback call. Not reached: only ``reached: false`` (and notes)."""

    reached = serializers.BooleanField(default=True)
    contacted = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="did the unit contact you? (响应)"
    )
    resolved = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="解决 (yes/no; or give resolution)"
    )
    resolution = serializers.ChoiceField(
        choices=Resolution.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="已解决/基本解决/未解决",
    )
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    action = serializers.ChoiceField(choices=[("close", "close"), ("reopen", "reopen")], default="close")
    reopen_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CloseInput(serializers.Serializer[Any]):
    """办结 after a callback: the caller's answers."""

    contacted = serializers.BooleanField()
    resolved = serializers.BooleanField(required=False, allow_null=True, default=None)
    resolution = serializers.ChoiceField(
        choices=Resolution.choices, required=False, allow_blank=True, default=""
    )
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("resolution") and attrs.get("resolved") is None:
            raise serializers.ValidationError({"resolution": [_("This field is required.")]})
        return attrs


class ReopenInput(CloseInput):
    reason = serializers.CharField(max_length=2000)


class VerifyInput(serializers.Serializer[Any]):
    verified = serializers.BooleanField(help_text="false sends it back to the unit (note required)")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExemptionRequestInput(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=ExemptionReason.choices)
    note = serializers.CharField(max_length=2000)


class ExemptionDecisionInput(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExemptionRequestSerializer(serializers.ModelSerializer[ExemptionRequest]):
    ticket = serializers.CharField(source="ticket.number", read_only=True)

    class Meta:
        model = ExemptionRequest
        fields = [
            "id",
            "ticket",
            "reason",
            "note",
            "requested_at",
            "status",
            "decided_at",
            "decision_note",
        ]


class FirstContactInput(serializers.Serializer[Any]):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="now if left out")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CallbackAttemptSerializer(serializers.ModelSerializer[CallbackAttempt]):
    class Meta:
        model = CallbackAttempt
        fields = ["at", "reached", "note"]


class CallbackSerializer(serializers.ModelSerializer[Callback]):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    unit = UnitBriefSerializer(read_only=True, allow_null=True)
    attempt_log = CallbackAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Callback
        fields = [
            "id",
            "ticket",
            "round",
            "unit",
            "attempts",
            "reached",
            "valid",
            "contacted",
            "resolved",
            "satisfaction",
            "notes",
            "outcome",
            "is_final",
            "completed_at",
            "attempt_log",
        ]


class CallbackQueueSerializer(TicketListSerializer):
    callback_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    attempts = serializers.IntegerField(read_only=True, allow_null=True)
    result = serializers.CharField(read_only=True)


class AppealInput(serializers.Serializer[Any]):
    ticket = TicketNumberField(help_text="number of the ticket appealed")
    reason = serializers.ChoiceField(choices=AppealReason.choices)
    evidence = serializers.CharField(max_length=4000)


class DecisionInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AppealSerializer(serializers.ModelSerializer[Appeal]):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "ticket",
            "unit",
            "reason",
            "evidence",
            "filed_at",
            "status",
            "decided_at",
            "decision_note",
        ]


class SchemeSerializer(serializers.ModelSerializer[AssessmentScheme]):
    class Meta:
        model = AssessmentScheme
        fields = [
            "id",
            "name",
            "group",
            "effective_from",
            "weight_response",
            "weight_resolution",
            "weight_satisfaction",
            "basic_satisfied_factor",
            "period_start_day",
            "appeal_window_days",
            "basis",
        ]


class PeriodScoreSerializer(serializers.ModelSerializer[PeriodScore]):
    unit = UnitBriefSerializer(read_only=True)
    rank_change = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = PeriodScore
        fields = [
            "unit",
            "group",
            "label",
            "period_start",
            "period_end",
            "is_final",
            "computed_at",
            "tickets",
            "callbacks",
            "valid_callbacks",
            "unreachable",
            "exempt",
            "contacted",
            "resolved",
            "satisfied",
            "basic",
            "unsatisfied",
            "response_rate",
            "resolution_rate",
            "satisfaction_rate",
            "composite",
            "rank",
            "rank_of",
            "previous_rank",
            "rank_change",
            "signed_on_time_rate",
            "handled_on_time_rate",
            "overdue",
            "return_rate",
            "whistles_raised",
            "whistle_reports_on_time_rate",
            "whistle_rating",
            "per_thousand_residents",
        ]


class DrilldownSerializer(serializers.ModelSerializer[Callback]):
    ticket = serializers.SerializerMethodField()

    class Meta:
        model = Callback
        fields = ["ticket", "valid", "contacted", "resolved", "satisfaction", "outcome", "completed_at"]

    def get_ticket(self, obj: Callback) -> dict[str, Any]:
        ticket = obj.ticket
        return {
            "id": ticket.pk,
            "number": ticket.number,
            "category": ticket.category.name,
            "street": ticket.street.name if ticket.street else None,
            "exempt": ticket.assessment_exempt,
        }
