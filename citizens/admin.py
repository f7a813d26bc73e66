from django.contrib import admin
from django.http import HttpRequest

from .models import MessageOptOut, MessageTemplate, OutboundMessage


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """The wording of each step's message. Placeholders: {number}, {unit}, {progress_url}."""

    list_display = ["step", "text", "is_active"]
    list_editable = ["is_active"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits for a retry, what was given up (dead)."""

    list_display = [
        "ticket",
        "step",
        "round",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "step"]
    search_fields = ["ticket__number"]
    exclude = ["phone_encrypted"]
    readonly_fields = [
        "ticket",
        "step",
        "round",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "gateway_reference",
        "last_error",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MessageOptOut)
class MessageOptOutAdmin(admin.ModelAdmin):
    list_display = ["caller", "at", "by"]
    raw_id_fields = ["caller"]
    readonly_fields = ["at", "by"]
