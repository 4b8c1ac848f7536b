"""Quotes and bars: the data that crosses from providers to the store and the pages.

Prices are floats carried with the instrument's precision for display; every quote names
its provider and the time the provider says it is valid for, so stale or simulated data can
always be labelled as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum


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


class BadMarketData(ValueError):
    """A provider answered with data that cannot be a real price (NaN, <= 0, absurd)."""


def _check_price(name: str, value: float | None, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    if not math.isfinite(value):
        raise BadMarketData(f"{name} is not a finite number: {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise BadMarketData(f"{name} must be positive, got {value!r}")
    if value > 1e12:
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
    fetched_at: datetime | None = None
    """When we received it; the failover chain stamps it from the injected clock, and a
    quote made elsewhere counts as received at ``as_of``."""

    def __post_init__(self) -> None:
        _check_price("price", self.price)
        for name in ("previous_close", "open", "day_high", "day_low"):
            _check_price(name, getattr(self, name))
        _check_price("volume", self.volume, allow_zero=True)
        object.__setattr__(self, "as_of", _utc(self.as_of))
        object.__setattr__(self, "fetched_at", _utc(self.fetched_at or self.as_of))

    @property
    def change(self) -> float | None:
        if self.previous_close is None:
            return None
        return self.price - self.previous_close

    @property
    def change_percent(self) -> float | None:
        if self.previous_close is None or self.previous_close == 0:
            return None
        return (self.price - self.previous_close) / self.previous_close * 100.0

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
        _check_price("volume", self.volume, allow_zero=True)
        object.__setattr__(self, "start", _utc(self.start))
        if self.high < max(self.open, self.close, self.low) or self.low > min(
            self.open, self.close
        ):
            raise BadMarketData(
                f"inconsistent bar for {self.symbol} at {self.start.isoformat()}: "
                f"o={self.open} h={self.high} l={self.low} c={self.close}"
            )
