"""Writers of dispatch, one module per intent: routed and automatic dispatch, returns with
re-dispatch, whistles (吹哨报到), the system account. Ticket state changes go through
``orders.services``; the directory's own writers are in ``dispatch.directory.services``."""

from .accounts import SYSTEM_USERNAME, system_user
from .category_model import category_model_train
from .returns import ticket_return_approve
from .routing import (
    AUTO_DISPATCH_MAX_BACKOFF,
    ticket_auto_dispatch,
    ticket_auto_dispatch_isolated,
    ticket_route_dispatch,
    ticket_route_suggest,
    tickets_auto_dispatch_pending,
)
from .whistles import (
    SUMMONABLE_KINDS,
    report_deadline,
    ticket_reply,
    whistle_end,
    whistle_raise,
    whistle_rate,
    whistle_report,
    whistles_settle,
)

__all__ = [
    "AUTO_DISPATCH_MAX_BACKOFF",
    "SUMMONABLE_KINDS",
    "SYSTEM_USERNAME",
    "category_model_train",
    "report_deadline",
    "system_user",
    "ticket_auto_dispatch",
    "ticket_auto_dispatch_isolated",
    "ticket_reply",
    "ticket_return_approve",
    "ticket_route_dispatch",
    "ticket_route_suggest",
    "tickets_auto_dispatch_pending",
    "whistle_end",
    "whistle_raise",
    "whistle_rate",
    "whistle_report",
    "whistles_settle",
]
