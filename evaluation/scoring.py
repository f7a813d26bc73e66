"""The assessment math, pure: which callbacks count, rates, further indicators, the composite,
ranks and periods. No ORM.

Rates are over valid callbacks (有效回访) only, as the practice computes them (domain.md §6.2):
- 响应率 response   = contacted / valid
- 解决率 resolution = (resolved + g × basically resolved) / valid, g from the scheme
- 满意率 satisfaction = (satisfied + f × basically satisfied) / valid, f from the scheme (0.9 by default)

Which callbacks count (``tally``), by the scheme's options:
- exempt tickets (不纳入考评) never;
- of a caller's repeated demands on one category within N days, only the latest (``superseded``
  marks the earlier ones);
- the round that closed the ticket only, or every valid round when rework rounds count.

The composite is the weighted sum of the three rates and of any further indicators the scheme
weighs (on-time sign-for and handling, first-time resolution, first contact, whistle reports and the
streets' rating of them). A further indicator a unit has no value for (a department never summoned)
gives its weight to the others in proportion. Units without a valid callback have no rates and are
not ranked. Everything is on a 0–100 scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


# Further indicators a scheme may weigh (0–100 each), besides the three rates.
EXTRA_INDICATORS = (
    "sign_on_time",  # 按时签收率
    "handle_on_time",  # 按时办结率
    "first_time_resolution",  # 一次解决率
    "first_contact_on_time",  # 先行联系及时率
    "whistle_report_on_time",  # 吹哨报到及时率（部门）
    "whistle_rating",  # 街乡对报到部门的评价（部门，5分制折算百分）
)


@dataclass(frozen=True)
class Counts:
    valid: int
    contacted: int
    resolved: int
    satisfied: int
    basic: int
    unsatisfied: int = 0
    basic_resolved: int = 0
    first_time_resolved: int = 0


@dataclass(frozen=True)
class Weights:
    response: float
    resolution: float
    satisfaction: float
    basic_factor: float
    basic_resolved_factor: float = 0.0
    extra: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(w < 0 for w in (self.response, self.resolution, self.satisfaction, *self.extra.values())):
            raise ValueError("weights are not negative")
        total = self.response + self.resolution + self.satisfaction + sum(self.extra.values())
        if abs(total - 1) > 1e-6:
            raise ValueError("the weights must add up to 1")
        if not 0 <= self.basic_factor <= 1 or not 0 <= self.basic_resolved_factor <= 1:
            raise ValueError("the 'basically' factors lie between 0 and 1")
        unknown = set(self.extra) - set(EXTRA_INDICATORS)
        if unknown:
            raise ValueError(f"unknown indicators: {sorted(unknown)}")


@dataclass(frozen=True)
class Rates:
    response: float | None
    resolution: float | None
    satisfaction: float | None
    first_time_resolution: float | None = None


def rates(counts: Counts, basic_factor: float, basic_resolved_factor: float = 0.0) -> Rates:
    if counts.valid <= 0:
        return Rates(None, None, None)
    resolved_any = counts.resolved + counts.basic_resolved
    if max(counts.contacted, resolved_any, counts.satisfied + counts.basic) > counts.valid:
        raise ValueError("answers cannot outnumber valid callbacks")
    return Rates(
        response=100 * counts.contacted / counts.valid,
        resolution=100 * (counts.resolved + basic_resolved_factor * counts.basic_resolved) / counts.valid,
        satisfaction=100 * (counts.satisfied + basic_factor * counts.basic) / counts.valid,
        first_time_resolution=100 * counts.first_time_resolved / counts.valid,
    )


def composite(
    rates: Rates, weights: Weights, extra: Mapping[str, float | None] | None = None
) -> float | None:
    """The weighted sum; a weighed further indicator without a value gives its weight to the rest."""
    if rates.response is None or rates.resolution is None or rates.satisfaction is None:
        return None
    values: dict[str, float | None] = {
        "response": rates.response,
        "resolution": rates.resolution,
        "satisfaction": rates.satisfaction,
        **{key: (extra or {}).get(key) for key in weights.extra},
    }
    if "first_time_resolution" in weights.extra and values["first_time_resolution"] is None:
        values["first_time_resolution"] = rates.first_time_resolution
    weighed = {
        "response": weights.response,
        "resolution": weights.resolution,
        "satisfaction": weights.satisfaction,
        **weights.extra,
    }
    present = {key: w for key, w in weighed.items() if values[key] is not None}
    total = sum(present.values())
    if total <= 0:
        return None
    return sum(w * float(values[key] or 0) for key, w in present.items()) / total


# ------------------------------------------------------------------------- which callbacks count


@dataclass(frozen=True)
class CallbackFact:
    """One callback round as the assessment sees it."""

    unit: int
    round: int
    is_final: bool
    valid: bool
    unreachable: bool
    exempt: bool
    superseded: bool  # a later ticket of the same caller and category within the repeat window
    contacted: bool | None
    resolution: str  # "resolved" | "basic" | "unresolved" | ""
    satisfaction: str  # "satisfied" | "basic" | "unsatisfied" | ""
    contradicts: bool = False
    count: int = 1  # rounds alike in every field above (the database groups them)


@dataclass
class Tally:
    callbacks: int = 0
    valid: int = 0
    unreachable: int = 0
    exempt: int = 0
    repeats: int = 0
    contacted: int = 0
    resolved: int = 0
    basic_resolved: int = 0
    first_time_resolved: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    contradictions: int = 0

    def counts(self) -> Counts:
        return Counts(
            valid=self.valid,
            contacted=self.contacted,
            resolved=self.resolved,
            satisfied=self.satisfied,
            basic=self.basic,
            unsatisfied=self.unsatisfied,
            basic_resolved=self.basic_resolved,
            first_time_resolved=self.first_time_resolved,
        )


def tally(facts: Iterable[CallbackFact], *, count_rework_rounds: bool) -> dict[int, Tally]:
    """Counts per unit from its callback rounds, as the scheme's options say."""
    out: dict[int, Tally] = {}
    for f in facts:
        if not (f.is_final or (count_rework_rounds and f.valid)):
            continue
        n = f.count
        t = out.setdefault(f.unit, Tally())
        t.callbacks += n
        if f.exempt:
            t.exempt += n
            continue
        if f.superseded:
            t.repeats += n
            continue
        if f.unreachable:
            t.unreachable += n
        if not f.valid:
            continue
        t.valid += n
        t.contacted += n * (f.contacted is True)
        t.resolved += n * (f.resolution == "resolved")
        t.basic_resolved += n * (f.resolution == "basic")
        t.first_time_resolved += n * (f.round == 0 and f.is_final and f.resolution == "resolved")
        t.satisfied += n * (f.satisfaction == "satisfied")
        t.basic += n * (f.satisfaction == "basic")
        t.unsatisfied += n * (f.satisfaction == "unsatisfied")
        t.contradictions += n * f.contradicts
    return out


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
