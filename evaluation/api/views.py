"""Callback, appeals and assessment through the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.schema import CONFLICT
from dispatch.api.tickets import DispatchTicketViewSetBase
from dispatch.api.tickets import dispatch_transition_schema as transition_schema
from dispatch.directory.choices import AssessmentGroup
from dispatch.directory.models import Unit
from evaluation import scoring, selectors, services
from evaluation.models import Appeal, Callback, EarlyWarning, ExemptionRequest, PeriodScore
from orders import services as ticket_services
from orders.models import Ticket
from orders.selectors import caller_contact_visible

from .serializers import (
    AppealInput,
    AppealSerializer,
    CallbackInput,
    CallbackQueueSerializer,
    CallbackSerializer,
    CloseInput,
    DecisionInput,
    DrilldownSerializer,
    ExemptionDecisionInput,
    ExemptionRequestInput,
    ExemptionRequestSerializer,
    FirstContactInput,
    PeriodScoreSerializer,
    ReopenInput,
    SchemeSerializer,
    VerifyInput,
)


class TicketCallbackViewSet(DispatchTicketViewSetBase):
    """回访 on ``/api/v1/tickets/{id}/…``: record a call, close, reopen (action routes only).

    ``close`` and ``reopen`` take the caller's answers: a ticket is never closed without a callback.
    """

    @transition_schema(CallbackInput, "回访 — record a call; close, reopen, or (not reached) try again later")
    @action(detail=True, methods=["post"])
    def callback(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            CallbackInput,
            lambda t, d: services.callback_record(ticket=t, by=request.user, **d),
        )

    @transition_schema(CloseInput, "办结 — the caller was reached; record the answers and close")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            CloseInput,
            lambda t, d: services.callback_record(
                ticket=t, by=request.user, reached=True, action="close", **d
            ),
        )

    @transition_schema(ReopenInput, "重办 — the caller was reached; record the answers and send it back")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        def run(ticket: Ticket, data: dict[str, Any]) -> Any:
            reason = data.pop("reason")
            return services.callback_record(
                ticket=ticket, by=request.user, reached=True, action="reopen", reopen_reason=reason, **data
            )

        return self.run_transition(request, ReopenInput, run)

    @transition_schema(
        VerifyInput, "核实 — a supervisor verifies handled work without a caller (or sends it back)"
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            VerifyInput,
            lambda t, d: services.ticket_verify(
                ticket=t, by=request.user, verified=d["verified"], note=d["note"]
            ),
        )

    @extend_schema(
        request=ExemptionRequestInput,
        responses={201: ExemptionRequestSerializer, **CONFLICT},
        summary="申请不纳入考评 — propose the ticket for exemption from the assessment",
    )
    @action(detail=True, methods=["post"], url_path="request-exemption")
    def request_exemption(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        data = ExemptionRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.exemption_request(ticket=ticket, by=request.user, **data.validated_data)
        return Response(ExemptionRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    @transition_schema(FirstContactInput, "先行联系 — the lead unit records when it first reached the caller")
    @action(detail=True, methods=["post"], url_path="first-contact")
    def first_contact(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            FirstContactInput,
            lambda t, d: ticket_services.ticket_first_contact_record(
                ticket=t, by=request.user, at=d["at"], note=d["note"]
            ),
        )


class ExemptionRequestViewSet(viewsets.ReadOnlyModelViewSet[ExemptionRequest]):
    """不纳入考评申请: assessors see and decide them."""

    serializer_class = ExemptionRequestSerializer
    queryset = ExemptionRequest.objects.none()
    filterset_class = None

    def get_queryset(self) -> QuerySet[ExemptionRequest]:
        if getattr(self, "swagger_fake_view", False) or not self.request.user.has_perm(
            "evaluation.view_exemptionrequest"
        ):
            return ExemptionRequest.objects.none()
        return ExemptionRequest.objects.select_related("ticket").order_by("-requested_at")

    @extend_schema(request=ExemptionDecisionInput, responses={200: ExemptionRequestSerializer, **CONFLICT})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        data = ExemptionDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.exemption_decide(request=self.get_object(), by=request.user, **data.validated_data)
        return Response(ExemptionRequestSerializer(decided).data)


class CallbackQueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Ticket]):
    """回访队列: handled tickets to call back, the most urgent first."""

    serializer_class = CallbackQueueSerializer
    queryset = Ticket.objects.none()

    def get_queryset(self) -> QuerySet[Ticket]:
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        return selectors.callback_queue(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["may_see_contact"] = caller_contact_visible(user=self.request.user)
        return context


class CallbackFilterSet(django_filters.FilterSet):
    ticket = django_filters.CharFilter(field_name="ticket__number")
    unit = django_filters.CharFilter(field_name="unit__code")

    class Meta:
        model = Callback
        fields = ["ticket", "unit", "outcome", "valid", "is_final"]


class CallbackViewSet(viewsets.ReadOnlyModelViewSet[Callback]):
    """Recorded callbacks, with their attempts."""

    serializer_class = CallbackSerializer
    filterset_class = CallbackFilterSet
    queryset = Callback.objects.none()

    def get_queryset(self) -> QuerySet[Callback]:
        if getattr(self, "swagger_fake_view", False):
            return Callback.objects.none()
        return selectors.callbacks_for_user(user=self.request.user)


class AppealFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code")

    class Meta:
        model = Appeal
        fields = ["status", "reason", "unit"]


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Appeal]):
    """申诉: a unit appeals a ticket's assessment; assessors approve or deny."""

    serializer_class = AppealSerializer
    filterset_class = AppealFilterSet
    queryset = Appeal.objects.none()

    def get_queryset(self) -> QuerySet[Appeal]:
        if getattr(self, "swagger_fake_view", False):
            return Appeal.objects.none()
        return selectors.appeals_for_user(user=self.request.user)

    @extend_schema(request=AppealInput, responses={201: AppealSerializer, **CONFLICT})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.appeal_file(by=request.user, **data.validated_data)
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionInput, responses={200: AppealSerializer, **CONFLICT})
    @action(detail=True, methods=["post"], filterset_class=None)
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """申诉成立: the ticket leaves the rates; its period is recomputed."""
        return self._decide(request, approve=True)

    @extend_schema(request=DecisionInput, responses={200: AppealSerializer, **CONFLICT})
    @action(detail=True, methods=["post"], filterset_class=None)
    def deny(self, request: Request, pk: str | None = None) -> Response:
        """申诉不成立 (a note is required)."""
        return self._decide(request, approve=False)

    def _decide(self, request: Request, *, approve: bool) -> Response:
        appeal = self.get_object()
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.appeal_decide(
            appeal=appeal, by=request.user, approve=approve, note=data.validated_data["note"]
        )
        return Response(AppealSerializer(decided).data)


class ScoreFilterSet(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="label", label="period label, e.g. 2026-11")
    unit = django_filters.CharFilter(field_name="unit__code")
    district = django_filters.CharFilter(method="filter_district", label="district code")
    group = django_filters.ChoiceFilter(choices=AssessmentGroup.choices)

    class Meta:
        model = PeriodScore
        fields = ["period", "group", "unit", "district", "is_final"]

    def filter_district(
        self, queryset: QuerySet[PeriodScore], name: str, value: str
    ) -> QuerySet[PeriodScore]:
        return queryset.filter(unit__region__path__contains=value)


class TrendQuery(serializers.Serializer[Any]):
    group = serializers.ChoiceField(choices=AssessmentGroup.choices, required=False)


class DrilldownQuery(serializers.Serializer[Any]):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="period label, e.g. 2026-11")
    group = serializers.ChoiceField(choices=AssessmentGroup.choices, required=False)


class ScoreViewSet(viewsets.ReadOnlyModelViewSet[PeriodScore]):
    """考评结果: stored period scores; assessors see every unit, a unit its own."""

    serializer_class = PeriodScoreSerializer
    filterset_class = ScoreFilterSet
    ordering_fields = [
        "rank",
        "composite",
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "tickets",
    ]
    queryset = PeriodScore.objects.none()

    def get_queryset(self) -> QuerySet[PeriodScore]:
        if getattr(self, "swagger_fake_view", False):
            return PeriodScore.objects.none()
        return selectors.scores_for_user(user=self.request.user)

    def _unit(self, code: str) -> Unit:
        unit = get_object_or_404(Unit, code=code)
        visible = selectors.visible_unit_ids(self.request.user)
        if visible is not None and unit.pk not in visible:
            raise NotFound
        return unit

    @extend_schema(
        parameters=[TrendQuery, OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={200: PeriodScoreSerializer(many=True)},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"units/(?P<code>[\w-]+)/trend",
        filterset_class=None,
        pagination_class=None,
    )
    def trend(self, request: Request, code: str) -> Response:
        """The unit's last 12 periods."""
        unit = self._unit(code)
        query = TrendQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        group = query.validated_data.get("group") or unit.assessment_group
        return Response(PeriodScoreSerializer(selectors.unit_trend(unit=unit, group=group), many=True).data)

    @extend_schema(
        parameters=[DrilldownQuery, OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={200: DrilldownSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], url_path=r"units/(?P<code>[\w-]+)/tickets", filterset_class=None)
    def tickets(self, request: Request, code: str) -> Response:
        """The unit's assessed tickets of a period, with their callback outcomes."""
        unit = self._unit(code)
        query = DrilldownQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        group = query.validated_data.get("group") or unit.assessment_group
        label = query.validated_data["period"]
        try:
            start, end = scoring.period_from_label(
                label, selectors.scheme_for(group, timezone.localdate()).period_start_day
            )
        except ValueError as error:
            raise ValidationError({"period": [str(error)]}) from error
        callbacks = selectors.unit_callbacks(
            unit=unit, start=start, end=end, district=group == AssessmentGroup.DISTRICT
        )
        page = self.paginate_queryset(callbacks)
        return self.get_paginated_response(DrilldownSerializer(page, many=True).data)

    @extend_schema(responses={200: SchemeSerializer(many=True)})
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def schemes(self, request: Request) -> Response:
        """The assessment schemes (weights per group, effective dates)."""
        return Response(SchemeSerializer(selectors.schemes(), many=True).data)


class WarningFilterSet(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__code")
    street = django_filters.CharFilter(field_name="street__code")

    class Meta:
        model = EarlyWarning
        fields = ["kind", "status", "district", "street"]


class WarningSerializer(serializers.ModelSerializer[EarlyWarning]):
    district = serializers.CharField(source="district.name", read_only=True, allow_null=True)
    street = serializers.CharField(source="street.name", read_only=True, allow_null=True)
    category = serializers.CharField(source="category.name", read_only=True, allow_null=True)
    ticket = serializers.CharField(source="ticket.number", read_only=True, allow_null=True)

    class Meta:
        model = EarlyWarning
        fields = [
            "id",
            "kind",
            "status",
            "title",
            "district",
            "street",
            "category",
            "ticket",
            "count",
            "evidence",
            "first_detected_at",
            "last_detected_at",
            "acknowledged_at",
            "closed_at",
            "note",
        ]


class WarningHandleInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EarlyWarningViewSet(viewsets.ReadOnlyModelViewSet[EarlyWarning]):
    """预警: what the scan found; supervisors acknowledge and close."""

    serializer_class = WarningSerializer
    filterset_class = WarningFilterSet
    queryset = EarlyWarning.objects.none()

    def get_queryset(self) -> QuerySet[EarlyWarning]:
        if getattr(self, "swagger_fake_view", False):
            return EarlyWarning.objects.none()
        if not self.request.user.has_perm("evaluation.view_earlywarning"):
            return EarlyWarning.objects.none()
        return selectors.warnings_for_user(user=self.request.user)

    @extend_schema(request=WarningHandleInput, responses={200: WarningSerializer, **CONFLICT})
    @action(detail=True, methods=["post"], filterset_class=None)
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._handle(request, close=False)

    @extend_schema(request=WarningHandleInput, responses={200: WarningSerializer, **CONFLICT})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._handle(request, close=True)

    def _handle(self, request: Request, *, close: bool) -> Response:
        warning = self.get_object()
        data = WarningHandleInput(data=request.data)
        data.is_valid(raise_exception=True)
        handled = services.warning_handle(
            warning=warning, by=request.user, close=close, note=data.validated_data["note"]
        )
        return Response(WarningSerializer(handled).data)
