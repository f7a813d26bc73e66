"""Intake through the API: ``POST /api/v1/tickets/`` (agents)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.schema import CONFLICT
from hotline.services import intake_ticket_create
from orders.api.serializers import TicketCreateInput, TicketDetailSerializer

IDEMPOTENCY_HEADER = "Idempotency-Key"


class TicketIntakeMixin:
    """Adds ``create`` to the ticket viewset: 受理, with an optional Idempotency-Key."""

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
        response = self.ticket_response(ticket, status_code=status.HTTP_201_CREATED)  # type: ignore[attr-defined]
        if not outcome.created:
            response["Idempotent-Replayed"] = "true"
        return response
