"""Early-warning rules (pure): when counts are a surge, a cluster, a caller at risk.

Thresholds come in as a ``Rules`` value (from ``settings.INSIGHT_WARNING_RULES``); documented in
docs/insight.md. Counts come from SQL aggregates — this module never sees a ticket.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    # surge (激增): a category's tickets in one street in the recent window against its own
    # trailing baseline
    surge_window_days: int = 3
    surge_baseline_days: int = 28
    surge_min_count: int = 5
    surge_ratio: float = 3.0  # at least this many times the expected count
    surge_z: float = 3.0  # and this many Poisson standard deviations above it
    surge_floor: float = 0.5  # the expected count is never taken below this (new problems)
    # cluster (聚集): tickets of one category in one community (or ~500 m cell) within days
    cluster_window_days: int = 3
    cluster_min_count: int = 5
    # caller at risk (重复未解决): tickets in a window with unresolved or unsatisfied callbacks
    caller_window_days: int = 30
    caller_min_tickets: int = 3
    caller_min_unresolved: int = 2

    @classmethod
    def from_settings(cls, values: dict[str, float] | None) -> Rules:
        known = {k: v for k, v in (values or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SurgeVerdict:
    is_surge: bool
    expected: float
    z: float


def surge(recent: int, baseline_total: int, rules: Rules) -> SurgeVerdict:
    """Is ``recent`` (tickets in the window) a surge over ``baseline_total`` (tickets in the
    baseline period before it)? The expected count scales the baseline to the window; the spread is
    the Poisson one (√expected)."""
    expected = max(rules.surge_floor, baseline_total * rules.surge_window_days / rules.surge_baseline_days)
    z = (recent - expected) / math.sqrt(expected)
    flagged = (
        recent >= rules.surge_min_count and recent >= rules.surge_ratio * expected and z >= rules.surge_z
    )
    return SurgeVerdict(flagged, round(expected, 2), round(z, 2))


def is_cluster(count: int, rules: Rules) -> bool:
    return count >= rules.cluster_min_count


def caller_at_risk(tickets: int, unresolved: int, rules: Rules) -> bool:
    return tickets >= rules.caller_min_tickets and unresolved >= rules.caller_min_unresolved
