"""四象限 (pure): complaint rate × satisfaction rate, as the practice draws it.

Each subject (a street, a district, a category) comes in with its tickets, the residents they are
counted against, and its satisfaction rate, for a period and for the previous one (the same elapsed
span when the period is unfinished). The complaint rate is tickets per 1,000 residents; each axis is cut
at the median of the subjects placed, or at a configured value. The four quadrants:

- 亮点 (bright spot): complaint rate below the line, satisfaction at or above it;
- 拐点 (turning point): complaint rate at or above the line, satisfaction at or above it — the demands
  are handled well, the next step is to make them fewer (未诉先办);
- 堵点 (blockage): complaint rate below the line, satisfaction below it — few demands, and they stick;
- 难点 (hard problem): complaint rate at or above the line, satisfaction below it.

and the four sub-classes, by the change since the previous period:

- 大治初愈: below the satisfaction line before, at or above it now;
- 大治大愈: complaint rate down by ``big_fall`` or more, satisfaction at or above the line;
- 小治小愈: complaint rate down by ``small_fall`` or more, or satisfaction up by ``rise_points`` or
  more, and neither has worsened by as much;
- 久治难愈: below the satisfaction line in both periods, without a 小治小愈 improvement.

A subject matching none of them (no previous figures, or no marked change) has no sub-class. The seed
names the quadrants and sub-classes but not their cut-offs; ours are stated in docs/insight.md and set
through ``settings.INSIGHT_QUADRANT_RULES``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

BRIGHT_SPOT = "bright_spot"  # 亮点
TURNING_POINT = "turning_point"  # 拐点
BLOCKAGE = "blockage"  # 堵点
HARD_PROBLEM = "hard_problem"  # 难点
QUADRANTS = (BRIGHT_SPOT, TURNING_POINT, BLOCKAGE, HARD_PROBLEM)

FIRST_RECOVERY = "first_recovery"  # 大治初愈
BIG_RECOVERY = "big_recovery"  # 大治大愈
SMALL_RECOVERY = "small_recovery"  # 小治小愈
CHRONIC = "chronic"  # 久治难愈
TRENDS = (FIRST_RECOVERY, BIG_RECOVERY, SMALL_RECOVERY, CHRONIC)


@dataclass(frozen=True)
class Rules:
    rate_line: float | None = None  # tickets per 1,000 residents; None: the median of the subjects
    satisfaction_line: float | None = None  # percent; None: the median of the subjects
    min_tickets: int = 5  # subjects with fewer tickets are listed but not placed
    big_fall: float = 0.20  # 大治大愈: the complaint rate fell by this share or more
    small_fall: float = 0.05  # 小治小愈: … or by this share
    rise_points: float = 1.0  # 小治小愈: … or satisfaction rose by this many points

    @classmethod
    def from_settings(cls, values: dict[str, float | None] | None) -> Rules:
        known = {k: v for k, v in (values or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Subject:
    key: str
    name: str
    tickets: int
    residents: int | None  # None: no population known, the subject cannot be placed
    satisfaction: float | None
    previous_tickets: int = 0
    previous_satisfaction: float | None = None
    residents_estimated: bool = False  # apportioned from a larger area's population

    @property
    def rate(self) -> float | None:
        return 1000 * self.tickets / self.residents if self.residents else None

    @property
    def previous_rate(self) -> float | None:
        return 1000 * self.previous_tickets / self.residents if self.residents else None


@dataclass
class Placement:
    key: str
    name: str
    tickets: int
    rate: float
    satisfaction: float
    quadrant: str
    trend: str = ""  # one of TRENDS, or "" (no previous figures or no marked change)
    rate_change: float | None = None  # share, −0.25 = a quarter fewer per 1,000 residents
    satisfaction_change: float | None = None  # points
    residents_estimated: bool = False


def _quadrant(rate: float, satisfaction: float, rate_line: float, satisfaction_line: float) -> str:
    satisfied = satisfaction >= satisfaction_line
    high = rate >= rate_line
    if satisfied:
        return TURNING_POINT if high else BRIGHT_SPOT
    return HARD_PROBLEM if high else BLOCKAGE


def _trend(s: Subject, rules: Rules, satisfaction_line: float) -> tuple[str, float | None, float | None]:
    assert s.satisfaction is not None
    if s.previous_satisfaction is None or not s.previous_tickets:
        return "", None, None
    rate, previous_rate = s.rate, s.previous_rate
    assert rate is not None
    assert previous_rate
    rate_change = (rate - previous_rate) / previous_rate
    points = s.satisfaction - s.previous_satisfaction
    satisfied_now = s.satisfaction >= satisfaction_line
    satisfied_before = s.previous_satisfaction >= satisfaction_line
    small = (rate_change <= -rules.small_fall or points >= rules.rise_points) and not (
        rate_change >= rules.small_fall or points <= -rules.rise_points
    )
    if satisfied_now and not satisfied_before:
        trend = FIRST_RECOVERY
    elif satisfied_now and rate_change <= -rules.big_fall:
        trend = BIG_RECOVERY
    elif small:
        trend = SMALL_RECOVERY
    elif not satisfied_now and not satisfied_before:
        trend = CHRONIC
    else:
        trend = ""
    return trend, round(rate_change, 4), round(points, 2)


def classify(subjects: Sequence[Subject], rules: Rules) -> tuple[list[Placement], dict[str, float]]:
    """Each placeable subject's quadrant and sub-class, with the two lines used."""
    counted = [
        s for s in subjects if s.tickets >= rules.min_tickets and s.satisfaction is not None and s.residents
    ]
    if not counted:
        return [], {}
    rates = [s.rate for s in counted if s.rate is not None]
    rate_line = rules.rate_line if rules.rate_line is not None else statistics.median(rates)
    satisfaction_line = (
        rules.satisfaction_line
        if rules.satisfaction_line is not None
        else statistics.median(s.satisfaction for s in counted if s.satisfaction is not None)
    )
    out = []
    for s in counted:
        assert s.satisfaction is not None
        assert s.rate is not None
        trend, rate_change, points = _trend(s, rules, satisfaction_line)
        out.append(
            Placement(
                key=s.key,
                name=s.name,
                tickets=s.tickets,
                rate=round(s.rate, 3),
                satisfaction=round(s.satisfaction, 2),
                quadrant=_quadrant(s.rate, s.satisfaction, rate_line, satisfaction_line),
                trend=trend,
                rate_change=rate_change,
                satisfaction_change=points,
                residents_estimated=s.residents_estimated,
            )
        )
    out.sort(key=lambda p: (QUADRANTS.index(p.quadrant), -p.rate, p.key))
    return out, {"rate": round(float(rate_line), 3), "satisfaction": round(float(satisfaction_line), 2)}
