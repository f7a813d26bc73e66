"""Domain errors of the lifecycle, each with the HTTP status the API answers with."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class TicketConflict(Exception):
    """409: the action does not fit the ticket's current state (or someone else was faster)."""

    http_status = 409

    def __init__(self, message: str, code: str = "transition_not_allowed") -> None:
        super().__init__(message)
        self.code = code


def transition_not_allowed(transition: str, state_label: str) -> TicketConflict:
    return TicketConflict(
        str(_("“%(transition)s” is not possible while the ticket is “%(state)s”."))
        % {"transition": transition, "state": state_label}
    )
