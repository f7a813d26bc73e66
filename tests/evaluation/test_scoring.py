"""The assessment math as a table, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.scoring import (
    Counts,
    Rates,
    Weights,
    composite,
    period_from_label,
    period_label,
    period_of,
    previous_period,
    rank,
    rates,
)

W = Weights(response=0.10, resolution=0.45, satisfaction=0.45, basic_factor=0.9)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (Counts(10, 10, 10, 10, 0), (100.0, 100.0, 100.0)),
        (Counts(10, 9, 6, 5, 3, 2), (90.0, 60.0, 77.0)),  # (5 + 0.9×3) / 10
        (Counts(4, 4, 1, 0, 4), (100.0, 25.0, 90.0)),  # all basically satisfied
        (Counts(3, 0, 0, 0, 0, 3), (0.0, 0.0, 0.0)),
        (Counts(0, 0, 0, 0, 0), (None, None, None)),  # no valid callback: no rates
    ],
)
def test_rates(counts: Counts, expected: tuple[float | None, ...]) -> None:
    got = rates(counts, 0.9)
    values = (got.response, got.resolution, got.satisfaction)
    if expected[0] is None:
        assert values == expected
    else:
        assert values == pytest.approx(expected)


def test_rates_refuse_impossible_counts() -> None:
    with pytest.raises(ValueError, match="outnumber"):
        rates(Counts(2, 3, 0, 0, 0), 0.9)


@pytest.mark.parametrize(
    ("weights", "given", "expected"),
    [
        (W, Rates(90, 60, 77), 0.10 * 90 + 0.45 * 60 + 0.45 * 77),  # 70.65
        (Weights(0.1, 0.5, 0.4, 0.9), Rates(90, 60, 77), 9 + 30 + 30.8),  # 10/50/40 variant
        (W, Rates(None, None, None), None),
    ],
)
def test_composite(weights: Weights, given: Rates, expected: float | None) -> None:
    assert composite(given, weights) == (pytest.approx(expected) if expected is not None else None)


def test_weights_must_add_up() -> None:
    with pytest.raises(ValueError, match="add up"):
        Weights(0.2, 0.45, 0.45, 0.9)
    with pytest.raises(ValueError, match="factor"):
        Weights(0.1, 0.45, 0.45, 1.5)


def test_rank_is_competition_ranking_and_skips_the_unscored() -> None:
    ranks = rank({"a": 90.0, "b": 95.5, "c": 90.0, "d": None, "e": 80.0, "f": 90.0000000001})
    assert ranks == {"b": 1, "a": 2, "c": 2, "f": 2, "e": 5, "d": None}


@pytest.mark.parametrize(
    ("day", "start_day", "start", "end", "label"),
    [
        (dt.date(2026, 11, 22), 1, dt.date(2026, 11, 1), dt.date(2026, 12, 1), "2026-11"),
        (dt.date(2026, 12, 31), 1, dt.date(2026, 12, 1), dt.date(2027, 1, 1), "2026-12"),
        (dt.date(2026, 11, 22), 19, dt.date(2026, 11, 19), dt.date(2026, 12, 19), "2026-12"),
        (dt.date(2026, 11, 18), 19, dt.date(2026, 10, 19), dt.date(2026, 11, 19), "2026-11"),
        (dt.date(2027, 1, 5), 19, dt.date(2026, 12, 19), dt.date(2027, 1, 19), "2027-01"),
    ],
)
def test_periods(day: dt.date, start_day: int, start: dt.date, end: dt.date, label: str) -> None:
    assert period_of(day, start_day) == (start, end)
    assert period_label(start, start_day) == label
    assert period_from_label(label, start_day) == (start, end)


def test_previous_period() -> None:
    assert previous_period(dt.date(2026, 1, 19)) == (dt.date(2025, 12, 19), dt.date(2026, 1, 19))
    with pytest.raises(ValueError, match="day 1 to 28"):
        period_of(dt.date(2026, 1, 1), 30)


def test_bad_labels() -> None:
    for label in ("2026-13", "26", "x-y"):
        with pytest.raises(ValueError, match="period label"):
            period_from_label(label, 1)
