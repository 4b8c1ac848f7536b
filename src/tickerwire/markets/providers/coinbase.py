"""Coinbase Exchange's public market data: a second crypto exchange beside CoinGecko.

No key is needed for the public endpoints (about 10 requests a second per IP). A quote is
the product's ticker (last trade price and its time) with its 24-hour stats: crypto trades
around the clock, so the previous close is the price 24 hours ago, the stats' ``open``, as
for CoinGecko. History comes from ``/candles`` (rows of time, low, high, open, close,
volume, newest first, at most 300 a request); a longer range is cut to its newest 300.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote as url_quote

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.convert import (
    ascending,
    from_epoch,
    make_bar,
    non_negative,
    positive,
)
from tickerwire.markets.providers.http import HttpProvider, SymbolNotFound, service_said
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote
from tickerwire.net.fetch import Fetcher

_GRANULARITY = {Interval.M1: 60, Interval.M5: 300, Interval.H1: 3600, Interval.D1: 86400}
MAX_CANDLES = 300


class CoinbaseProvider(HttpProvider):
    name = "coinbase"

    def __init__(self, settings: ProviderSettings, fetcher: Fetcher, *, max_bytes: int) -> None:
        super().__init__(settings.coinbase_base_url, fetcher, max_bytes=max_bytes)

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """One ticker and one stats request per product; unknown products are absent."""
        found: dict[str, Quote] = {}
        for product, instrument in self.symbols(instruments).items():
            base = f"{self.base_url}/products/{url_quote(product, safe='')}"
            try:
                ticker = self._object(await self.get_json(f"{base}/ticker"), product)
                stats = self._object(await self.get_json(f"{base}/stats"), product)
            except SymbolNotFound:
                continue
            quote = self._quote(instrument, ticker, stats)
            if quote is not None:
                found[quote.symbol] = quote
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        product = self.symbol(instrument)
        if product is None:
            return []
        start = max(start, end - interval.delta * MAX_CANDLES)
        params = {
            "granularity": str(_GRANULARITY[interval]),
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        url = f"{self.base_url}/products/{url_quote(product, safe='')}/candles"
        try:
            rows = await self.get_json(url, params)
        except SymbolNotFound:
            return []
        if not isinstance(rows, list):
            raise self.malformed(f"candles for {product} are not a list: {_message(rows)}")
        bars = []
        for row in rows:
            if not isinstance(row, list) or len(row) < 6:
                continue
            moment = from_epoch(row[0])
            if moment is None:
                continue
            low, high, open_, close, volume = row[1:6]
            bar = make_bar(
                instrument.symbol, interval, moment, (open_, high, low, close), volume, self.name
            )
            if bar is not None:
                bars.append(bar)
        return ascending(bars)

    def _object(self, payload: Any, product: str) -> dict[str, Any]:
        """A JSON object, or the error Coinbase wrote in its place (``{"message": ...}``)."""
        if not isinstance(payload, dict):
            raise self.malformed(f"answer for {product} is not an object")
        if "message" in payload and "price" not in payload and "open" not in payload:
            raise self.malformed(f"{product}: {_message(payload)}")
        return payload

    def _quote(
        self, instrument: Instrument, ticker: dict[str, Any], stats: dict[str, Any]
    ) -> Quote | None:
        price = positive(ticker.get("price"))
        as_of = _iso_time(ticker.get("time"))
        if price is None or as_of is None:
            return None
        try:
            return Quote(
                symbol=instrument.symbol,
                price=price,
                as_of=as_of,
                provider=self.name,
                previous_close=positive(stats.get("open")),
                day_high=positive(stats.get("high")),
                day_low=positive(stats.get("low")),
                volume=non_negative(stats.get("volume")),
            )
        except BadMarketData:
            return None


def _iso_time(value: object) -> datetime | None:
    """An ISO 8601 time with its zone, as Coinbase writes them (``...Z``), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def _message(payload: object) -> str:
    message = payload.get("message") if isinstance(payload, dict) else None
    return service_said(message) if message is not None else type(payload).__name__
