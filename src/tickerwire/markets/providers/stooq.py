"""Stooq through its CSV endpoints: latest quotes (``/q/l/``) and daily history (``/q/d/l/``).

Stooq writes its dates and times in Europe/Warsaw local time (CET in winter, CEST in
summer); they are converted to UTC here, so nothing downstream ever sees Warsaw time.
Its quote row has no previous close, so quotes leave it None and the poller fills a
session-aware one from stored daily bars. Stooq promises no real-time feed and delays most
exchanges, so its quotes are labelled delayed. Its free CSV history is daily only: other
intervals answer empty, and the chain asks the next provider.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from urllib.parse import quote as url_quote
from zoneinfo import ZoneInfo

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.convert import (
    ascending,
    day_start,
    make_bar,
    non_negative,
    price_of,
)
from tickerwire.markets.providers.http import HttpProvider, SymbolNotFound
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote
from tickerwire.net.fetch import Fetcher

WARSAW = ZoneInfo("Europe/Warsaw")
_QUOTE_COLUMNS = ["Symbol", "Date", "Time", "Open", "High", "Low", "Close", "Volume"]
_HISTORY_COLUMNS = ["Date", "Open", "High", "Low", "Close"]


class StooqProvider(HttpProvider):
    name = "stooq"

    def __init__(self, settings: ProviderSettings, fetcher: Fetcher, *, max_bytes: int) -> None:
        super().__init__(settings.stooq_base_url, fetcher, max_bytes=max_bytes)

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """All known symbols in one request; rows Stooq marks ``N/D`` are absent."""
        wanted = {symbol.upper(): i for symbol, i in self.symbols(instruments).items()}
        if not wanted:
            return {}
        symbols = "+".join(url_quote(s.lower(), safe="^.") for s in wanted)
        text = await self.get_text(f"{self.base_url}/q/l/?s={symbols}&f=sd2t2ohlcv&h&e=csv")
        rows = self._rows(text, _QUOTE_COLUMNS)
        found: dict[str, Quote] = {}
        for row in rows:
            instrument = wanted.get((row.get("Symbol") or "").upper())
            quote = None if instrument is None else self._quote(instrument, row)
            if quote is not None:
                found[quote.symbol] = quote
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        symbol = self.symbol(instrument)
        if symbol is None or interval is not Interval.D1:
            return []
        params = {
            "s": symbol,
            "i": "d",
            "d1": start.astimezone(WARSAW).strftime("%Y%m%d"),
            "d2": end.astimezone(WARSAW).strftime("%Y%m%d"),
        }
        try:
            text = await self.get_text(f"{self.base_url}/q/d/l/", params)
        except SymbolNotFound:
            return []
        if text.strip().lower() == "no data":
            return []
        bars = []
        for row in self._rows(text, _HISTORY_COLUMNS):
            day = _date(row.get("Date"))
            if day is None:
                continue
            prices = (row.get("Open"), row.get("High"), row.get("Low"), row.get("Close"))
            bar = make_bar(
                instrument.symbol,
                interval,
                day_start(day),
                prices,
                row.get("Volume"),
                self.name,
                instrument,
            )
            if bar is not None:
                bars.append(bar)
        return ascending(bars)

    def _rows(self, text: str, columns: list[str]) -> list[dict[str, str]]:
        reader = csv.DictReader(io.StringIO(text))
        header = reader.fieldnames or []
        if any(column not in header for column in columns):
            raise self.malformed(f"CSV header {header!r} lacks {columns!r}")
        try:
            return list(reader)
        except csv.Error as error:
            raise self.malformed(f"CSV: {error}") from error

    def _quote(self, instrument: Instrument, row: dict[str, str]) -> Quote | None:
        price = price_of(row.get("Close"), instrument)
        as_of = warsaw_to_utc(row.get("Date"), row.get("Time"))
        if price is None or as_of is None:
            return None
        try:
            return Quote(
                symbol=instrument.symbol,
                price=price,
                as_of=as_of,
                provider=self.name,
                open=price_of(row.get("Open"), instrument),
                day_high=price_of(row.get("High"), instrument),
                day_low=price_of(row.get("Low"), instrument),
                volume=non_negative(row.get("Volume")),
                delayed=True,
            )
        except BadMarketData:
            return None


def warsaw_to_utc(day: str | None, clock: str | None) -> datetime | None:
    """A Stooq date and time (Warsaw local) as UTC, or None for ``N/D`` and garbage."""
    parsed = _date(day)
    if parsed is None or clock is None:
        return None
    try:
        local = datetime.strptime(f"{parsed.isoformat()} {clock.strip()}", "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return local.replace(tzinfo=WARSAW).astimezone(UTC)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None
