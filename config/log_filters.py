"""Logging filters: keep the logs for what needs a person's attention."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 403 or 404 is an ordinary answer: log its one line, not the exception's traceback.

    Django logs "Forbidden (Permission denied)" with the ``PermissionDenied`` traceback attached;
    server errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
