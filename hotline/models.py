"""Intake's own data: sensitive-content rules (敏感信息), caller flags (恶意来电标记) and the
knowledge base (知识库) with its versions."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.directory.cache import directory_cache_forget
from dispatch.directory.choices import UrgencyTier
from dispatch.directory.fields import optional_reference

from .choices import CallerFlagStatus, SensitiveKind


class SensitiveRule(models.Model):
    """A word or pattern that marks a demand as sensitive: urgency goes up, a supervisor is alerted."""

    pattern = models.CharField(_("word or pattern"), max_length=200)
    is_regex = models.BooleanField(_("regular expression"), default=False)
    kind = models.CharField(_("kind"), max_length=16, choices=SensitiveKind.choices)
    raise_to = models.CharField(
        _("raise urgency to"), max_length=16, choices=UrgencyTier.choices, default=UrgencyTier.EMERGENCY
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sensitive-content rule")
        verbose_name_plural = _("sensitive-content rules")
        ordering = ["kind", "pattern"]
        constraints = [models.UniqueConstraint(fields=["pattern", "is_regex"], name="sensitive_rule_once")]

    def __str__(self) -> str:
        return self.pattern

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        directory_cache_forget("hotline", "sensitive_rules")

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        directory_cache_forget("hotline", "sensitive_rules")
        return deleted

    def clean(self) -> None:
        if self.is_regex:
            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValidationError(
                    {"pattern": _("Not a valid pattern: %(error)s") % {"error": error}}
                ) from error


class CallerFlag(models.Model):
    """恶意来电: an agent proposes, a reviewer decides; an approved flag expires. A flagged caller's
    calls are still taken — the desk shows the flag and the agent may refuse through the rejection
    flow (不予受理, reason 恶意骚扰), which is recorded like any other."""

    caller = models.ForeignKey(
        "orders.Caller", verbose_name=_("caller"), on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=12, choices=CallerFlagStatus.choices, default=CallerFlagStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    reviewed_by = optional_reference(settings.AUTH_USER_MODEL, _("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("caller flag")
        verbose_name_plural = _("caller flags")
        ordering = ["-requested_at"]
        permissions = [("review_callerflag", "Can review caller flags")]
        constraints = [
            models.UniqueConstraint(
                fields=["caller"],
                condition=Q(status=CallerFlagStatus.PENDING),
                name="caller_flag_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.caller} ({self.get_status_display()})"


class Article(models.Model):
    """知识库条目: what agents answer from. Every edit makes a new version; answers record the version."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    category = optional_reference("dispatch.Category", _("category"), related_name="articles")
    owner_unit = models.ForeignKey(
        "dispatch.Unit", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="articles"
    )
    review_by = models.DateField(_("review by"))
    is_published = models.BooleanField(_("published"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("knowledge-base article")
        verbose_name_plural = _("knowledge-base articles")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("edited by"), on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(_("edited at"))

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-version"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="article_version_once")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"
