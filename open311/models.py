"""Open311 clients and the requests they filed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.choices import Channel


class ClientSystem(models.Model):
    """接入系统: an outside system that files requests through Open311 with its own api_key.

    The key itself is shown once when the client is created; only its SHA-256 is stored. Requests are
    logged by the client's own account (which may only create tickets) under the client's channel.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices, default=Channel.APP)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    key_hint = models.CharField(_("key starts with"), max_length=8)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("account"), related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 client system")
        verbose_name_plural = _("Open311 client systems")

    def __str__(self) -> str:
        return self.name


class SubmittedRequest(models.Model):
    """A ticket filed through Open311: by which client, its token, and what the client sent beside
    the ticket's own fields (attributes, media, the client's ids)."""

    ticket = models.OneToOneField(
        "orders.Ticket", on_delete=models.CASCADE, related_name="open311", verbose_name=_("ticket")
    )
    client = models.ForeignKey(ClientSystem, on_delete=models.PROTECT, verbose_name=_("client system"))
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    account_id = models.CharField(_("client's account id"), max_length=100, blank=True)
    device_id = models.CharField(_("client's device id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return str(self.token)
