"""The lifecycle's time source.

Services ask ``clock.now()`` rather than ``timezone.now()`` so that the demo loader and the bench
data generators can run the real services "in the past" (a month of tickets with their events),
instead of writing rows behind the services' back. Production never sets it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("orders_clock", default=None)


def now() -> dt.datetime:
    return _frozen.get() or timezone.now()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, services act as if it were ``moment``."""
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
