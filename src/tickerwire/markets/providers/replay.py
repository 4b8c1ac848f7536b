"""A replay provider: plays historical daily bars back from CSV files, for demos and research.

One file per instrument, ``<SYMBOL>.csv`` (or ``.csv.gz``) in the replay folder, with a
date column and open/high/low/close/volume columns (any case, any order). A file with a
single value column (as FRED publishes) is read as closes. Empty cells and FRED's ``.``
mean "no quote that day" and are skipped.

Replay time runs from the first bar at ``speed`` replayed seconds per real second and stops
at the last bar. Quotes keep their historical dates, so pages show them as a replay of that
day, never as today's market.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from tickerwire.instruments import Instrument
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote
from tickerwire.types import Clock, utc_now

NAME = "replay"
_DATE_COLUMNS = ("date", "data", "timestamp", "time", "day")
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")


def _parse_date(text: str) -> date:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"unrecognised date {text!r}") from None


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    text = text.strip()
    if text in ("", ".", "N/A", "null", "NaN", "nan"):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def read_bars(path: Path, symbol: str) -> list[Bar]:
    """Daily bars from one CSV file, oldest first; bad rows are skipped, not fatal."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig", errors="replace")))
    header = [h.strip().lower() for h in next(reader, [])]
    if not header:
        raise ValueError(f"{path}: empty file")
    date_col = next((i for i, h in enumerate(header) if h in _DATE_COLUMNS), 0)
    columns = {
        name: header.index(name)
        for name in ("open", "high", "low", "close", "volume")
        if name in header
    }
    if "close" not in columns:
        values = [i for i in range(len(header)) if i != date_col and header[i] != "adj close"]
        if len(values) != 1:
            raise ValueError(f"{path}: no close column in {header}")
        columns = {"close": values[0]}
    by_day: dict[date, Bar] = {}
    for row in reader:
        try:
            day = _parse_date(row[date_col])
            cells = {name: _number(row[i]) if i < len(row) else None for name, i in columns.items()}
            close = cells["close"]
            if close is None:
                continue
            open_ = cells.get("open") or close
            high = max(cells.get("high") or close, open_, close)
            low = min(cells.get("low") or close, open_, close)
            by_day[day] = Bar(
                symbol=symbol,
                interval=Interval.D1,
                start=datetime.combine(day, time(0), tzinfo=UTC),
                open=open_,
                high=high,
                low=low,
                close=close,
                volume=cells.get("volume"),
                provider=NAME,
            )
        except (ValueError, IndexError, BadMarketData):
            continue
    return [by_day[d] for d in sorted(by_day)]


class ReplayProvider:
    """Implements :class:`~tickerwire.markets.providers.base.Provider` from CSV files."""

    name = NAME
    simulated = False

    def __init__(self, folder: Path, *, speed: float = 60.0, clock: Clock = utc_now) -> None:
        if not folder.is_dir():
            raise ProviderError(NAME, f"replay folder {folder} does not exist")
        self.folder = folder
        self.speed = speed
        self._clock = clock
        self._started = clock()
        self._series: dict[str, list[Bar]] = {}

    def _file(self, symbol: str) -> Path | None:
        for suffix in (".csv", ".csv.gz"):
            for name in (symbol, symbol.lower()):
                candidate = self.folder / f"{name}{suffix}"
                if candidate.is_file():
                    return candidate
        return None

    def supports(self, instrument: Instrument) -> bool:
        return self._file(instrument.symbol) is not None

    def series(self, symbol: str) -> list[Bar]:
        if symbol not in self._series:
            path = self._file(symbol)
            if path is None:
                raise ProviderError(NAME, f"no replay file for {symbol} in {self.folder}")
            try:
                self._series[symbol] = read_bars(path, symbol)
            except (OSError, ValueError) as error:
                raise ProviderError(NAME, str(error)) from error
        return self._series[symbol]

    def replay_time(self, bars: Sequence[Bar]) -> datetime:
        elapsed = (self._clock() - self._started).total_seconds() * self.speed
        return bars[0].start + timedelta(seconds=elapsed)

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        result: dict[str, Quote] = {}
        for instrument in instruments:
            if not self.supports(instrument):
                continue
            bars = self.series(instrument.symbol)
            if not bars:
                continue
            starts = [b.start for b in bars]
            index = max(0, bisect.bisect_right(starts, self.replay_time(bars)) - 1)
            bar = bars[index]
            result[instrument.symbol] = Quote(
                symbol=instrument.symbol,
                price=bar.close,
                as_of=bar.start,
                provider=NAME,
                previous_close=bars[index - 1].close if index > 0 else None,
                open=bar.open,
                day_high=bar.high,
                day_low=bar.low,
                volume=bar.volume,
                fetched_at=self._clock(),
            )
        return result

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        if interval is not Interval.D1 or not self.supports(instrument):
            return []
        return [b for b in self.series(instrument.symbol) if start <= b.start < end]

    async def aclose(self) -> None:
        return None
