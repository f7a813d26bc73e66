"""The models of work orders, one module per concern; imported here so Django finds them."""

from .handling import Assignment, ExtensionRequest, ReturnRequest
from .numbering import DailySequence, IdempotencyKey
from .policy import CalendarDay, CalendarYear, SlaPolicy, SlaTier
from .records import DeadlineStepRecord, Notice, TicketEvent
from .tickets import Caller, Ticket

__all__ = [
    "Assignment",
    "CalendarDay",
    "CalendarYear",
    "Caller",
    "DailySequence",
    "DeadlineStepRecord",
    "ExtensionRequest",
    "IdempotencyKey",
    "Notice",
    "ReturnRequest",
    "SlaPolicy",
    "SlaTier",
    "Ticket",
    "TicketEvent",
]
