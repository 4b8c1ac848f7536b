"""CoinGecko's public API: ``/simple/price`` for quotes, ``/market_chart/range`` for history.

Crypto trades around the clock, so its "session" is the last 24 hours: the previous close
of a quote is the price 24 hours ago, derived from CoinGecko's 24 h change
(``price / (1 + change / 100)``). History arrives as (milliseconds, price) samples whose
spacing CoinGecko chooses from the range's length; they are resampled to the interval
asked for, with daily bars on UTC days. Sample volumes are rolling 24 h totals, not a bar's
own, so bars carry no volume.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote as url_quote

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.convert import from_epoch, non_negative, positive, resample
from tickerwire.markets.providers.http import HttpProvider, SymbolNotFound
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote
from tickerwire.net.fetch import Fetcher


class CoinGeckoProvider(HttpProvider):
    name = "coingecko"

    def __init__(self, settings: ProviderSettings, fetcher: Fetcher, *, max_bytes: int) -> None:
        super().__init__(settings.coingecko_base_url, fetcher, max_bytes=max_bytes)

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """All known coins in one request; coins CoinGecko leaves out are absent."""
        wanted = self.symbols(instruments)
        if not wanted:
            return {}
        params = {
            "ids": ",".join(wanted),
            "vs_currencies": ",".join(sorted({i.currency.lower() for i in wanted.values()})),
            "include_24hr_change": "true",
            "include_last_updated_at": "true",
            "include_24hr_vol": "true",
        }
        payload = await self.get_json(f"{self.base_url}/api/v3/simple/price", params)
        if not isinstance(payload, dict):
            raise self.malformed("simple/price is not an object")
        found: dict[str, Quote] = {}
        for coin, instrument in wanted.items():
            entry = payload.get(coin)
            quote = self._quote(instrument, entry) if isinstance(entry, dict) else None
            if quote is not None:
                found[quote.symbol] = quote
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        coin = self.symbol(instrument)
        if coin is None:
            return []
        params = {
            "vs_currency": instrument.currency.lower(),
            "from": str(int(start.timestamp())),
            "to": str(int(end.timestamp())),
        }
        url = f"{self.base_url}/api/v3/coins/{url_quote(coin, safe='')}/market_chart/range"
        try:
            payload = await self.get_json(url, params)
        except SymbolNotFound:
            return []
        prices = payload.get("prices") if isinstance(payload, dict) else None
        if not isinstance(prices, list):
            raise self.malformed(f"market_chart for {coin} has no price list")
        points = []
        for sample in prices:
            if not isinstance(sample, list) or len(sample) != 2:
                continue
            moment = from_epoch(_seconds(sample[0]))
            price = positive(sample[1])
            if moment is not None and price is not None:
                points.append((moment, price))
        return resample(instrument.symbol, interval, points, self.name)

    def _quote(self, instrument: Instrument, entry: dict[str, Any]) -> Quote | None:
        currency = instrument.currency.lower()
        price = positive(entry.get(currency))
        as_of = from_epoch(entry.get("last_updated_at"))
        if price is None or as_of is None:
            return None
        try:
            return Quote(
                symbol=instrument.symbol,
                price=price,
                as_of=as_of,
                provider=self.name,
                previous_close=_day_ago(price, entry.get(f"{currency}_24h_change")),
                volume=non_negative(entry.get(f"{currency}_24h_vol")),
            )
        except BadMarketData:
            return None


def _day_ago(price: float, change_percent: object) -> float | None:
    """The price 24 hours ago, from the current price and the 24 h change in percent."""
    if isinstance(change_percent, bool) or not isinstance(change_percent, int | float):
        return None
    return positive(price / (1 + change_percent / 100)) if change_percent > -100 else None


def _seconds(milliseconds: object) -> float | None:
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float):
        return None
    return milliseconds / 1000
