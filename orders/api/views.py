"""Tickets: read through list/detail, changed only through one POST action per transition.

Each action: find the ticket in the user's scope (404 outside it) → validate the input (400) →
call the service (403 / 409 from there) → answer with the ticket as it is now. ``TicketViewSetBase``
is that plumbing, shared by the ticket actions of every app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.schema import CONFLICT
from orders import selectors, services
from orders.filters import TicketFilterSet
from orders.models import Notice, Ticket

from .serializers import (
    AnswerInput,
    ExtensionApproveInput,
    ExtensionRequestInput,
    ExtensionRequestSerializer,
    MergeInput,
    NoteInput,
    NoticeSerializer,
    RejectInput,
    RequestReturnInput,
    RequiredNoteInput,
    TicketDetailSerializer,
    TicketEventSerializer,
    TicketListSerializer,
)

Service = Callable[[Ticket, dict[str, Any]], Any]


def transition_schema(
    request: type[serializers.Serializer[Any]],
    summary: str,
    response: type[serializers.Serializer[Any]] = TicketDetailSerializer,
) -> Any:
    return extend_schema(request=request, responses={200: response, **CONFLICT}, summary=summary)


class TicketViewSetBase(viewsets.GenericViewSet[Ticket]):
    """What every ticket endpoint shares, whichever app's actions it carries: find the ticket in
    the user's scope (404 outside it), validate the input (400), call the service (403/409 from
    there), answer with the ticket as it is now.

    An app above ``orders`` that adds to what a ticket shows (``dispatch``: its whistles) sets
    ``detail_serializer_class`` and overrides ``detail_queryset``.
    """

    detail_serializer_class: type[serializers.Serializer[Any]] = TicketDetailSerializer
    filterset_class = None

    def get_queryset(self) -> QuerySet[Ticket]:
        # Actions only need to find the ticket in the user's scope (404 outside it); the service
        # locks and reads it, and the response reads it again in full.
        return selectors.ticket_scoped(user=self.request.user)

    def detail_queryset(self) -> QuerySet[Ticket]:
        return selectors.ticket_detail_queryset(user=self.request.user)

    def get_serializer_class(self) -> Any:
        return self.detail_serializer_class

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["may_see_contact"] = selectors.caller_contact_visible(user=self.request.user)
        return context

    def run_transition(
        self,
        request: Request,
        input_class: type[serializers.Serializer[Any]],
        service: Service,
        *,
        status_code: int = status.HTTP_200_OK,
    ) -> Response:
        ticket = self.get_object()
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        service(ticket, dict(data.validated_data))
        return self.ticket_response(ticket.pk, status_code=status_code)

    def ticket_response(self, ticket: Ticket | int, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The ticket as it is now: re-read through the user's scope, unless the caller hands over
        an instance it has just built in full (a new ticket)."""
        if not isinstance(ticket, Ticket):
            ticket = self.detail_queryset().get(pk=ticket)
        return Response(
            self.detail_serializer_class(ticket, context=self.get_serializer_context()).data,
            status=status_code,
        )


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TicketViewSetBase):
    """工单. Lists are scoped: hotline roles see every ticket, a unit's handlers their unit's.

    Reads and the lifecycle steps of ``orders``; the apps above add theirs (``dispatch``: dispatch,
    whistles, the result; ``evaluation``: callback; ``hotline``: intake), each registering its own.
    """

    filterset_class = TicketFilterSet
    ordering_fields = ["created_at", "number", "urgency", "state", "updated_at", "dispatched_at"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Ticket]:
        if self.action == "list":
            return selectors.ticket_list_for_user(user=self.request.user)
        if self.action == "retrieve":
            return self.detail_queryset()
        return super().get_queryset()

    def get_serializer_class(self) -> Any:
        return TicketListSerializer if self.action == "list" else self.detail_serializer_class

    # ------------------------------------------------------------------------------- reads

    @extend_schema(responses={200: TicketEventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        """The ticket's audit trail, oldest first."""
        ticket = self.get_object()
        events = selectors.ticket_events(ticket=ticket)
        return Response(TicketEventSerializer(events, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=RequiredNoteInput, responses={201: TicketEventSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def note(self, request: Request, pk: str | None = None) -> Response:
        """备注: add a note to the ticket's record without changing its state."""
        ticket = self.get_object()
        data = RequiredNoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.ticket_note_add(ticket=ticket, by=request.user, note=data.validated_data["note"])
        return Response(TicketEventSerializer(event).data, status=status.HTTP_201_CREATED)

    # --------------------------------------------------------------------------- intake side

    @transition_schema(AnswerInput, "直接答复 — answer at intake")
    @action(detail=True, methods=["post"], filterset_class=None)
    def answer(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            AnswerInput,
            lambda t, d: services.ticket_answer(ticket=t, by=request.user, answer=d["answer"]),
        )

    @transition_schema(RejectInput, "不予受理 — refuse with a reason")
    @action(detail=True, methods=["post"], filterset_class=None)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            RejectInput,
            lambda t, d: services.ticket_reject(
                ticket=t, by=request.user, reason=d["reason"], note=d["note"], transfer_to=d["transfer_to"]
            ),
        )

    @transition_schema(MergeInput, "并单 — merge into a parent ticket")
    @action(detail=True, methods=["post"], filterset_class=None)
    def merge(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            MergeInput,
            lambda t, d: services.ticket_merge(ticket=t, by=request.user, parent=d["parent"], note=d["note"]),
        )

    # ----------------------------------------------------------------------------- unit side

    @transition_schema(NoteInput, "签收 — the lead unit signs for the ticket")
    @action(detail=True, methods=["post"], filterset_class=None)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request, NoteInput, lambda t, d: services.ticket_accept(ticket=t, by=request.user, note=d["note"])
        )

    @transition_schema(RequestReturnInput, "申请退单 — ask to return a mis-dispatched ticket")
    @action(detail=True, methods=["post"], url_path="request-return", filterset_class=None)
    def request_return(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            RequestReturnInput,
            lambda t, d: services.ticket_request_return(
                ticket=t,
                by=request.user,
                reason=d["reason"],
                note=d["note"],
                suggested_unit=d["suggested_unit"],
            ),
        )

    @transition_schema(RequiredNoteInput, "协办反馈 — an assisting unit files its part")
    @action(detail=True, methods=["post"], url_path="file-part", filterset_class=None)
    def file_part(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            RequiredNoteInput,
            lambda t, d: services.ticket_part_file(ticket=t, by=request.user, note=d["note"]),
        )

    # ---------------------------------------------------------------------- dispatcher side

    @transition_schema(RequiredNoteInput, "驳回退单 — deny a return; the unit keeps the ticket")
    @action(detail=True, methods=["post"], url_path="deny-return", filterset_class=None)
    def deny_return(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            RequiredNoteInput,
            lambda t, d: services.ticket_deny_return(ticket=t, by=request.user, note=d["note"]),
        )

    # ---------------------------------------------------------------------------- extensions

    @extend_schema(
        request=ExtensionRequestInput,
        responses={201: ExtensionRequestSerializer, **CONFLICT},
        summary="延期申请 — the lead unit asks for a later handling deadline",
    )
    @action(detail=True, methods=["post"], url_path="request-extension", filterset_class=None)
    def request_extension(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        data = ExtensionRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.ticket_extension_request(ticket=ticket, by=request.user, **data.validated_data)
        return Response(ExtensionRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ExtensionApproveInput,
        responses={200: ExtensionRequestSerializer, **CONFLICT},
        summary="同意延期 — move the handling deadline",
    )
    @action(detail=True, methods=["post"], url_path="approve-extension", filterset_class=None)
    def approve_extension(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        data = ExtensionApproveInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.ticket_extension_decide(
            ticket=ticket,
            by=request.user,
            approve=True,
            note=data.validated_data["note"],
            due_at=data.validated_data["due_at"],
        )
        return Response(ExtensionRequestSerializer(decided).data)

    @extend_schema(
        request=RequiredNoteInput,
        responses={200: ExtensionRequestSerializer, **CONFLICT},
        summary="驳回延期 — the deadline stays",
    )
    @action(detail=True, methods=["post"], url_path="deny-extension", filterset_class=None)
    def deny_extension(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        data = RequiredNoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.ticket_extension_decide(
            ticket=ticket, by=request.user, approve=False, note=data.validated_data["note"]
        )
        return Response(ExtensionRequestSerializer(decided).data)


class NoticeFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="not yet read")
    kind = django_filters.CharFilter()
    unit = django_filters.CharFilter(field_name="unit__code")

    class Meta:
        model = Notice
        fields = ["unread", "kind", "unit"]


class NoticeViewSet(viewsets.ReadOnlyModelViewSet[Notice]):
    """通知: urges, supervision and decisions sent to the units the user works for."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet

    queryset = Notice.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Notice]:
        if getattr(self, "swagger_fake_view", False):
            return Notice.objects.none()
        return selectors.notices_for_user(user=self.request.user)

    @extend_schema(request=None, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark the notice read."""
        notice = services.notice_mark_read(notice=self.get_object(), by=request.user)
        return Response(self.get_serializer(notice).data)
