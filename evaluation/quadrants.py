"""四象限 (pure): bright spots, hard problems, blockages and turning points.

Each subject (a street, a district, a category) comes in with its volume and satisfaction rate for
a period and the previous one. Volume is "high" at or above the group's median volume; satisfaction
is "low" below ``satisfaction_line`` (or the group's median when that is None). Rules and thresholds
are documented in docs/insight.md and configurable through ``settings.INSIGHT_QUADRANT_RULES``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

BRIGHT_SPOT = "bright_spot"  # 亮点: much work, well satisfied
HARD_PROBLEM = "hard_problem"  # 难点: much work, poorly satisfied
BLOCKAGE = "blockage"  # 堵点: little work, yet poorly satisfied — stuck
STEADY = "steady"  # little work, well satisfied
TURNING_POINT = "turning_point"  # 拐点: satisfaction or volume turned sharply since last period


@dataclass(frozen=True)
class Rules:
    satisfaction_line: float | None = 90.0  # None: the group's median
    min_volume: int = 5  # subjects with fewer tickets are not classified
    turn_satisfaction_points: float = 8.0  # a change of this many points is a turning point
    turn_volume_share: float = 0.4  # or a volume change of this share (40%)
    turn_min_volume: int = 10  # volume turns count only from this many tickets (either period)

    @classmethod
    def from_settings(cls, values: dict[str, float | None] | None) -> Rules:
        known = {k: v for k, v in (values or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Subject:
    key: str
    name: str
    volume: int
    satisfaction: float | None
    previous_volume: int = 0
    previous_satisfaction: float | None = None


@dataclass
class Placement:
    key: str
    name: str
    volume: int
    satisfaction: float | None
    quadrant: str
    turning: str = ""  # "", "improving" or "worsening"
    reasons: list[str] = field(default_factory=list)


def classify(subjects: Sequence[Subject], rules: Rules) -> tuple[list[Placement], dict[str, float]]:
    """Each subject's quadrant (and turning point), with the axes used."""
    counted = [s for s in subjects if s.volume >= rules.min_volume and s.satisfaction is not None]
    if not counted:
        return [], {}
    volume_line = statistics.median(s.volume for s in counted)
    satisfaction_line = (
        rules.satisfaction_line
        if rules.satisfaction_line is not None
        else statistics.median(s.satisfaction for s in counted if s.satisfaction is not None)
    )
    out = []
    for s in counted:
        assert s.satisfaction is not None
        high = s.volume >= volume_line
        satisfied = s.satisfaction >= satisfaction_line
        quadrant = (
            (BRIGHT_SPOT if satisfied else HARD_PROBLEM) if high else (STEADY if satisfied else BLOCKAGE)
        )
        placement = Placement(s.key, s.name, s.volume, round(s.satisfaction, 2), quadrant)
        if s.previous_satisfaction is not None:
            delta = s.satisfaction - s.previous_satisfaction
            if abs(delta) >= rules.turn_satisfaction_points:
                placement.turning = "improving" if delta > 0 else "worsening"
                placement.reasons.append(f"satisfaction {delta:+.1f} points")
        if max(s.volume, s.previous_volume) >= rules.turn_min_volume and s.previous_volume:
            share = (s.volume - s.previous_volume) / s.previous_volume
            if abs(share) >= rules.turn_volume_share:
                # fewer tickets is an improvement, more is a worsening — unless satisfaction says otherwise
                direction = "improving" if share < 0 else "worsening"
                placement.turning = placement.turning or direction
                placement.reasons.append(f"volume {100 * share:+.0f}%")
        out.append(placement)
    out.sort(key=lambda p: (p.quadrant, -p.volume, p.key))
    return out, {"volume": float(volume_line), "satisfaction": float(satisfaction_line)}
