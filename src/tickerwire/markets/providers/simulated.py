"""A simulated provider: a seeded random walk from realistic levels, for the offline demo.

The price is a pure function of (seed, symbol, time): a mean-reverting walk of daily levels
joined minute by minute by a Brownian bridge. So a restart, a second process or a history
request all see the same path, and the demo behaves like a market (sessions, closes,
previous closes) without any network. Every quote it makes says ``simulated=True``; pages
label it SIMULATED, and the config refuses to mix it with real providers.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

import numpy as np

from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets import calendar
from tickerwire.markets.quotes import Bar, Interval, Quote
from tickerwire.types import Clock, utc_now

NAME = "simulated"
_ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)
_MINUTES_PER_DAY = 1440

#: Daily volatility of the level and of the intraday wiggle, per asset class.
_DAILY_VOL: dict[AssetClass, float] = {
    AssetClass.INDEX: 0.010,
    AssetClass.EQUITY: 0.018,
    AssetClass.COMMODITY: 0.015,
    AssetClass.CURRENCY: 0.005,
    AssetClass.RATE: 0.012,
    AssetClass.CRYPTO: 0.030,
    AssetClass.VOLATILITY: 0.060,
}
_MEAN_REVERSION = 0.02


def _symbol_seed(seed: int, symbol: str) -> int:
    return (seed * 1_000_003 + zlib.crc32(symbol.encode())) % 2**32


@lru_cache(maxsize=64)
def _daily_levels(seed: int, symbol: str, vol: float, days: int) -> np.ndarray:
    """Log-levels relative to the start price, one per UTC day since the anchor."""
    shocks = np.random.default_rng(_symbol_seed(seed, symbol)).standard_normal(days + 1) * vol
    levels = np.empty(days + 1)
    level = 0.0
    for day, shock in enumerate(shocks):
        level = level * (1 - _MEAN_REVERSION) + shock
        levels[day] = level
    return levels


@lru_cache(maxsize=256)
def _bridge(seed: int, symbol: str, day: int, vol: float) -> np.ndarray:
    """Intraday deviation for each minute of one UTC day, zero at both ends."""
    rng = np.random.default_rng([_symbol_seed(seed, symbol), day])
    steps = rng.standard_normal(_MINUTES_PER_DAY) * (vol / np.sqrt(_MINUTES_PER_DAY))
    walk = np.concatenate(([0.0], np.cumsum(steps)))
    ramp = np.linspace(0.0, 1.0, _MINUTES_PER_DAY + 1)
    bridge: np.ndarray = walk - ramp * walk[-1]
    return bridge


class SimulatedProvider:
    """Implements :class:`~tickerwire.markets.providers.base.Provider` with no network."""

    name = NAME
    simulated = True

    def __init__(self, seed: int, *, clock: Clock = utc_now) -> None:
        self.seed = seed
        self._clock = clock
        self._levels_days = 0

    def supports(self, instrument: Instrument) -> bool:
        return True

    def _levels(self, instrument: Instrument, last_day: int) -> np.ndarray:
        # Extend the cached daily walk in ten-year steps so most calls reuse one array.
        self._levels_days = max(self._levels_days, (last_day // 3650 + 1) * 3650 + 1)
        vol = _DAILY_VOL[instrument.asset_class]
        return _daily_levels(self.seed, instrument.symbol, vol, self._levels_days)

    def path(self, instrument: Instrument, start: datetime, end: datetime) -> np.ndarray:
        """Prices for every whole minute from ``start`` to ``end``, both included."""
        vol = _DAILY_VOL[instrument.asset_class]
        first = int((start - _ANCHOR).total_seconds() // 60)
        last = max(first, int((end - _ANCHOR).total_seconds() // 60))
        levels = self._levels(instrument, last // _MINUTES_PER_DAY + 1)
        pieces = []
        for day in range(first // _MINUTES_PER_DAY, last // _MINUTES_PER_DAY + 1):
            lo = max(first - day * _MINUTES_PER_DAY, 0)
            hi = min(last - day * _MINUTES_PER_DAY, _MINUTES_PER_DAY - 1)
            minutes = np.arange(lo, hi + 1)
            trend = levels[day] + (levels[day + 1] - levels[day]) * minutes / _MINUTES_PER_DAY
            pieces.append(trend + _bridge(self.seed, instrument.symbol, day, vol)[lo : hi + 1])
        start_price = instrument.start_price or 100.0
        prices: np.ndarray = np.round(
            start_price * np.exp(np.concatenate(pieces)), instrument.precision + 2
        )
        return prices

    def price_at(self, instrument: Instrument, moment: datetime) -> float:
        return float(self.path(instrument, moment, moment)[-1])

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        now = self._clock().replace(second=0, microsecond=0)
        result: dict[str, Quote] = {}
        for instrument in instruments:
            opens, closes = calendar.current_or_last_session(instrument.calendar, now)
            as_of = min(now, closes)
            path = self.path(instrument, opens, as_of)
            previous = calendar.previous_session_close(instrument.calendar, now)
            result[instrument.symbol] = Quote(
                symbol=instrument.symbol,
                price=float(path[-1]),
                as_of=as_of,
                provider=self.name,
                previous_close=self.price_at(instrument, previous) if previous else None,
                open=float(path[0]),
                day_high=float(path.max()),
                day_low=float(path.min()),
                simulated=True,
                fetched_at=self._clock(),
            )
        return result

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        bars: list[Bar] = []
        end = min(end, self._clock())
        for session in calendar.sessions_between(instrument.calendar, start, end):
            closes = min(session.close, end)
            if interval is Interval.D1:
                day = datetime.combine(session.date, time(0), tzinfo=UTC)
                bars.append(
                    self._bar(
                        instrument, interval, day, self.path(instrument, session.open, closes)
                    )
                )
                continue
            step = interval.delta
            moment = max(session.open, start)
            moment -= timedelta(
                seconds=(moment - session.open).total_seconds() % step.total_seconds()
            )
            if moment >= closes:
                continue
            # One path for the whole stretch, sliced into bars: minute i is path[i].
            path = self.path(instrument, moment, closes)
            minutes = int(step.total_seconds() // 60)
            for first in range(0, len(path) - 1, minutes):
                piece = path[first : first + minutes + 1]
                bar_start = moment + timedelta(minutes=first)
                bars.append(self._bar(instrument, interval, bar_start, piece))
        return bars

    def _bar(
        self, instrument: Instrument, interval: Interval, start: datetime, path: np.ndarray
    ) -> Bar:
        return Bar(
            symbol=instrument.symbol,
            interval=interval,
            start=start,
            open=float(path[0]),
            high=float(path.max()),
            low=float(path.min()),
            close=float(path[-1]),
            volume=None,
            provider=self.name,
        )

    async def aclose(self) -> None:
        return None
