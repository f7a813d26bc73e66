"""Intake through the API: ``POST /api/v1/tickets/`` (agents), and the aids of the intake desk —
caller lookup and flags, duplicate suggestions, sensitive-content check, route preview, the
knowledge base and direct answers from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import CONFLICT
from dispatch.api.tickets import TicketViewSet as DispatchTicketViewSet
from dispatch.api.tickets import TicketWithWhistlesSerializer as TicketDetailSerializer
from dispatch.api.tickets import route_data
from dispatch.selectors import route_for
from hotline import selectors, sensitive, services
from hotline.models import Article, CallerFlag
from hotline.services import intake_ticket_create
from orders import clock

from .serializers import (
    AnswerFromArticleInput,
    ArticleInput,
    ArticleQuery,
    ArticleSerializer,
    CallerFlagSerializer,
    DuplicatesInput,
    FlagDecisionInput,
    FlagInput,
    LookupInput,
    PeriodQuery,
    RoutePreviewQuery,
    SensitiveInput,
    SensitiveResultSerializer,
    SuggestionSerializer,
    TicketCreateInput,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"


# orders' own steps, served here, answer with the ticket as this collection shows it.
ORDERS_STEPS = ("answer", "reject", "merge", "accept", "request_return", "deny_return")


@extend_schema_view(
    **{name: extend_schema(responses={200: TicketDetailSerializer, **CONFLICT}) for name in ORDERS_STEPS}
)
class TicketViewSet(DispatchTicketViewSet):
    """工单 — the ticket collection: 受理 (``POST``, with an optional Idempotency-Key), the reads and
    the lifecycle steps of ``orders``, and 直接答复 from a knowledge-base article. Intake owns the
    collection because it is where tickets come from; dispatch and evaluation register their own
    actions on ``/tickets/{id}/…`` beside it."""

    @extend_schema(
        request=TicketCreateInput,
        responses={201: TicketDetailSerializer, **CONFLICT},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="A retried request with the same key returns the ticket created the first time.",
            )
        ],
        summary="受理 — log a demand as a ticket",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()[:128]
        outcome = intake_ticket_create(by=request.user, idempotency_key=key, **data.validated_data)
        ticket = outcome.ticket if outcome.created else outcome.ticket.pk
        response = self.ticket_response(ticket, status_code=status.HTTP_201_CREATED)
        if not outcome.created:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(request=AnswerFromArticleInput, responses={200: TicketDetailSerializer, **CONFLICT})
    @action(detail=True, methods=["post"], url_path="answer-from-article")
    def answer_from_article(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            AnswerFromArticleInput,
            lambda t, d: services.ticket_answer_from_article(
                ticket=t, by=request.user, article=d["article"], note=d["note"]
            ),
        )


# ----------------------------------------------------------------------------- intake assistance


def _open_to_intake(request: Request) -> None:
    """Caller data and intake aids are for the hotline roles that take calls."""
    if not request.user.has_perm("orders.view_caller_contact"):
        raise PermissionDenied


class CallerLookupView(APIView):
    """诉求人: the caller's history and what the agent should know, by phone (POSTed, never in a URL)."""

    @extend_schema(request=LookupInput, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        _open_to_intake(request)
        data = LookupInput(data=request.data)
        data.is_valid(raise_exception=True)
        caller = selectors.caller_by_phone(data.validated_data["phone"])
        if caller is None:
            return Response({"known": False, "caller": None, "signals": None, "tickets": []})
        tickets = [
            {
                "id": t.pk,
                "number": t.number,
                "created_at": t.created_at,
                "state": t.state,
                "state_label": t.get_state_display(),
                "category": t.category.name,
                "street": t.street.name if t.street else None,
                "lead_unit": t.lead_unit.name if t.lead_unit else None,
                "content": t.content[:200],
                "result": t.result[:200],
            }
            for t in selectors.caller_history(caller=caller)
        ]
        return Response(
            {
                "known": True,
                "caller": {
                    "name": caller.name,
                    "phone": caller.phone,
                    "first_contact_at": caller.first_contact_at,
                },
                "signals": selectors.caller_signals(caller=caller, now=clock.now()),
                "tickets": tickets,
            }
        )


class DuplicatesView(APIView):
    """并单建议: open tickets that are probably the same problem, each with a score and reasons."""

    @extend_schema(request=DuplicatesInput, responses={200: SuggestionSerializer(many=True)})
    def post(self, request: Request) -> Response:
        _open_to_intake(request)
        data = DuplicatesInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            SuggestionSerializer(
                selectors.duplicates_for(**data.validated_data, now=clock.now()), many=True
            ).data
        )


class SensitiveCheckView(APIView):
    """敏感信息: the hits in a text and the text with them highlighted (as the desk types)."""

    @extend_schema(request=SensitiveInput, responses={200: SensitiveResultSerializer})
    def post(self, request: Request) -> Response:
        _open_to_intake(request)
        data = SensitiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["content"]
        rules = selectors.sensitive_rules()
        hits = sensitive.find(text, rules)
        return Response(
            {
                "hits": [{"kind": h.kind, "text": h.text, "start": h.start, "end": h.end} for h in hits],
                "urgency": sensitive.raised_urgency("general", hits, rules) if hits else None,
                "highlighted": sensitive.highlight(text, hits),
            }
        )


class RoutePreviewView(APIView):
    """The unit the catalog would choose for a category and place, and why (before the ticket exists)."""

    @extend_schema(parameters=[RoutePreviewQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        _open_to_intake(request)
        query = RoutePreviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        decision = route_for(category=query.validated_data["category"], region=query.validated_data["region"])
        return Response(route_data(decision))


class CallerFlagViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[CallerFlag]):
    """恶意来电标记: agents propose, reviewers approve or reject; approved flags expire."""

    serializer_class = CallerFlagSerializer
    queryset = CallerFlag.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[CallerFlag]:
        if getattr(self, "swagger_fake_view", False):
            return CallerFlag.objects.none()
        _open_to_intake(self.request) if not self.request.user.has_perm("hotline.review_callerflag") else None
        return selectors.caller_flags()

    @extend_schema(request=FlagInput, responses={201: CallerFlagSerializer, **CONFLICT})
    def create(self, request: Request) -> Response:
        _open_to_intake(request)
        data = FlagInput(data=request.data)
        data.is_valid(raise_exception=True)
        caller = selectors.caller_by_phone(data.validated_data["phone"])
        if caller is None:
            raise ValidationError({"phone": [_("No caller with this number has called.")]})
        flag = services.caller_flag_request(
            caller=caller,
            by=request.user,
            reason=data.validated_data["reason"],
            days=data.validated_data["days"],
        )
        return Response(CallerFlagSerializer(flag).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FlagDecisionInput, responses={200: CallerFlagSerializer, **CONFLICT})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._review(request, approve=True)

    @extend_schema(request=FlagDecisionInput, responses={200: CallerFlagSerializer, **CONFLICT})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._review(request, approve=False)

    def _review(self, request: Request, *, approve: bool) -> Response:
        flag = self.get_object()
        data = FlagDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        reviewed = services.caller_flag_review(
            flag=flag, by=request.user, approve=approve, note=data.validated_data["note"]
        )
        return Response(CallerFlagSerializer(reviewed).data)


class ArticleViewSet(viewsets.ReadOnlyModelViewSet[Article]):
    """知识库: search (``q``: Chinese text; ``category``: a category code), read, write (editors)."""

    serializer_class = ArticleSerializer
    queryset = Article.objects.none()
    filterset_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Article]:
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        if not self.request.user.has_perm("hotline.view_article"):
            raise PermissionDenied
        return Article.objects.select_related("category__parent__parent", "owner_unit").order_by("title")

    @extend_schema(parameters=[ArticleQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = ArticleQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        self.get_queryset()  # the permission
        q, category = query.validated_data["q"], query.validated_data["category"]
        if q or category:
            found = selectors.article_search(query=q, category=category)
            return Response(
                {
                    "count": len(found),
                    "next": None,
                    "previous": None,
                    "results": ArticleSerializer(found, many=True).data,
                }
            )
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ArticleInput, responses={201: ArticleSerializer})
    def create(self, request: Request) -> Response:
        data = ArticleInput(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_save(by=request.user, **data.validated_data)
        return Response(ArticleSerializer(article).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ArticleInput, responses={200: ArticleSerializer})
    def update(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        data = ArticleInput(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_save(by=request.user, article=article, **data.validated_data)
        return Response(ArticleSerializer(article).data)

    @extend_schema(parameters=[PeriodQuery], responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"], pagination_class=None)
    def stats(self, request: Request) -> Response:
        """直接答复率 over a period (dates, end exclusive)."""
        self.get_queryset()
        query = PeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        tz = timezone.get_default_timezone()
        since = dt.datetime.combine(query.validated_data["since"], dt.time(), tzinfo=tz)
        until = dt.datetime.combine(query.validated_data["until"], dt.time(), tzinfo=tz)
        return Response(selectors.direct_answer_rate(since=since, until=until))
