"""Intake data in the admin: sensitive-content rules and the knowledge base (edited through the
service, so every save is a version), and caller flags (reviewed through the service)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from orders.exceptions import TicketConflict

from . import services
from .choices import CallerFlagStatus
from .models import Article, ArticleVersion, CallerFlag, SensitiveRule


@admin.register(SensitiveRule)
class SensitiveRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pattern", "is_regex", "kind", "raise_to", "is_active"]
    list_filter = ["kind", "is_active", "is_regex"]
    search_fields = ["pattern"]


class ArticleVersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ArticleVersion
    fields = ["version", "title", "edited_by", "edited_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "category", "owner_unit", "review_by", "is_published", "version", "updated_at"]
    list_filter = ["is_published", "owner_unit"]
    search_fields = ["title", "body"]
    autocomplete_fields: list[str] = []
    raw_id_fields = ["category", "owner_unit"]
    fields = ["title", "body", "category", "owner_unit", "review_by", "is_published"]
    inlines = [ArticleVersionInline]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        saved = services.article_save(
            by=request.user,  # type: ignore[arg-type]
            article=obj if change else None,
            title=obj.title,
            body=obj.body,
            owner_unit=obj.owner_unit,
            review_by=obj.review_by,
            category=obj.category,
            is_published=obj.is_published,
        )
        obj.pk, obj.version = saved.pk, saved.version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # unpublish instead: answers refer to it


@admin.register(CallerFlag)
class CallerFlagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["caller", "status", "requested_by", "requested_at", "reviewed_by", "expires_at"]
    list_filter = ["status"]
    readonly_fields = [
        "caller",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "expires_at",
    ]
    actions = ["approve"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_review_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("hotline.review_callerflag"))

    @admin.action(description=_("Approve the selected flags"), permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet[CallerFlag]) -> None:
        for flag in queryset.filter(status=CallerFlagStatus.PENDING):
            try:
                services.caller_flag_review(flag=flag, by=request.user, approve=True)  # type: ignore[arg-type]
            except (ValidationError, PermissionDenied, TicketConflict) as error:
                messages.error(request, f"{flag}: {error}")
