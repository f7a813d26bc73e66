"""Reads that may lag go to a PostgreSQL streaming replica (docs/scaling.md).

With ``DATABASE_REPLICA_URL`` set, the settings add a ``replica`` database and this router. Only code
that runs inside :func:`replica_reads` reads from it — the insight and assessment pages and their
API (GET requests under ``REPLICA_READ_PATHS``, see :class:`ReplicaReadsMiddleware`) and report
builds. Everything else, and every write, goes to the primary: a service deciding on a ticket must
see the ticket as it is now, not as it was a few milliseconds ago on the replica.

When the replica is down (or not a standby any more), reads fall back to the primary: the router
checks the replica at most every ``REPLICA_CHECK_SECONDS``, and a request that failed because the
replica went away mid-way is answered again from the primary (GET requests are safe to repeat).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
log = logging.getLogger(__name__)
_reading: ContextVar[bool] = ContextVar("replica_reads", default=False)
_health: dict[str, float | bool] = {"checked": 0.0, "up": False}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_usable() -> bool:
    """Whether the replica answers as a standby, checked at most every REPLICA_CHECK_SECONDS."""
    if not replica_configured():
        return False
    now = time.monotonic()
    if now - float(_health["checked"]) < settings.REPLICA_CHECK_SECONDS:
        return bool(_health["up"])
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            row = cursor.fetchone()
        up = bool(row and row[0])
    except DatabaseError:
        connections[REPLICA].close()
        up = False
    if up != _health["up"]:
        log.warning("read replica %s", "in use" if up else "unavailable: reading from the primary")
    _health.update(checked=now, up=up)
    return up


def replica_mark_down() -> None:
    connections[REPLICA].close()
    _health.update(checked=time.monotonic(), up=False)
    log.warning("read replica failed during a request: reading from the primary")


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside this block may come from the replica (when there is a usable one)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_reading() -> bool:
    return _reading.get()


def replica_check_now() -> bool:
    """Check the replica now, whatever the last check said."""
    _health["checked"] = 0.0
    return replica_usable()


class ReplicaRouter:
    """Reads inside :func:`replica_reads` go to the replica while it is usable; all else to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading.get() and replica_usable():
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"  # the replica follows the primary's schema by replication


class ReplicaReadsMiddleware:
    """GET and HEAD requests under ``REPLICA_READ_PATHS`` read from the replica (falling back to the
    primary). The user, session and memberships are resolved first, on the primary, so a login a
    moment ago is never lost to replication lag."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (
            replica_configured()
            and request.method in ("GET", "HEAD")
            and request.path.startswith(tuple(settings.REPLICA_READ_PATHS))
        ):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 — resolve the lazy user on the primary
        if not replica_usable():
            return self.get_response(request)
        with replica_reads():
            response = self.get_response(request)
        if response.status_code >= 500 and not replica_check_now():
            # The replica went away during the request: answer it again from the primary.
            replica_mark_down()
            response = self.get_response(request)
        return response
