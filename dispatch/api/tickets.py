"""Dispatch on tickets: route suggestion, 派单, 改派, 退单审核 with re-dispatch, 吹哨, and the result
(办理反馈, which ends an open whistle). The ticket as dispatch shows it carries its whistles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dispatch import selectors, services
from dispatch.choices import WhistleGrade
from dispatch.models import Whistle, WhistleSummons
from orders import services as ticket_services
from orders.api.serializers import ReassignInput, ReplyInput, UnitBriefSerializer, UnitCodeField
from orders.api.serializers import TicketDetailSerializer as OrdersTicketDetailSerializer
from orders.api.views import TicketViewSet as OrdersTicketViewSet
from orders.api.views import TicketViewSetBase, transition_schema
from orders.models import Ticket


class RouteSerializer(serializers.Serializer[Any]):
    lead_unit = UnitBriefSerializer(allow_null=True)
    assist_units = UnitBriefSerializer(many=True)
    entry_id = serializers.IntegerField(allow_null=True, help_text="the catalog entry that decided")
    fallback = serializers.BooleanField(help_text="true when the district government takes it (兜底)")
    rule = serializers.CharField()
    explanation = serializers.CharField()


def route_data(decision: Any) -> dict[str, Any]:
    def unit(info: Any) -> dict[str, Any] | None:
        return None if info is None else {"id": info.id, "code": info.code, "name": info.name}

    return {
        "lead_unit": unit(decision.lead),
        "assist_units": [unit(u) for u in decision.assists],
        "entry_id": decision.entry_id,
        "fallback": decision.fallback,
        "rule": decision.rule,
        "explanation": decision.explanation,
    }


class DispatchInput(serializers.Serializer[Any]):
    lead_unit = UnitCodeField(
        required=False, allow_null=True, default=None, help_text="leave out to take the suggested route"
    )
    assist_units = serializers.ListField(
        child=UnitCodeField(), required=False, allow_null=True, default=None, max_length=10
    )
    override_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="required when the lead unit differs from the suggestion",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApproveReturnInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    redispatch = serializers.BooleanField(
        required=False,
        default=False,
        help_text="dispatch again at once by the route, excluding the returning unit",
    )
    lead_unit = UnitCodeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="dispatch again at once to this unit (implies redispatch)",
    )
    assist_units = serializers.ListField(
        child=UnitCodeField(), required=False, allow_null=True, default=None, max_length=10
    )
    override_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="required when lead_unit is neither the route's nor the returning unit's suggestion",
    )


class WhistleInput(serializers.Serializer[Any]):
    grade = serializers.ChoiceField(choices=WhistleGrade.choices)
    reason = serializers.CharField(max_length=2000)
    departments = serializers.ListField(
        child=UnitCodeField(),
        min_length=1,
        max_length=20,
        help_text="codes of the departments and enterprises summoned",
    )


class EndWhistleInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class WhistleSummonsSerializer(serializers.ModelSerializer[WhistleSummons]):
    unit = UnitBriefSerializer(read_only=True)
    reported_on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = WhistleSummons
        fields = [
            "id",
            "unit",
            "report_by",
            "reported_at",
            "reported_on_time",
            "report_note",
            "arrived_on_site",
            "rating",
            "rating_comment",
            "rated_at",
        ]


class WhistleSerializer(serializers.ModelSerializer[Whistle]):
    street_unit = UnitBriefSerializer(read_only=True)
    summons = WhistleSummonsSerializer(many=True, read_only=True)

    class Meta:
        model = Whistle
        fields = [
            "id",
            "street_unit",
            "grade",
            "reason",
            "status",
            "raised_at",
            "closed_at",
            "close_reason",
            "summons",
        ]


class TicketWithWhistlesSerializer(OrdersTicketDetailSerializer):
    """The ticket as dispatch shows it: with its whistles (街乡吹哨) and their summons."""

    whistles = WhistleSerializer(many=True, read_only=True)


def dispatch_transition_schema(request: type[serializers.Serializer[Any]], summary: str) -> Any:
    return transition_schema(request, summary, TicketWithWhistlesSerializer)


class DispatchTicketViewSetBase(TicketViewSetBase):
    """Ticket endpoints answer with the ticket and its whistles."""

    detail_serializer_class = TicketWithWhistlesSerializer

    def detail_queryset(self) -> QuerySet[Ticket]:
        return selectors.ticket_detail_queryset(user=self.request.user)


class TicketViewSet(OrdersTicketViewSet, DispatchTicketViewSetBase):
    """工单 reads and the lifecycle steps of ``orders``, showing each ticket with its whistles (the
    intake app extends and registers it as the ticket collection)."""


class TicketDispatchViewSet(DispatchTicketViewSetBase):
    """派单, 改派, 退单审核, 吹哨 and 办理反馈 on ``/api/v1/tickets/{id}/…`` (action routes only)."""

    @extend_schema(
        responses={200: RouteSerializer}, summary="派单建议 — where the catalog sends this ticket, and why"
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def route(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        return Response(route_data(services.ticket_route_suggest(ticket=ticket)))

    @dispatch_transition_schema(DispatchInput, "派单 — by the suggested route, or another unit with a reason")
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_ticket(self, request: Request, pk: str | None = None) -> Response:
        # Named dispatch_ticket: a view's `dispatch` is the method that routes every request.
        return self.run_transition(
            request,
            DispatchInput,
            lambda t, d: services.ticket_route_dispatch(
                ticket=t,
                by=request.user,
                lead_unit=d["lead_unit"],
                assist_units=d["assist_units"],
                override_reason=d["override_reason"],
                note=d["note"],
            ),
        )

    @dispatch_transition_schema(ReassignInput, "改派 — give the ticket to another lead unit")
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            ReassignInput,
            lambda t, d: ticket_services.ticket_reassign(
                ticket=t,
                by=request.user,
                lead_unit=d["lead_unit"],
                assist_units=d["assist_units"],
                reason=d["reason"],
            ),
        )

    @dispatch_transition_schema(
        ApproveReturnInput, "同意退单 — approve a return, optionally dispatching again at once"
    )
    @action(detail=True, methods=["post"], url_path="approve-return")
    def approve_return(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            ApproveReturnInput,
            lambda t, d: services.ticket_return_approve(
                ticket=t,
                by=request.user,
                note=d["note"],
                redispatch=d["redispatch"],
                lead_unit=d["lead_unit"],
                assist_units=d["assist_units"],
                override_reason=d["override_reason"],
            ),
        )

    @dispatch_transition_schema(WhistleInput, "街乡吹哨 — the lead street office summons departments")
    @action(detail=True, methods=["post"])
    def whistle(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            WhistleInput,
            lambda t, d: services.whistle_raise(
                ticket=t, by=request.user, grade=d["grade"], reason=d["reason"], departments=d["departments"]
            ),
        )

    @dispatch_transition_schema(ReplyInput, "办理反馈 — submit the result (an open whistle ends with it)")
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            ReplyInput,
            lambda t, d: services.ticket_reply(ticket=t, by=request.user, result=d["result"]),
        )

    @dispatch_transition_schema(EndWhistleInput, "结束吹哨 — the street goes on handling the ticket")
    @action(detail=True, methods=["post"], url_path="end-whistle")
    def end_whistle(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            EndWhistleInput,
            lambda t, d: services.whistle_end(ticket=t, by=request.user, note=d["note"]),
        )
