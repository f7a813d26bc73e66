"""Read-only endpoints of the directory. Administrators edit reference data in the Django admin."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dispatch import selectors
from dispatch.filters import CatalogEntryFilterSet, CategoryFilterSet, RegionFilterSet, UnitFilterSet
from dispatch.models import CatalogEntry, Category, Region, Unit

from .serializers import (
    CatalogEntrySerializer,
    CategorySerializer,
    CategoryTreeSerializer,
    RegionBoundarySerializer,
    RegionDetailSerializer,
    RegionListSerializer,
    UnitSerializer,
)


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    """行政区划: the city, districts, streets/townships, functional zones and communities."""

    lookup_field = "code"
    filterset_class = RegionFilterSet
    ordering_fields = ["code", "name", "population"]

    def get_queryset(self) -> QuerySet[Region]:
        queryset = selectors.region_list()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("aliases", "code_history")
        return queryset

    def get_serializer_class(self) -> Any:
        return RegionDetailSerializer if self.action == "retrieve" else RegionListSerializer

    @extend_schema(responses={200: RegionBoundarySerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def boundaries(self, request: Request) -> Response:
        """District boundaries as GeoJSON geometries (schematic; for internal maps only)."""
        districts = selectors.district_list().exclude(boundary=None)
        return Response(RegionBoundarySerializer(districts, many=True).data)


class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    """承办单位: street offices, district governments and departments, municipal departments, enterprises."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["code", "name"]

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.unit_list()


class CategoryViewSet(viewsets.ReadOnlyModelViewSet[Category]):
    """诉求分类: a three-level tree; tickets are filed under leaves."""

    lookup_field = "code"
    serializer_class = CategorySerializer
    filterset_class = CategoryFilterSet
    ordering_fields = ["code", "name"]

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.category_list()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["category_index"] = {
            c.pk: c for c in Category.objects.filter(level__lt=3).only("pk", "name", "parent")
        }
        return context

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
        return selectors.catalog_list()
