"""Read-only endpoints of the directory. Administrators edit reference data in the Django admin."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.schema import CONFLICT
from dispatch import selectors, services
from dispatch.category_finder import category_suggestions
from dispatch.choices import WhistleStatus
from dispatch.directory import reads
from dispatch.directory.models import CatalogEntry, Category, Region, Unit
from dispatch.filters import CatalogEntryFilterSet, CategoryFilterSet, RegionFilterSet, UnitFilterSet
from dispatch.models import AutoDispatchFailure, WhistleSummons
from orders.api.serializers import TicketRefSerializer, UnitBriefSerializer

from .serializers import (
    CatalogEntrySerializer,
    CategorySerializer,
    CategorySuggestInput,
    CategorySuggestionSerializer,
    CategoryTreeSerializer,
    RegionBoundarySerializer,
    RegionDetailSerializer,
    RegionListSerializer,
    UnitSerializer,
)
from .tickets import WhistleSummonsSerializer


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    """行政区划: the city, districts, streets/townships, functional zones and communities."""

    lookup_field = "code"
    lookup_value_regex = r"\d{6,12}"  # 民政部/统计 codes: 110105, 110105026, 110105026001
    filterset_class = RegionFilterSet
    ordering_fields = ["code", "name", "population"]

    def get_queryset(self) -> QuerySet[Region]:
        queryset = reads.region_list()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("aliases", "code_history")
        return queryset

    def get_serializer_class(self) -> Any:
        return RegionDetailSerializer if self.action == "retrieve" else RegionListSerializer

    @extend_schema(responses={200: RegionBoundarySerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def boundaries(self, request: Request) -> Response:
        """District boundaries as GeoJSON geometries (schematic; for internal maps only)."""
        districts = reads.district_list().exclude(boundary=None)
        return Response(RegionBoundarySerializer(districts, many=True).data)


class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    """承办单位: street offices, district governments and departments, municipal departments, enterprises."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["code", "name"]

    def get_queryset(self) -> QuerySet[Unit]:
        return reads.unit_list()


class CategoryViewSet(viewsets.ReadOnlyModelViewSet[Category]):
    """诉求分类: a three-level tree; tickets are filed under leaves."""

    lookup_field = "code"
    lookup_value_regex = r"\d{2,6}"  # 01, 0105, 010501
    serializer_class = CategorySerializer
    filterset_class = CategoryFilterSet
    ordering_fields = ["code", "name"]

    def get_queryset(self) -> QuerySet[Category]:
        return reads.category_list()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["category_index"] = {
            c.pk: c for c in Category.objects.filter(level__lt=3).only("pk", "name", "parent")
        }
        return context

    @extend_schema(
        request=CategorySuggestInput,
        responses={200: CategorySuggestionSerializer(many=True)},
        filters=False,
        summary="分类建议 — the likeliest leaves for a demand's text, with the words that decided",
    )
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    def suggest(self, request: Request) -> Response:
        data = CategorySuggestInput(data=request.data)
        data.is_valid(raise_exception=True)
        found = category_suggestions(data.validated_data["text"], limit=data.validated_data["limit"])
        return Response(CategorySuggestionSerializer([asdict(s) for s in found], many=True).data)

    @extend_schema(responses={200: CategoryTreeSerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def tree(self, request: Request) -> Response:
        """The whole active tree, nested, for pickers."""
        nodes: dict[int, dict[str, Any]] = {}
        roots: list[dict[str, Any]] = []
        for category in Category.objects.filter(is_active=True).order_by("level", "sort_order"):
            node = {
                "code": category.code,
                "name": category.name,
                "level": category.level,
                "default_urgency": category.default_urgency,
                "demand_types": category.demand_types,
                "keywords": category.keywords,
                "children": [],
            }
            nodes[category.pk] = node
            parent = nodes.get(category.parent_id) if category.parent_id else None
            (parent["children"] if parent else roots).append(node)
        return Response(roots)


class CatalogEntryViewSet(viewsets.ReadOnlyModelViewSet[CatalogEntry]):
    """派单目录: which unit leads and which assist, per category subtree and optional region."""

    serializer_class = CatalogEntrySerializer
    filterset_class = CatalogEntryFilterSet

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return reads.catalog_list()


class AddressResolutionSerializer(serializers.Serializer[Any]):
    region_code = serializers.CharField(allow_null=True)
    level = serializers.CharField(allow_null=True)
    confidence = serializers.ChoiceField(choices=["high", "medium", "low", "none"])
    note = serializers.CharField()
    district_code = serializers.CharField(allow_null=True)
    street_code = serializers.CharField(allow_null=True)
    community_code = serializers.CharField(allow_null=True)
    candidates = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    outside = serializers.BooleanField(help_text="the address names another province or city")


class AddressQuery(serializers.Serializer[Any]):
    address = serializers.CharField(max_length=300)


class AddressResolveView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Suggest the region of a free-text address (the agent always chooses in the end)."""

    serializer_class = AddressResolutionSerializer

    @extend_schema(parameters=[AddressQuery], responses={200: AddressResolutionSerializer})
    def get(self, request: Request) -> Response:
        query = AddressQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        resolution = selectors.address_resolve(query.validated_data["address"])
        return Response(AddressResolutionSerializer(asdict(resolution)).data)


class WhistleSummonsFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label="summoned unit code")
    street = django_filters.CharFilter(
        field_name="whistle__street_unit__code", label="whistling street office code"
    )
    pending = django_filters.BooleanFilter(
        field_name="reported_at", lookup_expr="isnull", label="not yet reported"
    )
    whistle_status = django_filters.ChoiceFilter(field_name="whistle__status", choices=WhistleStatus.choices)

    class Meta:
        model = WhistleSummons
        fields = ["unit", "street", "pending", "whistle_status"]


class WhistleSummonsListSerializer(WhistleSummonsSerializer):
    ticket = serializers.SerializerMethodField()
    grade = serializers.CharField(source="whistle.grade", read_only=True)
    street_unit = UnitBriefSerializer(source="whistle.street_unit", read_only=True)
    whistle_status = serializers.CharField(source="whistle.status", read_only=True)

    class Meta(WhistleSummonsSerializer.Meta):
        fields = [*WhistleSummonsSerializer.Meta.fields, "ticket", "grade", "street_unit", "whistle_status"]

    def get_ticket(self, obj: WhistleSummons) -> dict[str, Any]:
        ticket = obj.whistle.ticket
        return {"id": ticket.pk, "number": ticket.number, "state": ticket.state}


class ReportInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000)
    arrived_on_site = serializers.BooleanField(required=False, allow_null=True, default=None)


class RateInput(serializers.Serializer[Any]):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class WhistleSummonsViewSet(viewsets.ReadOnlyModelViewSet[WhistleSummons]):
    """部门报到: the summons of whistles — a department sees those to it, a street those it issued."""

    serializer_class = WhistleSummonsListSerializer
    filterset_class = WhistleSummonsFilterSet
    ordering_fields = ["report_by", "reported_at"]

    def get_queryset(self) -> QuerySet[WhistleSummons]:
        return selectors.whistle_summons_for_user(user=self.request.user)

    def _act(self, input_class: type[serializers.Serializer[Any]], service: Any) -> Response:
        summons = self.get_object()
        data = input_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        service(summons=summons, by=self.request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=summons.pk)).data)

    @extend_schema(request=ReportInput, responses={200: WhistleSummonsListSerializer, **CONFLICT})
    @action(detail=True, methods=["post"], filterset_class=None)
    def report(self, request: Request, pk: str | None = None) -> Response:
        """部门报到: the summoned department records what it did."""
        return self._act(ReportInput, services.whistle_report)

    @extend_schema(request=RateInput, responses={200: WhistleSummonsListSerializer, **CONFLICT})
    @action(detail=True, methods=["post"], filterset_class=None)
    def rate(self, request: Request, pk: str | None = None) -> Response:
        """双考核: the whistling street rates the department's response (1–5)."""
        return self._act(RateInput, services.whistle_rate)


class AutoDispatchFailureSerializer(serializers.Serializer[Any]):
    ticket = serializers.SerializerMethodField()
    reason = serializers.CharField()
    reason_display = serializers.CharField(source="get_reason_display")
    detail = serializers.CharField()
    attempts = serializers.IntegerField()
    first_failed_at = serializers.DateTimeField()
    last_failed_at = serializers.DateTimeField()
    next_attempt_at = serializers.DateTimeField()

    @extend_schema_field(TicketRefSerializer)
    def get_ticket(self, obj: AutoDispatchFailure) -> dict[str, Any]:
        return {"id": obj.ticket_id, "number": obj.ticket.number, "state": obj.ticket.state}


class AutoDispatchFailureViewSet(viewsets.ReadOnlyModelViewSet[AutoDispatchFailure]):
    """自动派单未成功: tickets of auto-dispatch categories still waiting for dispatch, with why the
    machine did not place them (dispatchers)."""

    serializer_class = AutoDispatchFailureSerializer
    filterset_class = None

    def get_queryset(self) -> QuerySet[AutoDispatchFailure]:
        return selectors.auto_dispatch_failures(user=self.request.user)
