"""The assessment math, pure: rates, the composite, ranks and periods. No ORM.

Rates are over valid callbacks (有效回访) only, as the practice computes them (domain.md §6.2):
- 响应率 response   = contacted / valid
- 解决率 resolution = resolved / valid
- 满意率 satisfaction = (satisfied + f × basically satisfied) / valid, f from the scheme (0.9 by default)
The composite is the weighted sum of the three (weights from the scheme). Units without a valid
callback have no rates and are not ranked. Everything is on a 0–100 scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Counts:
    valid: int
    contacted: int
    resolved: int
    satisfied: int
    basic: int
    unsatisfied: int = 0


@dataclass(frozen=True)
class Weights:
    response: float
    resolution: float
    satisfaction: float
    basic_factor: float

    def __post_init__(self) -> None:
        if abs(self.response + self.resolution + self.satisfaction - 1) > 1e-6:
            raise ValueError("the three weights must add up to 1")
        if not 0 <= self.basic_factor <= 1:
            raise ValueError("the basic-satisfaction factor lies between 0 and 1")


@dataclass(frozen=True)
class Rates:
    response: float | None
    resolution: float | None
    satisfaction: float | None


def rates(counts: Counts, basic_factor: float) -> Rates:
    if counts.valid <= 0:
        return Rates(None, None, None)
    if max(counts.contacted, counts.resolved, counts.satisfied + counts.basic) > counts.valid:
        raise ValueError("answers cannot outnumber valid callbacks")
    return Rates(
        response=100 * counts.contacted / counts.valid,
        resolution=100 * counts.resolved / counts.valid,
        satisfaction=100 * (counts.satisfied + basic_factor * counts.basic) / counts.valid,
    )


def composite(rates: Rates, weights: Weights) -> float | None:
    if rates.response is None or rates.resolution is None or rates.satisfaction is None:
        return None
    return (
        weights.response * rates.response
        + weights.resolution * rates.resolution
        + weights.satisfaction * rates.satisfaction
    )


def rank(scores: Mapping[K, float | None], *, precision: int = 6) -> dict[K, int | None]:
    """Competition ranking (1, 2, 2, 4), best score first; units without a score are not ranked.

    Scores equal to ``precision`` decimals share a rank, so float noise never splits a tie.
    """
    ranked = [(round(score, precision), key) for key, score in scores.items() if score is not None]
    ranked.sort(key=lambda item: -item[0])
    result: dict[K, int | None] = dict.fromkeys(scores)
    previous: float | None = None
    position = 0
    for index, (score, key) in enumerate(ranked, start=1):
        if score != previous:
            position, previous = index, score
        result[key] = position
    return result


def period_of(day: dt.date, start_day: int) -> tuple[dt.date, dt.date]:
    """The assessment period containing ``day``: [start, end). start_day 1 gives calendar months;
    start_day 19 gives 19 October – 18 November, labelled by the month it ends in."""
    if not 1 <= start_day <= 28:
        raise ValueError("a period starts on day 1 to 28")
    if day.day >= start_day:
        start = day.replace(day=start_day)
    else:
        start = _add_months(day.replace(day=1), -1).replace(day=start_day)
    return start, _add_months(start, 1)


def period_label(start: dt.date, start_day: int) -> str:
    """Calendar months by themselves (2026-11); shifted periods by the month they end in."""
    month = start if start_day == 1 else _add_months(start, 1)
    return f"{month:%Y-%m}"


def period_from_label(label: str, start_day: int) -> tuple[dt.date, dt.date]:
    """The inverse of ``period_label``: 2026-11 → [2026-11-01, 2026-12-01) for calendar months,
    [2026-10-19, 2026-11-19) when periods start on the 19th."""
    try:
        year, month = (int(part) for part in label.split("-"))
        first = dt.date(year, month, 1)
    except ValueError as error:
        raise ValueError(f"not a period label: {label!r} (expected YYYY-MM)") from error
    start = first if start_day == 1 else _add_months(first, -1).replace(day=start_day)
    return start, _add_months(start, 1)


def period_bounds(start: dt.date, end: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The period as local midnights (a day of the jurisdiction, not a UTC one)."""
    return dt.datetime.combine(start, dt.time(), tzinfo=zone), dt.datetime.combine(
        end, dt.time(), tzinfo=zone
    )


def previous_period(start: dt.date) -> tuple[dt.date, dt.date]:
    return _add_months(start, -1), start


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)
