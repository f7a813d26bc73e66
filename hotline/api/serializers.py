from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from dispatch.directory.choices import DemandType, UrgencyTier
from hotline.models import Article, CallerFlag
from orders.api.serializers import (
    CategoryCodeField,
    CategoryRefSerializer,
    RegionCodeField,
    UnitBriefSerializer,
    UnitCodeField,
)
from orders.choices import Channel
from orders.privacy import phone_normalize

TEXT_LIMIT = 4000


class PhoneField(serializers.CharField):
    """A phone number, normalised (``+86 138-0000-0000`` → ``13800000000``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=32, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not value:
            return value
        try:
            return phone_normalize(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class LookupInput(serializers.Serializer[Any]):
    phone = PhoneField()


class DuplicatesInput(serializers.Serializer[Any]):
    content = serializers.CharField(max_length=TEXT_LIMIT)
    category = CategoryCodeField(required=False, allow_null=True, default=None)
    region = RegionCodeField(required=False, allow_null=True, default=None)
    caller_phone = PhoneField(required=False, allow_blank=True, default="")


class SuggestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    category = serializers.CharField()
    street = serializers.CharField(allow_null=True)
    content = serializers.CharField()
    score = serializers.FloatField()
    text_similarity = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class SensitiveInput(serializers.Serializer[Any]):
    content = serializers.CharField(max_length=TEXT_LIMIT, allow_blank=True)


class HitSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    text = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class SensitiveResultSerializer(serializers.Serializer[Any]):
    hits = HitSerializer(many=True)
    urgency = serializers.CharField(allow_null=True)
    highlighted = serializers.CharField()


class RoutePreviewQuery(serializers.Serializer[Any]):
    category = CategoryCodeField()
    region = RegionCodeField()


class FlagInput(serializers.Serializer[Any]):
    phone = PhoneField()
    reason = serializers.CharField(max_length=2000)
    days = serializers.IntegerField(min_value=1, max_value=365, default=90)


class FlagDecisionInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CallerFlagSerializer(serializers.ModelSerializer[CallerFlag]):
    caller = serializers.CharField(source="caller.phone_masked", read_only=True)

    class Meta:
        model = CallerFlag
        fields = [
            "id",
            "caller",
            "reason",
            "status",
            "requested_at",
            "reviewed_at",
            "review_note",
            "expires_at",
        ]


class ArticleSerializer(serializers.ModelSerializer[Article]):
    category = CategoryRefSerializer(read_only=True, allow_null=True)
    owner_unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "body",
            "category",
            "owner_unit",
            "review_by",
            "is_published",
            "version",
            "updated_at",
        ]


class ArticleInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    category = CategoryCodeField(required=False, allow_null=True, default=None)
    owner_unit = UnitCodeField()
    review_by = serializers.DateField()
    is_published = serializers.BooleanField(default=True)


class ArticleQuery(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    category = CategoryCodeField(required=False, allow_null=True, default=None)


class AnswerFromArticleInput(serializers.Serializer[Any]):
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.filter(is_published=True))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PeriodQuery(serializers.Serializer[Any]):
    since = serializers.DateField()
    until = serializers.DateField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["since"].year < 2000 or attrs["until"].year > 2100:
            raise serializers.ValidationError({"since": _("Choose dates between 2000 and 2100.")})
        if attrs["until"] <= attrs["since"]:
            raise serializers.ValidationError({"until": _("The end must come after the start.")})
        return attrs


class TicketCreateInput(serializers.Serializer[Any]):
    channel = serializers.ChoiceField(choices=Channel.choices)
    demand_type = serializers.ChoiceField(choices=DemandType.choices)
    category = CategoryCodeField(help_text="leaf category code, e.g. 010501")
    region = RegionCodeField(help_text="region code at the finest level known, e.g. 110105026")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    content = serializers.CharField(max_length=TEXT_LIMIT)
    caller_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    caller_name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    is_anonymous = serializers.BooleanField(required=False, default=False)
    is_enterprise = serializers.BooleanField(required=False, default=False)
    urgency = serializers.ChoiceField(
        choices=UrgencyTier.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="defaults to the category's usual tier",
    )
