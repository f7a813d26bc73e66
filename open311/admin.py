from django.contrib import admin
from django.http import HttpRequest

from .models import ClientSystem, SubmittedRequest


@admin.register(ClientSystem)
class ClientSystemAdmin(admin.ModelAdmin):
    """Clients are registered with ``manage.py open311_client add`` (which shows the key once);
    here they are listed and switched off."""

    list_display = ["name", "channel", "key_hint", "is_active", "created_at"]
    list_filter = ["is_active", "channel"]
    readonly_fields = ["name", "channel", "key_hash", "key_hint", "user", "created_at"]
    fields = ["name", "channel", "key_hint", "is_active", "user", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SubmittedRequest)
class SubmittedRequestAdmin(admin.ModelAdmin):
    list_display = ["ticket", "client", "token", "created_at"]
    list_filter = ["client"]
    search_fields = ["ticket__number", "token"]
    readonly_fields = [
        "ticket",
        "client",
        "token",
        "attributes",
        "media_url",
        "account_id",
        "device_id",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
