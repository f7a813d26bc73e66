"""Evaluation in the Django admin: callbacks and appeals (read-only records, decided through the
services), assessment schemes (edited by assessors) and period scores (read-only snapshots).

The ticket page's 办结 and 重办 forms are in ``action_forms.py``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from orders.exceptions import TicketConflict

from . import selectors, services
from .choices import AppealStatus
from .models import (
    Appeal,
    AssessmentScheme,
    Callback,
    CallbackAttempt,
    EarlyWarning,
    MonthlyTopic,
    PeriodScore,
    Report,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CallbackAttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CallbackAttempt
    fields = ["at", "by", "reached", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "round",
        "unit",
        "outcome",
        "valid",
        "contacted",
        "resolved",
        "satisfaction",
        "attempts",
        "completed_at",
    ]
    list_filter = ["outcome", "valid", "satisfaction", "group", "is_final"]
    search_fields = ["ticket__number", "unit__name"]
    list_select_related = ["ticket", "unit"]
    date_hierarchy = "completed_at"
    show_full_result_count = False
    inlines = [CallbackAttemptInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Callback]:
        return selectors.callbacks_for_user(user=request.user)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("decision note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "unit", "reason", "status", "filed_at", "decided_at"]
    list_filter = ["status", "reason"]
    search_fields = ["ticket__number", "unit__name", "evidence"]
    list_select_related = ["ticket", "unit"]
    actions = ["approve"]  # denying needs a reason per appeal: the API

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appeal]:
        return selectors.appeals_for_user(user=request.user)

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("evaluation.decide_appeal"))

    def _decide(self, request: HttpRequest, queryset: QuerySet[Appeal], *, approve: bool) -> None:
        note = str(_("Approved in the admin."))
        done = 0
        for appeal in queryset.filter(status=AppealStatus.PENDING):
            try:
                services.appeal_decide(appeal=appeal, by=request.user, approve=approve, note=note)  # type: ignore[arg-type]
                done += 1
            except (ValidationError, TicketConflict, PermissionDenied) as error:
                messages.error(request, f"{appeal.ticket}: {error}")
        if done:
            messages.success(request, _("%(n)d appeal(s) decided.") % {"n": done})

    @admin.action(description=_("Approve: exempt the tickets from the rates"), permissions=["decide"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> HttpResponseRedirect | None:
        self._decide(request, queryset, approve=True)
        return None


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "group",
        "effective_from",
        "is_active",
        "weight_response",
        "weight_resolution",
        "weight_satisfaction",
        "basic_satisfied_factor",
        "period_start_day",
        "appeal_window_days",
    ]
    list_filter = ["group", "is_active"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a scheme that scored a period stays; deactivate it instead


@admin.register(PeriodScore)
class PeriodScoreAdmin(ReadOnlyAdmin):
    list_display = [
        "label",
        "group",
        "unit",
        "rank",
        "composite",
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "valid_callbacks",
        "is_final",
    ]
    list_filter = ["group", "label", "is_final"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PeriodScore]:
        return selectors.scores_for_user(user=request.user)


@admin.register(EarlyWarning)
class EarlyWarningAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "count", "district", "last_detected_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "key"]
    list_select_related = ["district"]


@admin.register(MonthlyTopic)
class MonthlyTopicAdmin(ReadOnlyAdmin):
    list_display = ["label", "title", "category", "adopted_by", "adopted_at"]
    list_filter = ["label"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["label", "kind", "window_start", "window_end", "built_at"]
    list_filter = ["kind"]
