"""Quotes and bars refuse data that cannot be a price, and compute change honestly."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from tickerwire.instruments import Registry
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote, may_go_negative

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_change_and_percent_are_against_the_previous_close() -> None:
    quote = Quote("SPX", 6060.0, NOW, "test", previous_close=6000.0)
    assert quote.change == 60.0
    assert quote.change_percent == pytest.approx(1.0)


def test_without_a_previous_close_there_is_no_change_rather_than_zero() -> None:
    quote = Quote("SPX", 6060.0, NOW, "test")
    assert quote.change is None and quote.change_percent is None


@pytest.mark.parametrize("price", [math.nan, math.inf, -math.inf, 1e15, -1e15])
def test_impossible_prices_are_refused(price: float) -> None:
    with pytest.raises(BadMarketData):
        Quote("SPX", price, NOW, "test")


def test_a_negative_price_is_a_possible_quote_whose_asset_class_decides() -> None:
    assert Quote("CL", -37.63, NOW, "test", previous_close=18.27).price == -37.63


def test_a_rise_between_negative_prices_reads_as_a_rise() -> None:
    quote = Quote("CL", -5.0, NOW, "test", previous_close=-10.0)
    assert quote.change == 5.0 and quote.change_percent == pytest.approx(50.0)


def test_a_negative_volume_is_refused() -> None:
    with pytest.raises(BadMarketData, match="cannot be negative"):
        Quote("CL", 10.0, NOW, "test", volume=-1.0)


@pytest.mark.parametrize(("symbol", "allowed"), [("CL", True), ("TNX", True), ("SPX", False)])
def test_futures_and_rates_may_go_negative_indexes_may_not(symbol: str, allowed: bool) -> None:
    assert may_go_negative(Registry.build().get(symbol)) is allowed


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(BadMarketData, match="timezone-aware"):
        Quote("SPX", 1.0, datetime(2026, 11, 20, 15, 0), "test")


def test_a_bar_whose_high_is_below_its_close_is_refused() -> None:
    with pytest.raises(BadMarketData, match="inconsistent bar"):
        Bar("SPX", Interval.D1, NOW, open=10, high=11, low=9, close=12)


def test_zero_volume_is_a_valid_observation() -> None:
    assert Quote("EURUSD", 1.05, NOW, "test", volume=0.0).volume == 0.0
