"""Early-warning rules (pure): when counts are a surge, a cluster, a caller at risk.

Thresholds come in as a ``Rules`` value (from ``settings.INSIGHT_WARNING_RULES``); documented in
docs/insight.md. Counts come from SQL aggregates — this module never sees a ticket.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


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
    # caller at risk (重复未解决): tickets in a window with unresolved or unsatisfied callbacks …
    caller_window_days: int = 30
    caller_min_tickets: int = 3
    caller_min_unresolved: int = 2
    # … or one unresolved or unsatisfied callback in a high-risk category (wages owed, labour
    # disputes, threats and extreme demands, group demands: code prefixes of the catalog) …
    caller_high_risk_categories: tuple[str, ...] = ("030201", "030202", "0704")
    # … or repeated contact over a longer window, whatever the callbacks said
    caller_long_window_days: int = 90
    caller_long_min_tickets: int = 4

    @classmethod
    def from_settings(cls, values: dict[str, Any] | None) -> Rules:
        known = {k: v for k, v in (values or {}).items() if k in cls.__dataclass_fields__}
        if "caller_high_risk_categories" in known:
            known["caller_high_risk_categories"] = tuple(known["caller_high_risk_categories"])
        return cls(**known)


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


REPEATED_UNRESOLVED = "repeated_unresolved"
HIGH_RISK_UNHAPPY = "high_risk_unhappy"
LONG_REPEAT = "long_repeat"


def caller_at_risk(
    tickets: int, unresolved: int, rules: Rules, *, high_risk_unhappy: int = 0, long_tickets: int = 0
) -> list[str]:
    """Why a caller is at risk (empty: not at risk). ``tickets`` and ``unresolved`` count the short
    window; ``high_risk_unhappy`` the short window's tickets of a high-risk category called back
    unresolved or unsatisfied; ``long_tickets`` the long window's tickets."""
    reasons = []
    if tickets >= rules.caller_min_tickets and unresolved >= rules.caller_min_unresolved:
        reasons.append(REPEATED_UNRESOLVED)
    if high_risk_unhappy >= 1:
        reasons.append(HIGH_RISK_UNHAPPY)
    if long_tickets >= rules.caller_long_min_tickets:
        reasons.append(LONG_REPEAT)
    return reasons
