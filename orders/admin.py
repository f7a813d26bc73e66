"""Tickets in the Django admin: read-only records with their events inline, and the transitions
the signed-in user may take as buttons. Each button opens a small form and calls the same
service the API calls, so the admin can never bypass a lock, a permission or an event."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from dispatch.directory.cache import directory_cache_clear

from .action_forms import TICKET_ACTIONS
from .event_display import event_details
from .exceptions import TicketConflict
from .models import (
    Assignment,
    CalendarDay,
    CalendarYear,
    Caller,
    ExtensionRequest,
    Notice,
    ReturnRequest,
    SlaPolicy,
    SlaTier,
    Ticket,
    TicketEvent,
)
from .selectors import ticket_list_for_user


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = [
        "unit",
        "role",
        "assigned_at",
        "signed_at",
        "replied_at",
        "sign_due",
        "handle_due",
        "ended_at",
        "end_reason",
    ]
    readonly_fields = fields

    @admin.display(description=_("sign-for due"))
    def sign_due(self, obj: Assignment) -> str:
        return _due_text(obj.sign_due_at, obj.sign_due_provisional)

    @admin.display(description=_("handling due"))
    def handle_due(self, obj: Assignment) -> str:
        return _due_text(obj.handle_due_at, obj.handle_due_provisional)


def _due_text(due: Any, provisional: bool) -> str:
    if due is None:
        return "—"
    text = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
    return f"{text}（{_('provisional')}）" if provisional else text


class ReturnRequestInline(ReadOnlyInline):
    model = ReturnRequest
    fields = ["unit", "reason", "note", "requested_at", "decision", "decided_by", "review_note"]
    readonly_fields = fields


class TicketEventInline(ReadOnlyInline):
    """The audit trail as people read it: when, what, from which state to which, who, and the details."""

    model = TicketEvent
    fields = ["created_at", "kind", "states", "actor", "actor_unit", "note", "details"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    @admin.display(description=_("state"))
    def states(self, obj: TicketEvent) -> str:
        if obj.from_state == obj.to_state:
            return obj.get_to_state_display() or "—"
        return f"{obj.get_from_state_display() or '—'} → {obj.get_to_state_display()}"

    @admin.display(description=_("details"))
    def details(self, obj: TicketEvent) -> str:
        return format_html_join(
            mark_safe("<br>"), "{}：{}", ((label, value) for label, value in event_details(obj.payload))
        )


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "number",
        "state",
        "channel",
        "category",
        "district",
        "street",
        "lead_unit",
        "urgency",
        "created_at",
    ]
    list_filter = ["state", "channel", "urgency", "demand_type", "is_enterprise", "district"]
    search_fields = ["number", "content", "address"]
    list_select_related = ["category", "district", "street", "lead_unit"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [AssignmentInline, ReturnRequestInline, TicketEventInline]
    change_form_template = "admin/orders/ticket/change_form.html"
    exclude = ["caller"]
    readonly_fields = [
        "number",
        "state",
        "channel",
        "demand_type",
        "category",
        "region",
        "district",
        "street",
        "address",
        "longitude",
        "latitude",
        "content",
        "caller_masked",
        "urgency",
        "is_enterprise",
        "is_anonymous",
        "parent",
        "lead_unit",
        "answer",
        "reject_reason",
        "result",
        "rework_count",
        "assessment_exempt",
        "created_by",
        "created_at",
        "answered_at",
        "rejected_at",
        "merged_at",
        "dispatched_at",
        "accepted_at",
        "escalated_at",
        "return_requested_at",
        "handled_at",
        "closed_at",
        "reopened_at",
        "updated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        # The admin shows exactly what the API would: the user's scope.
        return ticket_list_for_user(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tickets are logged at the intake desk or through the API

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A ticket changes only through its transitions (the buttons above the record), never by
        # editing fields: the page is a read-only record, due times included.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Hotline roles see the caller in full; everyone else masked (nothing when anonymous).
        caller = "caller_full" if request.user.has_perm("orders.view_caller_contact") else "caller_masked"
        return [caller if name == "caller_masked" else name for name in self.readonly_fields]

    @admin.display(description=_("caller"))
    def caller_full(self, obj: Ticket) -> str:
        return "—" if obj.caller is None else f"{obj.caller.name} {obj.caller.phone}"

    @admin.display(description=_("caller"))
    def caller_masked(self, obj: Ticket) -> str:
        return "—" if obj.caller is None or obj.is_anonymous else str(obj.caller)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        ticket = self.get_object(request, object_id)
        buttons = []
        if ticket is not None:
            for transition in ticket.get_available_user_state_transitions(request.user):
                spec = TICKET_ACTIONS.get(transition.name)
                if spec is not None:
                    buttons.append(
                        {
                            "label": spec.for_ticket(ticket).label,
                            "url": reverse(
                                "admin:orders_ticket_transition", args=[ticket.pk, transition.name]
                            ),
                        }
                    )
        extra_context = {**(extra_context or {}), "transition_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="orders_ticket_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, object_id: int, name: str) -> HttpResponse:
        ticket = get_object_or_404(self.get_queryset(request), pk=object_id)
        spec = TICKET_ACTIONS.get(name)
        if spec is None:
            raise PermissionDenied
        spec = spec.for_ticket(ticket)
        form = spec.bind(ticket, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                spec.run(ticket, request.user, form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except (PermissionDenied, TicketConflict) as error:
                messages.error(request, str(error) or _("You may not do this."))
                return HttpResponseRedirect(reverse("admin:orders_ticket_change", args=[ticket.pk]))
            else:
                messages.success(request, _("%(action)s: done.") % {"action": spec.label})
                return HttpResponseRedirect(reverse("admin:orders_ticket_change", args=[ticket.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{ticket.number} — {spec.label}",
            "ticket": ticket,
            "form": form,
            "opts": self.model._meta,
            "action_label": spec.label,
        }
        return TemplateResponse(request, "admin/orders/ticket/transition.html", context)


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit trail: searchable, never editable."""

    list_display = ["created_at", "ticket", "kind", "from_state", "to_state", "actor", "actor_unit"]
    list_filter = ["kind"]
    search_fields = ["ticket__number", "note"]
    list_select_related = ["ticket", "actor", "actor_unit"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[TicketEvent]:
        visible = ticket_list_for_user(user=request.user).values("pk")
        return super().get_queryset(request).filter(ticket__in=visible)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Caller)
class CallerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Callers appear masked; only their tickets' pages (for the hotline roles) show them in full."""

    list_display = ["phone_masked", "name_masked", "first_contact_at", "last_contact_at"]
    fields = ["phone_masked", "name_masked", "first_contact_at", "last_contact_at"]
    readonly_fields = fields
    search_fields = ["phone_masked"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# ----------------------------------------------------------------------- SLA policy, calendar


def _warn_missing_calendar(request: HttpRequest) -> None:
    from .sla import provisional_calendar_years

    for year in provisional_calendar_years():
        messages.warning(
            request,
            _(
                "The State Council's holiday notice for %(year)s is not imported: working-day deadlines that "
                "reach into %(year)s are computed from the statutory rules and marked provisional. Import "
                "the notice when it is published; those deadlines are then recomputed."
            )
            % {"year": year},
        )


class SlaTierInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SlaTier
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "effective_from",
        "is_active",
        "handling_clock_starts",
        "warn_ratio",
        "max_extensions",
    ]
    inlines = [SlaTierInline]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_missing_calendar(request)
        return super().changelist_view(request, extra_context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        directory_cache_clear()


class NoticeImportForm(forms.Form):
    year = forms.IntegerField(
        label=_("year"), required=False, help_text=_("Leave empty if the text names it.")
    )
    text = forms.CharField(
        label=_("text of the notice"), widget=forms.Textarea(attrs={"rows": 14, "cols": 90})
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "kind", "source", "loaded_at"]
    list_filter = ["kind"]
    change_list_template = "admin/orders/calendaryear/change_list.html"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_missing_calendar(request)
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[Any]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="orders_calendaryear_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Paste a State Council holiday notice; its year's days off and weekends worked are replaced."""
        from .holiday_notice import NoticeError
        from .sla import calendar_year_import

        if not request.user.has_perm("orders.add_calendaryear"):
            raise PermissionDenied
        form = NoticeImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                year, off, worked = calendar_year_import(
                    notice_text=form.cleaned_data["text"], year=form.cleaned_data["year"]
                )
            except NoticeError as error:
                form.add_error("text", str(error))
            else:
                from .hints import hint_after_commit
                from .tasks import recompute_provisional_deadlines_task

                hint_after_commit(recompute_provisional_deadlines_task, year)
                messages.success(
                    request,
                    _(
                        "%(year)s: %(off)d days off and %(worked)d weekends worked imported. Deadlines that "
                        "rested on the provisional %(year)s schedule are being recomputed."
                    )
                    % {"year": year, "off": off, "worked": worked},
                )
                return HttpResponseRedirect(reverse("admin:orders_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a holiday notice"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/calendaryear/import.html", context)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["day", "is_workday", "name", "source"]
    list_filter = ["source", "is_workday", "name"]
    date_hierarchy = "day"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_missing_calendar(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        directory_cache_clear()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        directory_cache_clear()


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["ticket", "unit", "current_due_at", "proposed_due_at", "decision", "granted_due_at"]
    list_filter = ["decision"]
    readonly_fields = [f.name for f in ExtensionRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "unit", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "ticket__number"]
    list_select_related = ["unit"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
