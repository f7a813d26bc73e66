from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dispatch.directory.models import (
    CatalogAssist,
    CatalogEntry,
    Category,
    Region,
    RegionAlias,
    RegionCodeHistory,
    Unit,
)


class RegionRefSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name", "level"]


class RegionListSerializer(serializers.ModelSerializer[Region]):
    parent = RegionRefSerializer(read_only=True, allow_null=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "level",
            "level_display",
            "kind",
            "kind_display",
            "parent",
            "population",
            "centroid_lng",
            "centroid_lat",
            "is_active",
        ]


class RegionAliasSerializer(serializers.ModelSerializer[RegionAlias]):
    class Meta:
        model = RegionAlias
        fields = ["name", "kind", "source"]


class RegionCodeHistorySerializer(serializers.ModelSerializer[RegionCodeHistory]):
    class Meta:
        model = RegionCodeHistory
        fields = ["code", "name", "change", "year", "source"]


class RegionDetailSerializer(RegionListSerializer):
    aliases = RegionAliasSerializer(many=True, read_only=True)
    code_history = RegionCodeHistorySerializer(many=True, read_only=True)

    class Meta(RegionListSerializer.Meta):
        fields = [
            *RegionListSerializer.Meta.fields,
            "path",
            "population_source",
            "source",
            "aliases",
            "code_history",
        ]


class RegionBoundarySerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name", "boundary"]


class UnitRefSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind"]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    region = RegionRefSerializer(read_only=True)
    parent = UnitRefSerializer(read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    function_display = serializers.CharField(source="get_function_display", read_only=True)
    assessment_group_display = serializers.CharField(source="get_assessment_group_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "function",
            "function_display",
            "region",
            "parent",
            "assessment_group",
            "assessment_group_display",
            "is_active",
        ]


class CategorySerializer(serializers.ModelSerializer[Category]):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    is_leaf = serializers.SerializerMethodField()
    full_name = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "full_name",
            "level",
            "parent",
            "is_leaf",
            "default_urgency",
            "demand_types",
            "keywords",
            "synonyms",
            "auto_dispatch",
            "transfer_to",
            "is_active",
        ]

    def get_is_leaf(self, obj: Category) -> bool:
        return not getattr(obj, "has_children", False)

    def get_full_name(self, obj: Category) -> str:
        # The list selector joins the parent; the grandparent is looked up from the context's index.
        index: dict[int, Category] = self.context.get("category_index", {})
        names = [obj.name]
        parent_id = obj.parent_id
        while parent_id is not None:
            parent = index.get(parent_id)
            if parent is None:
                return obj.full_name
            names.append(parent.name)
            parent_id = parent.parent_id
        return " / ".join(reversed(names))


class CategoryTreeSerializer(serializers.Serializer[dict[str, object]]):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    default_urgency = serializers.CharField(allow_blank=True)
    demand_types = serializers.ListField(child=serializers.CharField())
    keywords = serializers.CharField(allow_blank=True)
    children = serializers.ListField(child=serializers.DictField())


class CatalogAssistSerializer(serializers.ModelSerializer[CatalogAssist]):
    unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CatalogAssist
        fields = ["rule", "function", "unit"]


class CatalogEntrySerializer(serializers.ModelSerializer[CatalogEntry]):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    region = RegionRefSerializer(read_only=True, allow_null=True)
    lead_unit = UnitRefSerializer(read_only=True, allow_null=True)
    assists = CatalogAssistSerializer(many=True, read_only=True)
    lead_rule_display = serializers.CharField(source="get_lead_rule_display", read_only=True)

    class Meta:
        model = CatalogEntry
        fields = [
            "id",
            "category",
            "category_name",
            "region",
            "lead_rule",
            "lead_rule_display",
            "lead_function",
            "lead_unit",
            "assists",
            "basis",
            "is_active",
        ]


class CategorySuggestInput(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=4000, help_text="the demand as the caller put it")
    limit = serializers.IntegerField(min_value=1, max_value=10, default=3)


class CategorySuggestionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    path = serializers.CharField()
    score = serializers.FloatField(help_text="probability among the leaves, 0–1")
    words = serializers.ListField(child=serializers.CharField(), help_text="the words that decided it")
