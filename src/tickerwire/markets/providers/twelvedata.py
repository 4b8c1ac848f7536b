"""Twelve Data, the keyed provider: one free key covers FX, bitcoin and metals in one call.

Of the keyed services compared in docs/providers.md, Twelve Data's free Basic plan covers
the most of our sixteen: EUR/USD, GBP/USD, USD/JPY, BTC/USD, gold (XAU/USD), silver
(XAG/USD) and WTI crude, all through one batched ``/quote`` request; its index symbols
(SPX, DJI, ...) answer only on paid plans, and a free key's per-symbol refusal leaves
those absent so the chain asks the next provider. The plan allows 8 API credits a minute
and 800 a day, one credit per symbol, so it belongs late in a chain, not first.

Errors come as ``{"code": ..., "message": ..., "status": "error"}``, often with HTTP 200,
for the whole call or per symbol inside a batch. Code 429 (credits used up) backs off for
a minute; 401/403 for the whole call means the key is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.convert import (
    ascending,
    from_epoch,
    make_bar,
    non_negative,
    price_of,
)
from tickerwire.markets.providers.http import HttpProvider, service_said
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote
from tickerwire.net.fetch import Fetcher

_INTERVALS = {Interval.M1: "1min", Interval.M5: "5min", Interval.H1: "1h", Interval.D1: "1day"}
CREDITS_RETRY = 60.0
"""Seconds to wait after "run out of API credits": the per-minute quota's reset."""


class TwelveDataProvider(HttpProvider):
    name = "twelvedata"

    def __init__(self, settings: ProviderSettings, fetcher: Fetcher, *, max_bytes: int) -> None:
        if not settings.twelvedata_api_key:
            raise ValueError("the twelvedata provider needs providers.twelvedata_api_key")
        super().__init__(settings.twelvedata_base_url, fetcher, max_bytes=max_bytes)
        self._key = settings.twelvedata_api_key

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """All known symbols in one batch; refused symbols are absent, unless all are."""
        wanted = self.symbols(instruments)
        if not wanted:
            return {}
        params = {"symbol": ",".join(wanted), "apikey": self._key}
        payload = await self.get_json(f"{self.base_url}/quote", params)
        if not isinstance(payload, dict):
            raise self.malformed("quote answer is not an object")
        self._raise_for_call(payload)
        entries = {next(iter(wanted)): payload} if len(wanted) == 1 else payload
        found: dict[str, Quote] = {}
        refusals: list[str] = []
        for symbol, instrument in wanted.items():
            entry = entries.get(symbol)
            if not isinstance(entry, dict):
                continue
            if entry.get("status") == "error":
                refusals.append(f"{symbol}: {service_said(entry.get('message'))}")
                continue
            quote = self._quote(instrument, entry)
            if quote is not None:
                found[quote.symbol] = quote
        if refusals and not found:
            raise ProviderError(self.name, f"refused {'; '.join(refusals)}")
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        symbol = self.symbol(instrument)
        if symbol is None:
            return []
        params = {
            "symbol": symbol,
            "interval": _INTERVALS[interval],
            "start_date": start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "end_date": end.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "timezone": "UTC",
            "apikey": self._key,
        }
        payload = await self.get_json(f"{self.base_url}/time_series", params)
        if not isinstance(payload, dict):
            raise self.malformed("time_series answer is not an object")
        if payload.get("status") == "error" and payload.get("code") in (400, 404):
            return []  # "No data is available on the specified dates" or unknown symbol
        self._raise_for_call(payload)
        values = payload.get("values")
        if not isinstance(values, list):
            raise self.malformed(f"time_series for {symbol} has no values list")
        bars = []
        for row in values:
            moment = _utc_datetime(row.get("datetime")) if isinstance(row, dict) else None
            if moment is None or not start <= moment < end:
                continue
            prices = (row.get("open"), row.get("high"), row.get("low"), row.get("close"))
            bar = make_bar(
                instrument.symbol,
                interval,
                moment,
                prices,
                row.get("volume"),
                self.name,
                instrument,
            )
            if bar is not None:
                bars.append(bar)
        return ascending(bars)

    def _raise_for_call(self, payload: dict[str, Any]) -> None:
        """An error for the whole call: credits used up, key refused, anything else."""
        if payload.get("status") != "error":
            return
        code, said = payload.get("code"), service_said(payload.get("message"))
        if code == 429:
            raise ProviderError(self.name, f"out of API credits: {said}", retry_after=CREDITS_RETRY)
        if code in (401, 403):
            raise ProviderError(
                self.name, f"key refused (check providers.twelvedata_api_key): {said}"
            )
        raise ProviderError(self.name, f"error {code}: {said}")

    def _quote(self, instrument: Instrument, entry: dict[str, Any]) -> Quote | None:
        price = price_of(entry.get("close"), instrument)
        as_of = from_epoch(entry.get("last_quote_at")) or from_epoch(entry.get("timestamp"))
        if price is None or as_of is None:
            return None
        try:
            return Quote(
                symbol=instrument.symbol,
                price=price,
                as_of=as_of,
                provider=self.name,
                previous_close=price_of(entry.get("previous_close"), instrument),
                open=price_of(entry.get("open"), instrument),
                day_high=price_of(entry.get("high"), instrument),
                day_low=price_of(entry.get("low"), instrument),
                volume=non_negative(entry.get("volume")),
            )
        except BadMarketData:
            return None


def _utc_datetime(value: object) -> datetime | None:
    """``2024-11-22 20:59:00`` or ``2024-11-22`` (asked for in UTC), as an aware time."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
