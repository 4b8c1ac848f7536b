"""Turning providers' loose numbers and times into values a Quote or Bar will accept.

Provider payloads carry nulls, NaN, strings such as ``N/D`` and the odd negative price.
These helpers return ``None`` for anything that cannot be a real value (a negative price is
real only for an instrument that :func:`~tickerwire.markets.quotes.may_go_negative`), so
each provider decides in one place whether a missing value drops a field, a bar or a whole
symbol. Daily
bars from every provider start at midnight UTC of their trading date, the same key the
store uses when it folds quotes into daily bars, so two providers' bars for one day
upsert onto one row instead of two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, tzinfo

from tickerwire.instruments import Instrument
from tickerwire.markets.quotes import MAX_MAGNITUDE, BadMarketData, Bar, Interval, may_go_negative


def positive(value: object) -> float | None:
    """A finite price above zero, or None for null, NaN, text, zero and negatives."""
    number = _number(value)
    return number if number is not None and number > 0 else None


def price_of(value: object, instrument: Instrument) -> float | None:
    """A price ``instrument`` can really have: above zero, or any finite one within the
    magnitude limit when its asset class allows negative prices (futures, rates)."""
    if not may_go_negative(instrument):
        return positive(value)
    number = _number(value)
    return number if number is not None and abs(number) <= MAX_MAGNITUDE else None


def non_negative(value: object) -> float | None:
    """A finite volume of zero or more, or None."""
    number = _number(value)
    return number if number is not None and number >= 0 else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def from_epoch(value: object) -> datetime | None:
    """A UTC time from epoch seconds, or None when the value is not a plausible time."""
    number = _number(value)
    if number is None or number <= 0:
        return None
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def day_start(day: date) -> datetime:
    """The start of a daily bar: midnight UTC of its trading date."""
    return datetime.combine(day, time(), tzinfo=UTC)


def local_day_start(moment: datetime, zone: tzinfo) -> datetime:
    """The daily-bar start for a moment, judged by the trading date in the exchange's zone."""
    return day_start(moment.astimezone(zone).date())


def make_bar(
    symbol: str,
    interval: Interval,
    start: datetime,
    ohlc: tuple[object, object, object, object],
    volume: object,
    provider: str,
    instrument: Instrument | None = None,
) -> Bar | None:
    """A valid bar, or None when any price is missing or the four do not fit together.
    With ``instrument``, prices below zero are kept where its asset class allows them."""
    prices = [positive(v) if instrument is None else price_of(v, instrument) for v in ohlc]
    open_, high, low, close = prices
    if open_ is None or high is None or low is None or close is None:
        return None
    try:
        return Bar(
            symbol=symbol,
            interval=interval,
            start=start,
            open=open_,
            high=high,
            low=low,
            close=close,
            volume=non_negative(volume),
            provider=provider,
        )
    except BadMarketData:
        return None


def ascending(bars: Iterable[Bar]) -> list[Bar]:
    """Bars in time order, one per start (the last one seen wins, as providers append)."""
    by_start = {bar.start: bar for bar in bars}
    return [by_start[start] for start in sorted(by_start)]


def resample(
    symbol: str,
    interval: Interval,
    points: Iterable[tuple[datetime, float]],
    provider: str,
) -> list[Bar]:
    """OHLC bars from a series of (time, price) samples, one bar per interval bucket.

    Buckets are aligned on the epoch, so daily buckets start at midnight UTC. A bucket's
    volume stays unknown: the samples are prices only.
    """
    seconds = int(interval.delta.total_seconds())
    buckets: dict[int, list[float]] = {}
    for moment, price in sorted(points, key=lambda point: point[0]):
        epoch = int(moment.timestamp())
        buckets.setdefault(epoch - epoch % seconds, []).append(price)
    bars = (
        make_bar(
            symbol,
            interval,
            datetime.fromtimestamp(bucket, tz=UTC),
            (prices[0], max(prices), min(prices), prices[-1]),
            None,
            provider,
        )
        for bucket, prices in sorted(buckets.items())
    )
    return [bar for bar in bars if bar is not None]
