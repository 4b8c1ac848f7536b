"""Cleaning providers' numbers and times, and building bars from samples."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickerwire.markets.providers.convert import (
    ascending,
    day_start,
    from_epoch,
    local_day_start,
    make_bar,
    non_negative,
    positive,
    resample,
)
from tickerwire.markets.quotes import Bar, Interval

T0 = datetime(2024, 11, 22, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, "N/D", "", float("nan"), float("inf"), 0, -1.5, True, []])
def test_positive_refuses_what_cannot_be_a_price(value: object) -> None:
    assert positive(value) is None


@pytest.mark.parametrize(("value", "expected"), [(5969.34, 5969.34), ("1.0418", 1.0418), (7, 7.0)])
def test_positive_accepts_numbers_and_numeric_text(value: object, expected: float) -> None:
    assert positive(value) == expected


def test_non_negative_keeps_a_zero_volume() -> None:
    assert non_negative(0) == 0.0
    assert non_negative(-1) is None


def test_from_epoch_gives_utc_and_refuses_garbage() -> None:
    assert from_epoch(1732309200) == datetime(2024, 11, 22, 21, 0, tzinfo=UTC)
    assert from_epoch("soon") is None
    assert from_epoch(1e30) is None


def test_a_daily_bar_starts_at_midnight_utc_of_the_exchange_trading_date() -> None:
    late_in_tokyo = datetime(2024, 11, 21, 23, 30, tzinfo=UTC)
    assert local_day_start(late_in_tokyo, ZoneInfo("Asia/Tokyo")) == day_start(date(2024, 11, 22))


def test_make_bar_refuses_inconsistent_or_missing_prices() -> None:
    assert make_bar("SPX", Interval.D1, T0, (10, 9, 8, 11), None, "p") is None
    assert make_bar("SPX", Interval.D1, T0, (10, None, 8, 9), None, "p") is None


def test_ascending_orders_bars_and_keeps_one_per_start() -> None:
    later = Bar("SPX", Interval.M1, T0 + timedelta(minutes=1), 1, 2, 1, 2)
    first = Bar("SPX", Interval.M1, T0, 1, 1, 1, 1)
    revised = Bar("SPX", Interval.M1, T0, 1, 3, 1, 3)
    assert ascending([later, first, revised]) == [revised, later]


def test_resample_builds_ohlc_per_interval_bucket() -> None:
    samples = [(T0 + timedelta(minutes=15 * n), price) for n, price in enumerate([5, 7, 4, 6, 8])]
    bars = resample("BTCUSD", Interval.H1, reversed(samples), "p")
    assert [(b.start, b.open, b.high, b.low, b.close) for b in bars] == [
        (T0, 5, 7, 4, 6),
        (T0 + timedelta(hours=1), 8, 8, 8, 8),
    ]
