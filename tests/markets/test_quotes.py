"""Quotes and bars refuse data that cannot be a price, and compute change honestly."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_change_and_percent_are_against_the_previous_close() -> None:
    quote = Quote("SPX", 6060.0, NOW, "test", previous_close=6000.0)
    assert quote.change == 60.0
    assert quote.change_percent == pytest.approx(1.0)


def test_without_a_previous_close_there_is_no_change_rather_than_zero() -> None:
    quote = Quote("SPX", 6060.0, NOW, "test")
    assert quote.change is None and quote.change_percent is None


@pytest.mark.parametrize("price", [math.nan, math.inf, -1.0, 0.0, 1e15])
def test_impossible_prices_are_refused(price: float) -> None:
    with pytest.raises(BadMarketData):
        Quote("SPX", price, NOW, "test")


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(BadMarketData, match="timezone-aware"):
        Quote("SPX", 1.0, datetime(2026, 11, 20, 15, 0), "test")


def test_a_bar_whose_high_is_below_its_close_is_refused() -> None:
    with pytest.raises(BadMarketData, match="inconsistent bar"):
        Bar("SPX", Interval.D1, NOW, open=10, high=11, low=9, close=12)


def test_zero_volume_is_a_valid_observation() -> None:
    assert Quote("EURUSD", 1.05, NOW, "test", volume=0.0).volume == 0.0
