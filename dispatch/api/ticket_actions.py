"""Dispatch actions on tickets: 派单 and 改派 (routing suggestions and whistles join them)."""

from __future__ import annotations

from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from orders import services as ticket_services
from orders.api.serializers import DispatchInput, ReassignInput
from orders.api.views import transition_schema


class TicketDispatchActions:
    """Mixed into the ticket viewset (see config/api_router.py)."""

    @transition_schema(DispatchInput, "派单 — give a received ticket to a lead unit")
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch", filterset_class=None)
    def dispatch_ticket(self, request: Request, pk: str | None = None) -> Response:
        # Named dispatch_ticket: a view's `dispatch` is the method that routes every request.
        return self.run_transition(
            request,
            DispatchInput,
            lambda t, d: ticket_services.ticket_dispatch(  # type: ignore[attr-defined]
                ticket=t,
                by=request.user,
                lead_unit=d["lead_unit"],
                assist_units=d["assist_units"],
                note=d["note"],
            ),
        )

    @transition_schema(ReassignInput, "改派 — give the ticket to another lead unit")
    @action(detail=True, methods=["post"], filterset_class=None)
    def reassign(self, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(
            request,
            ReassignInput,
            lambda t, d: ticket_services.ticket_reassign(  # type: ignore[attr-defined]
                ticket=t,
                by=request.user,
                lead_unit=d["lead_unit"],
                assist_units=d["assist_units"],
                reason=d["reason"],
            ),
        )
