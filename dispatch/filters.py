"""FilterSets for the directory endpoints. Code filters accept the codes people read on paper."""

from __future__ import annotations

import django_filters
from django.db.models import Case, Q, QuerySet, Value, When

from dispatch.category_finder import category_search_codes
from dispatch.directory.choices import AssessmentGroup, RegionKind, RegionLevel, UnitFunction, UnitKind
from dispatch.directory.models import CatalogEntry, Category, Region, Unit
from dispatch.directory.reads import region_search


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.MultipleChoiceFilter(choices=RegionLevel.choices)
    kind = django_filters.MultipleChoiceFilter(choices=RegionKind.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="parent code")
    within = django_filters.CharFilter(method="filter_within", label="code of an ancestor")
    q = django_filters.CharFilter(method="filter_q", label="name or alias")

    class Meta:
        model = Region
        fields = ["code", "level", "kind", "parent", "is_active"]

    def filter_within(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        ancestor = Region.objects.filter(code=value).first()
        if ancestor is None:
            return queryset.none()
        return queryset.filter(path__startswith=ancestor.path + ".")

    def filter_q(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        return queryset.filter(region_search(value)).distinct()


class UnitFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=UnitKind.choices)
    function = django_filters.MultipleChoiceFilter(choices=UnitFunction.choices)
    assessment_group = django_filters.MultipleChoiceFilter(choices=AssessmentGroup.choices)
    region = django_filters.CharFilter(field_name="region__code", label="region code")
    district = django_filters.CharFilter(method="filter_district", label="district code")
    near = django_filters.CharFilter(
        method="filter_near", label="district code: that district's units and the city-wide ones"
    )
    q = django_filters.CharFilter(
        method="filter_q", label="words, each in the name, short name, code or place (朝阳 城管)"
    )

    class Meta:
        model = Unit
        fields = ["code", "kind", "function", "assessment_group", "region", "is_active"]

    def filter_district(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return queryset.filter(Q(region__code=value) | Q(region__path__contains=f".{value}."))

    def filter_near(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return queryset.filter(
            Q(region__code=value) | Q(region__path__contains=f".{value}.") | Q(region__level=RegionLevel.CITY)
        )

    def filter_q(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(short_name__icontains=word)
                | Q(code__iexact=word)
                | Q(region__name__icontains=word)
                | Q(region__parent__name__icontains=word)
            )
        return queryset


class CategoryFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label="parent code")
    leaf = django_filters.BooleanFilter(method="filter_leaf", label="leaves only")
    q = django_filters.CharFilter(
        method="filter_q", label="words: name, keywords, synonyms and common phrasing (楼上漏水), best first"
    )

    class Meta:
        model = Category
        fields = ["code", "level", "parent", "auto_dispatch", "default_urgency", "is_active"]

    def filter_leaf(self, queryset: QuerySet[Category], name: str, value: bool | None) -> QuerySet[Category]:
        if value is None:
            return queryset
        return queryset.filter(has_children=not value)

    def filter_q(self, queryset: QuerySet[Category], name: str, value: str) -> QuerySet[Category]:
        value = value.strip()[:100]
        ranked = category_search_codes(value)
        rank = Case(
            *(When(code=code, then=Value(i)) for i, code in enumerate(ranked)), default=Value(len(ranked))
        )
        return (
            queryset.filter(Q(code__in=ranked) | Q(name__icontains=value))
            .annotate(search_rank=rank)
            .order_by("search_rank", "path")
        )


class CatalogEntryFilterSet(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code", label="category code")
    region = django_filters.CharFilter(field_name="region__code", label="region code")

    class Meta:
        model = CatalogEntry
        fields = ["category", "region", "lead_rule", "lead_function", "is_active"]
