"""Insight through the API (以数感知): analytics, 每月一题, proactive tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import CONFLICT
from evaluation import analytics, quadrant_reads, selectors, services
from evaluation.models import EarlyWarning, MonthlyTopic
from orders.api.serializers import CategoryCodeField, RegionCodeField, UnitCodeField


def insight_reader(request: Request) -> None:
    if not selectors.may_read_insight(request.user):
        raise PermissionDenied


class PeriodQuery(serializers.Serializer[Any]):
    since = serializers.DateField()
    until = serializers.DateField(help_text="exclusive")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["since"].year < 2000 or attrs["until"].year > 2100:
            raise serializers.ValidationError({"since": _("Choose dates between 2000 and 2100.")})
        if attrs["until"] <= attrs["since"]:
            raise serializers.ValidationError({"until": _("The end must come after the start.")})
        if (attrs["until"] - attrs["since"]).days > 800:
            raise serializers.ValidationError({"until": _("A period is at most 800 days.")})
        return attrs


class VolumeQuery(PeriodQuery):
    region_level = serializers.ChoiceField(choices=["city", "district", "street"], default="district")
    category_level = serializers.ChoiceField(choices=[1, 2, 3], required=False, allow_null=True, default=None)
    district = serializers.RegexField(r"^\d{6}$", required=False, default=None)


class TopQuery(PeriodQuery):
    n = serializers.IntegerField(min_value=1, max_value=100, default=10)
    level = serializers.ChoiceField(choices=[1, 2, 3], default=3)
    district = serializers.RegexField(r"^\d{6}$", required=False, default=None)
    street = serializers.RegexField(r"^\d{9}$", required=False, default=None)


class MonthQuery(serializers.Serializer[Any]):
    month = serializers.RegexField(r"^(20\d\d)-(0[1-9]|1[0-2])$", help_text="e.g. 2026-11 (2000–2099)")
    n = serializers.IntegerField(min_value=1, max_value=50, default=10)


class VolumeRowSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(allow_null=True)
    region_name = serializers.CharField(allow_null=True)
    category = serializers.CharField(required=False, allow_null=True)
    category_name = serializers.CharField(required=False, allow_null=True)
    count = serializers.IntegerField()
    previous = serializers.IntegerField()
    year_ago = serializers.IntegerField()
    change_vs_previous = serializers.FloatField(allow_null=True)
    change_vs_year_ago = serializers.FloatField(allow_null=True)


class TopRowSerializer(serializers.Serializer[Any]):
    category = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()


class PerThousandRowSerializer(serializers.Serializer[Any]):
    district = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    per_thousand = serializers.FloatField()


class CandidateRowSerializer(serializers.Serializer[Any]):
    category = serializers.CharField()
    name = serializers.CharField()
    family = serializers.CharField(allow_null=True)
    volume = serializers.IntegerField()
    streets = serializers.IntegerField()
    months_in_top = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)
    score = serializers.FloatField()


class TrackingRowSerializer(serializers.Serializer[Any]):
    month = serializers.CharField()
    dispatched = serializers.IntegerField()


class QuadrantQuery(serializers.Serializer[Any]):
    subject = serializers.ChoiceField(choices=["street", "district", "category"], default="street")
    period = serializers.RegexField(r"^(20\d\d)-(0[1-9]|1[0-2])$", help_text="e.g. 2026-11")


class InsightViewSet(viewsets.ViewSet):
    """以数感知: figures over a period (dates; ``until`` exclusive)."""

    def _query(self, request: Request, serializer: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        insight_reader(request)
        query = serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return dict(query.validated_data)

    @extend_schema(parameters=[PeriodQuery], responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def overview(self, request: Request) -> Response:
        """Volume, channel split, direct-answer rate, dispatch share, proactive work."""
        return Response(analytics.overview(**self._query(request, PeriodQuery)))

    @extend_schema(parameters=[VolumeQuery], responses={200: VolumeRowSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def volume(self, request: Request) -> Response:
        """Tickets by region level × category level, with 环比 and 同比."""
        return Response(analytics.volume(**self._query(request, VolumeQuery)))

    @extend_schema(parameters=[TopQuery], responses={200: TopRowSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="top-categories")
    def top_categories(self, request: Request) -> Response:
        return Response(analytics.top_categories(**self._query(request, TopQuery)))

    @extend_schema(parameters=[PeriodQuery], responses={200: PerThousandRowSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="per-thousand")
    def per_thousand(self, request: Request) -> Response:
        """Tickets per 1,000 residents by district (2020 census)."""
        return Response(analytics.per_thousand_residents(**self._query(request, PeriodQuery)))

    @extend_schema(parameters=[QuadrantQuery], responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def quadrants(self, request: Request) -> Response:
        """四象限: complaint rate (tickets per 1,000 residents) × satisfaction → 亮点, 拐点, 堵点, 难点,
        with the sub-classes 大治初愈, 大治大愈, 小治小愈, 久治难愈 by the change since the previous
        period. An unfinished month is set against the same elapsed span of the previous one."""
        data = self._query(request, QuadrantQuery)
        return Response(quadrant_reads.quadrant_chart(subject=data["subject"], label=data["period"]))

    @extend_schema(parameters=[MonthQuery], responses={200: CandidateRowSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="topic-candidates")
    def topic_candidates(self, request: Request) -> Response:
        """每月一题 candidates, ranked."""
        data = self._query(request, MonthQuery)
        month = dt.date.fromisoformat(data["month"] + "-01")
        return Response(analytics.topic_candidates(month=month, n=data["n"]))


class TopicSerializer(serializers.ModelSerializer[MonthlyTopic]):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = MonthlyTopic
        fields = ["id", "label", "category", "category_name", "title", "evidence", "adopted_at"]


class TopicInput(serializers.Serializer[Any]):
    month = serializers.RegexField(r"^(20\d\d)-(0[1-9]|1[0-2])$")
    category = CategoryCodeField()
    title = serializers.CharField(max_length=200)


class MonthlyTopicViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[MonthlyTopic]
):
    """每月一题: adopted topics; adopting one (``POST``), and its monthly dispatched volume since."""

    serializer_class = TopicSerializer
    queryset = MonthlyTopic.objects.none()
    filterset_fields = ["label"]

    def get_queryset(self) -> QuerySet[MonthlyTopic]:
        if getattr(self, "swagger_fake_view", False):
            return MonthlyTopic.objects.none()
        insight_reader(self.request)
        return MonthlyTopic.objects.select_related("category").order_by("-label", "title")

    @extend_schema(request=TopicInput, responses={201: TopicSerializer, **CONFLICT})
    def create(self, request: Request) -> Response:
        data = TopicInput(data=request.data)
        data.is_valid(raise_exception=True)
        topic = services.topic_adopt(
            by=request.user,
            category=data.validated_data["category"],
            month=dt.date.fromisoformat(data.validated_data["month"] + "-01"),
            title=data.validated_data["title"],
        )
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: TrackingRowSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def tracking(self, request: Request, pk: str | None = None) -> Response:
        topic = self.get_object()
        return Response(analytics.topic_tracking(category_id=topic.category_id, adopted=topic.adopted_at))


class ProactiveInput(serializers.Serializer[Any]):
    lead_unit = UnitCodeField()
    category = CategoryCodeField()
    region = RegionCodeField()
    content = serializers.CharField(max_length=4000)
    warning = serializers.PrimaryKeyRelatedField(
        queryset=EarlyWarning.objects.all(), required=False, allow_null=True, default=None
    )
    topic = serializers.PrimaryKeyRelatedField(
        queryset=MonthlyTopic.objects.all(), required=False, allow_null=True, default=None
    )


class ProactiveView(APIView):
    """主动治理: raise a ticket for a unit, from a warning or a topic; it is dispatched at once."""

    @extend_schema(request=ProactiveInput, responses={201: OpenApiTypes.OBJECT, **CONFLICT})
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("orders.create_proactive_ticket"):
            raise PermissionDenied
        data = ProactiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.proactive_ticket_create(by=request.user, **data.validated_data)
        body = {
            "id": ticket.pk,
            "number": ticket.number,
            "state": ticket.state,
            "channel": ticket.channel,
            "lead_unit": ticket.lead_unit.code if ticket.lead_unit else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)
