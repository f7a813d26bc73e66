"""Domain errors, each with the HTTP status the API answers with."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """409: an action conflicts with the current state of what it acts on.

    ``subject`` says what conflicted (a ticket, an appeal, a caller flag, a whistle …) and ``code``
    which rule; both reach the API's error body beside the message.
    """

    http_status = 409

    def __init__(self, message: str, *, code: str, subject: str) -> None:
        super().__init__(message)
        self.code = code
        self.subject = subject


class TicketConflict(Conflict):
    """409 about a ticket: the step does not fit its current state (or someone else was faster)."""

    def __init__(self, message: str, code: str = "transition_not_allowed") -> None:
        super().__init__(message, code=code, subject="ticket")


def transition_not_allowed(transition: str, state_label: str) -> TicketConflict:
    return TicketConflict(
        str(_("“%(transition)s” is not possible while the ticket is “%(state)s”."))
        % {"transition": transition, "state": state_label}
    )
