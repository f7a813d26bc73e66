"""The only writers of tickets: one function per intent (DESIGN §2, style.md §2.3), one module per
concern. Every lifecycle step follows ``transitions.run_transition`` (lock → check → transition →
save → record). Callers import from here: ``from orders import services; services.ticket_accept(…)``.
"""

from .assignments import (
    active_assignments,
    assignment_part_file,
    assignments_summon,
    end_summoned,
    lead_assignment,
    ticket_dispatch,
    ticket_first_contact_record,
    ticket_part_file,
    ticket_reassign,
)
from .calendar import calendar_watch, provisional_deadlines_recompute
from .events import notice_mark_read, notify, ticket_event_add, ticket_note_add
from .extensions import ticket_extension_decide, ticket_extension_request
from .flags import ticket_assessment_exempt_set, ticket_sensitive_mark
from .intake import MAX_CONTENT_LENGTH, CreatedTicket, caller_get_or_create, ticket_create
from .lifecycle import (
    MERGEABLE_PARENT_STATES,
    ticket_accept,
    ticket_answer,
    ticket_close,
    ticket_deescalate,
    ticket_escalate,
    ticket_merge,
    ticket_reject,
    ticket_reopen,
    ticket_reply,
)
from .returns import ticket_approve_return, ticket_deny_return, ticket_request_return
from .transitions import LABELS, ticket_caller_names, ticket_check

__all__ = [
    "LABELS",
    "MAX_CONTENT_LENGTH",
    "MERGEABLE_PARENT_STATES",
    "CreatedTicket",
    "active_assignments",
    "assignment_part_file",
    "assignments_summon",
    "calendar_watch",
    "caller_get_or_create",
    "end_summoned",
    "lead_assignment",
    "notice_mark_read",
    "notify",
    "provisional_deadlines_recompute",
    "ticket_accept",
    "ticket_answer",
    "ticket_approve_return",
    "ticket_assessment_exempt_set",
    "ticket_caller_names",
    "ticket_check",
    "ticket_close",
    "ticket_create",
    "ticket_deescalate",
    "ticket_deny_return",
    "ticket_dispatch",
    "ticket_escalate",
    "ticket_event_add",
    "ticket_extension_decide",
    "ticket_extension_request",
    "ticket_first_contact_record",
    "ticket_merge",
    "ticket_note_add",
    "ticket_part_file",
    "ticket_reassign",
    "ticket_reject",
    "ticket_reopen",
    "ticket_reply",
    "ticket_request_return",
    "ticket_sensitive_mark",
]
