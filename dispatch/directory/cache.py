"""An in-process cache of the directory's reference rows, for the hot paths (intake, routing).

Regions and categories change a few times a year; looking one up by code on every request costs
more than the request's own work. Entries live ``DIRECTORY_CACHE_SECONDS`` (5 minutes by default);
the reference loaders clear the cache, and an administrator's edit reaches every process within the
TTL. The cached instances are shared between requests and must not be modified.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

_lock = threading.Lock()
_entries: dict[tuple[str, str], tuple[float, Any]] = {}


def cached(kind: str, key: str, load: Callable[[], T]) -> T:
    ttl = settings.DIRECTORY_CACHE_SECONDS
    if ttl <= 0:
        return load()
    now = time.monotonic()
    entry = _entries.get((kind, key))
    if entry is not None and entry[0] > now:
        return entry[1]
    value = load()
    with _lock:
        _entries[(kind, key)] = (now + ttl, value)
    return value


def directory_cache_clear() -> None:
    with _lock:
        _entries.clear()


def directory_cache_forget(kind: str, key: str) -> None:
    """Drop one entry (this process only; others follow within the TTL)."""
    with _lock:
        _entries.pop((kind, key), None)


def region_by_code(code: str) -> Any:
    """The region with this code today (following superseded codes), with its parent chain.

    Every current code is served from one index of the whole region tree, read in one query on the
    first lookup (about 8,000 rows for Beijing): a ticket's region is rarely the one before it, so a
    per-code cache would miss on most requests. Former codes go through the code history."""
    from .reads import region_get_by_code, region_index

    region = cached("region", "*", region_index).get(code)
    if region is not None:
        return region
    return cached("region", code, lambda: region_get_by_code(code))


def category_by_code(code: str) -> Any:
    """The category with this code, with its parent and grandparent (one index of the whole tree)."""
    from .reads import category_index

    return cached("category", "*", category_index).get(code)
