"""Kraken's public REST API: a third crypto source, keyless, from another exchange.

Kraken answers HTTP 200 even when it fails and lists what went wrong in ``error``
(``EQuery:Unknown asset pair``, ``EGeneral:Too many requests``, ``EService:Unavailable``),
so that list is read first: an unknown pair is an absent quote, anything else fails the
call, throttling with a back-off. The ticker has no timestamp; a quote is dated by the
answer's HTTP ``Date`` header, Kraken's own clock. Its ``o`` is today's open (UTC
midnight), the previous close of a market that never closes. Public calls cost from a
small per-IP budget (about one a second sustained), hence one request per pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.convert import (
    ascending,
    from_epoch,
    make_bar,
    non_negative,
    positive,
)
from tickerwire.markets.providers.http import HttpProvider, service_said
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote
from tickerwire.net.fetch import Fetcher

_INTERVALS = {Interval.M1: 1, Interval.M5: 5, Interval.H1: 60, Interval.D1: 1440}
THROTTLED_RETRY = 60.0
"""Seconds to back off when Kraken says we went over its budget (it sends no Retry-After)."""


class KrakenProvider(HttpProvider):
    name = "kraken"

    def __init__(self, settings: ProviderSettings, fetcher: Fetcher, *, max_bytes: int) -> None:
        super().__init__(settings.kraken_base_url, fetcher, max_bytes=max_bytes)

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        found: dict[str, Quote] = {}
        for pair, instrument in self.symbols(instruments).items():
            url = f"{self.base_url}/0/public/Ticker"
            response = await self.get(url, {"pair": pair})
            result = self._result(self.json_of(response, url), pair)
            if result is None:
                continue
            as_of = _http_date(response.headers.get("date"))
            if as_of is None:
                raise self.malformed(f"ticker for {pair} came without a Date header")
            quote = self._quote(instrument, _only_entry(self, result, pair), as_of)
            if quote is not None:
                found[quote.symbol] = quote
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        """OHLC rows (time, open, high, low, close, vwap, volume, count) since ``start``;
        Kraken serves at most the newest 720 of an interval, however far back we ask."""
        pair = self.symbol(instrument)
        if pair is None:
            return []
        params = {
            "pair": pair,
            "interval": str(_INTERVALS[interval]),
            "since": str(int(start.timestamp())),
        }
        url = f"{self.base_url}/0/public/OHLC"
        result = self._result(self.json_of(await self.get(url, params), url), pair)
        if result is None:
            return []
        rows = _only_entry(self, {k: v for k, v in result.items() if k != "last"}, pair)
        bars = []
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, list) or len(row) < 7:
                continue
            moment = from_epoch(row[0])
            if moment is None or not start <= moment < end:
                continue
            bar = make_bar(instrument.symbol, interval, moment, tuple(row[1:5]), row[6], self.name)
            if bar is not None:
                bars.append(bar)
        return ascending(bars)

    def _result(self, payload: Any, pair: str) -> dict[str, Any] | None:
        """The ``result`` object; None for an unknown pair; an error for Kraken's others."""
        if not isinstance(payload, dict) or not isinstance(payload.get("error", []), list):
            raise self.malformed(f"answer for {pair} has no error list")
        errors = [str(e) for e in payload.get("error", [])]
        if any(e.startswith("EQuery:Unknown asset pair") for e in errors):
            return None
        if any("Too many requests" in e or "Rate limit" in e for e in errors):
            raise ProviderError(
                self.name, f"throttled: {service_said(errors[0])}", retry_after=THROTTLED_RETRY
            )
        if errors:
            raise ProviderError(self.name, f"refused {pair}: {service_said(errors[0])}")
        result = payload.get("result")
        if not isinstance(result, dict):
            raise self.malformed(f"answer for {pair} has no result object")
        return result

    def _quote(self, instrument: Instrument, entry: Any, as_of: datetime) -> Quote | None:
        if not isinstance(entry, dict):
            raise self.malformed(f"ticker entry for {instrument.symbol} is not an object")
        price = positive(_first(entry.get("c")))
        if price is None:
            return None
        try:
            return Quote(
                symbol=instrument.symbol,
                price=price,
                as_of=as_of,
                provider=self.name,
                previous_close=positive(entry.get("o")),
                day_high=positive(_first(entry.get("h"))),
                day_low=positive(_first(entry.get("l"))),
                volume=non_negative(_first(entry.get("v"))),
            )
        except BadMarketData:
            return None


def _only_entry(provider: HttpProvider, result: dict[str, Any], pair: str) -> Any:
    """The one entry of a one-pair answer, whatever Kraken keys it by (XBTUSD -> XXBTZUSD)."""
    if len(result) != 1:
        raise provider.malformed(f"expected one entry for {pair}, got {sorted(result)!r}")
    return next(iter(result.values()))


def _first(value: object) -> object:
    """Kraken's arrays lead with the value we want: [price, lot], [today, last 24 h]."""
    return value[0] if isinstance(value, list) and value else None


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.utcoffset() is not None else None
