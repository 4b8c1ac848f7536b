"""Quotes and bars: the data that crosses from providers to the store and the pages.

Prices are floats carried with the instrument's precision for display; every quote names
its provider and the time the provider says it is valid for, so stale or simulated data can
always be labelled as such.

A price may be zero or negative: crude oil futures settled at -37.63 in April 2020, spreads
and some yields go below zero. Whether a given instrument's price may is the rule of its
asset class (:func:`may_go_negative`), applied where providers' numbers come in
(``providers/convert.py``); a quote or bar itself only refuses what no market can print:
NaN, infinities and absurd magnitudes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tickerwire.instruments import AssetClass, Instrument


class Interval(StrEnum):
    M1 = "1m"
    M5 = "5m"
    H1 = "1h"
    D1 = "1d"

    @property
    def delta(self) -> timedelta:
        return {
            "1m": timedelta(minutes=1),
            "5m": timedelta(minutes=5),
            "1h": timedelta(hours=1),
            "1d": timedelta(days=1),
        }[self.value]


class PriceKind(StrEnum):
    """What sort of number a quote's price is, so a page can say so beside it.

    A daily fixing (the ECB's reference rates, the Treasury's par yields) is one official
    number a day, not a trade; an end-of-day value is a close published after the session.
    Neither is stale for being hours old, and neither should pass for a live price.
    """

    INTRADAY = "intraday"
    DAILY_FIXING = "daily_fixing"
    END_OF_DAY = "end_of_day"


MAX_MAGNITUDE = 1e12
"""No price or volume we show comes near a trillion; past it a number is a provider's bug."""

#: Asset classes whose prices can be zero or below: futures (our commodities are quoted
#: as front-month futures) and rates.
NEGATIVE_PRICE_CLASSES = frozenset({AssetClass.COMMODITY, AssetClass.RATE})


def may_go_negative(instrument: Instrument) -> bool:
    """Whether a zero or negative price of ``instrument`` can be real."""
    return instrument.asset_class in NEGATIVE_PRICE_CLASSES


class BadMarketData(ValueError):
    """A provider answered with data that cannot be a real price (NaN, infinite, absurd)."""


def _check_price(name: str, value: float | None, *, non_negative: bool = False) -> None:
    if value is None:
        return
    if not math.isfinite(value):
        raise BadMarketData(f"{name} is not a finite number: {value!r}")
    if non_negative and value < 0:
        raise BadMarketData(f"{name} cannot be negative, got {value!r}")
    if abs(value) > MAX_MAGNITUDE:
        raise BadMarketData(f"{name} is absurdly large: {value!r}")


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise BadMarketData("timestamps must be timezone-aware")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Quote:
    """The latest known price of one instrument, from one provider, at one time."""

    symbol: str
    price: float
    as_of: datetime
    provider: str
    previous_close: float | None = None
    open: float | None = None
    day_high: float | None = None
    day_low: float | None = None
    volume: float | None = None
    delayed: bool = False
    simulated: bool = False
    kind: PriceKind = PriceKind.INTRADAY
    fetched_at: datetime | None = None
    """When we received it; the failover chain stamps it from the injected clock, and a
    quote made elsewhere counts as received at ``as_of``."""

    def __post_init__(self) -> None:
        _check_price("price", self.price)
        for name in ("previous_close", "open", "day_high", "day_low"):
            _check_price(name, getattr(self, name))
        _check_price("volume", self.volume, non_negative=True)
        object.__setattr__(self, "as_of", _utc(self.as_of))
        object.__setattr__(self, "fetched_at", _utc(self.fetched_at or self.as_of))
        object.__setattr__(self, "kind", PriceKind(self.kind))  # the store gives a str

    @property
    def change(self) -> float | None:
        if self.previous_close is None:
            return None
        return self.price - self.previous_close

    @property
    def change_percent(self) -> float | None:
        if self.previous_close is None or self.previous_close == 0:
            return None
        # Against the size of the close, so a rise from -10 to -5 reads as a rise.
        return (self.price - self.previous_close) / abs(self.previous_close) * 100.0

    def with_previous_close(self, previous_close: float | None) -> Quote:
        return replace(self, previous_close=previous_close)

    def age(self, now: datetime) -> timedelta:
        return now - self.as_of


@dataclass(frozen=True, slots=True)
class Bar:
    """One OHLCV bar; ``start`` is the UTC opening time of the interval."""

    symbol: str
    interval: Interval
    start: datetime
    open: float
    high: float
    low: float
    close: float
    volume: float | None = None
    provider: str = ""

    def __post_init__(self) -> None:
        for name in ("open", "high", "low", "close"):
            _check_price(name, getattr(self, name))
        _check_price("volume", self.volume, non_negative=True)
        object.__setattr__(self, "start", _utc(self.start))
        if self.high < max(self.open, self.close, self.low) or self.low > min(
            self.open, self.close
        ):
            raise BadMarketData(
                f"inconsistent bar for {self.symbol} at {self.start.isoformat()}: "
                f"o={self.open} h={self.high} l={self.low} c={self.close}"
            )
