from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dispatch.directory.cache import directory_cache_clear
from dispatch.directory.models import (
    CatalogAssist,
    CatalogEntry,
    Category,
    Membership,
    Region,
    RegionAlias,
    RegionCodeHistory,
    ServiceArea,
    Unit,
)
from dispatch.directory.services import membership_grant, membership_revoke
from dispatch.models import AutoDispatchFailure, CategoryModelSnapshot


class DirectoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Reference data: saving forgets this process's directory cache (others follow within its TTL)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        directory_cache_clear()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        directory_cache_clear()


class RegionAliasInline(admin.TabularInline[RegionAlias, Region]):
    model = RegionAlias
    extra = 0


class RegionCodeHistoryInline(admin.TabularInline[RegionCodeHistory, Region]):
    model = RegionCodeHistory
    extra = 0


@admin.register(Region)
class RegionAdmin(DirectoryAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "population", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name", "aliases__name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "updated_at"]
    inlines = [RegionAliasInline, RegionCodeHistoryInline]
    show_full_result_count = False


class ServiceAreaInline(admin.TabularInline[ServiceArea, Unit]):
    model = ServiceArea
    extra = 0
    raw_id_fields = ["region"]


@admin.register(Unit)
class UnitAdmin(DirectoryAdmin):
    list_display = ["code", "name", "kind", "function", "region", "assessment_group", "is_active"]
    list_filter = ["kind", "assessment_group", "function", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["region"]
    raw_id_fields = ["region", "parent"]
    inlines = [ServiceAreaInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "unit", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "unit__name"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        # Memberships go through the service so the user's role group follows.
        if obj.is_active:
            saved = membership_grant(user=obj.user, unit=obj.unit, role=obj.role)
            obj.pk = saved.pk
        elif obj.pk:
            membership_revoke(membership=obj)


class CategoryChildrenInline(admin.TabularInline[Category, Category]):
    model = Category
    fk_name = "parent"
    fields = ["code", "name", "default_urgency", "auto_dispatch", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(DirectoryAdmin):
    list_display = ["code", "name", "level", "parent", "default_urgency", "auto_dispatch", "is_active"]
    list_filter = ["level", "default_urgency", "auto_dispatch", "is_active"]
    search_fields = ["code", "name", "keywords", "synonyms"]
    list_select_related = ["parent"]
    readonly_fields = ["level", "path"]
    inlines = [CategoryChildrenInline]


class CatalogAssistInline(admin.TabularInline[CatalogAssist, CatalogEntry]):
    model = CatalogAssist
    extra = 0
    raw_id_fields = ["unit"]


class CatalogRegionFilter(admin.SimpleListFilter):
    title = _("scope")
    parameter_name = "scope"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("citywide", _("Citywide")), ("local", _("Within a region"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CatalogEntry]) -> QuerySet[CatalogEntry]:
        if self.value() == "citywide":
            return queryset.filter(region__isnull=True)
        if self.value() == "local":
            return queryset.filter(region__isnull=False)
        return queryset


@admin.register(CatalogEntry)
class CatalogEntryAdmin(DirectoryAdmin):
    list_display = ["category", "region", "lead_rule", "lead_function", "lead_unit", "is_active", "from_seed"]
    list_filter = ["lead_rule", CatalogRegionFilter, "is_active", "from_seed"]
    search_fields = ["category__name", "category__code", "region__name"]
    list_select_related = ["category", "region", "lead_unit"]
    raw_id_fields = ["category", "region", "lead_unit"]
    inlines = [CatalogAssistInline]


@admin.register(AutoDispatchFailure)
class AutoDispatchFailureAdmin(admin.ModelAdmin[AutoDispatchFailure]):
    """Tickets the machine did not dispatch, and why (read-only: dispatch them from the ticket)."""

    list_display = ["ticket", "reason", "detail", "attempts", "first_failed_at", "next_attempt_at"]
    list_filter = ["reason"]
    list_select_related = ["ticket"]
    readonly_fields = [f.name for f in AutoDispatchFailure._meta.fields]
    search_fields = ["ticket__number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CategoryModelSnapshot)
class CategoryModelSnapshotAdmin(admin.ModelAdmin[CategoryModelSnapshot]):
    """What the category suggestion learned, night by night (the counts stay out of the page)."""

    list_display = ["trained_at", "examples", "since"]
    fields = ["trained_at", "examples", "since"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
