"""Yahoo Finance through its public chart endpoint (``/v8/finance/chart/{symbol}``).

One chart request per symbol serves both quotes (``range=1d``, the meta block) and history
(``period1``/``period2``, the timestamp and indicator arrays). Quote requests run
concurrently, bounded here and again by the fetcher's per-host limit. Yahoo delays some
exchanges' data; a quote is labelled delayed when the chart says so
(``exchangeDataDelayedBy`` > 0). Yahoo keeps minute bars for about 30 days and serves at
most 7 days of them per request; it answers other ranges with 422, which reads as "no
bars here" rather than as an outage.

With ``providers.yahoo_cookie_url`` set, quotes come instead from one batched
``/v7/finance/quote`` request for every symbol, which needs Yahoo's cookie and crumb
(:mod:`.yahoo_crumb`); whenever that path cannot answer (no crumb, the endpoint fails) the
chart requests serve, so the handshake can only add, never take away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import quote as url_quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.convert import (
    ascending,
    from_epoch,
    local_day_start,
    make_bar,
    non_negative,
    positive,
    price_of,
)
from tickerwire.markets.providers.http import HttpProvider, SymbolNotFound
from tickerwire.markets.providers.yahoo_crumb import CrumbSession
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, Quote
from tickerwire.net.errors import HTTPStatusError
from tickerwire.net.fetch import Fetcher

_INTERVALS = {Interval.M1: "1m", Interval.M5: "5m", Interval.H1: "60m", Interval.D1: "1d"}


class YahooProvider(HttpProvider):
    name = "yahoo"

    def __init__(
        self,
        settings: ProviderSettings,
        fetcher: Fetcher,
        *,
        max_bytes: int,
        concurrency: int = 4,
    ) -> None:
        super().__init__(
            settings.yahoo_base_url,
            fetcher,
            max_bytes=max_bytes,
            headers={"User-Agent": settings.yahoo_user_agent},
        )
        self._concurrency = concurrency
        cookie_url = settings.yahoo_cookie_url
        crumb_url = f"{self.base_url}/v1/test/getcrumb"
        self.crumbs = CrumbSession(self.get, cookie_url, crumb_url) if cookie_url else None

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """Quotes for the symbols Yahoo knows.

        A symbol whose request fails is absent. If nothing came back and something failed,
        or if Yahoo asked us to slow down (Retry-After), the whole call fails, so the chain
        backs off instead of hammering it for the symbols that happened to get through.
        """
        wanted = self.symbols(instruments)
        if wanted and self.crumbs is not None:
            batch = await self._batch(wanted)
            if batch is not None:
                return batch
        limit = asyncio.Semaphore(self._concurrency)

        async def one(symbol: str, instrument: Instrument) -> Quote | ProviderError | None:
            async with limit:
                try:
                    result = await self._chart(symbol, {"range": "1d", "interval": "1m"})
                    return None if result is None else self._quote(instrument, result)
                except ProviderError as error:
                    return error

        answers = await asyncio.gather(*(one(s, i) for s, i in wanted.items()))
        found = {a.symbol: a for a in answers if isinstance(a, Quote)}
        errors = [a for a in answers if isinstance(a, ProviderError)]
        throttled = [e for e in errors if e.retry_after is not None]
        if throttled:
            raise throttled[0]
        if errors and not found:
            raise errors[0]
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        symbol = self.symbol(instrument)
        if symbol is None:
            return []
        params = {
            "period1": str(int(start.timestamp())),
            "period2": str(int(end.timestamp())),
            "interval": _INTERVALS[interval],
        }
        result = await self._chart(symbol, params)
        return [] if result is None else self._bars(instrument, interval, result)

    async def _batch(self, wanted: dict[str, Instrument]) -> dict[str, Quote] | None:
        """Every quote from one crumb-carrying ``/v7/finance/quote`` request, or None to fall
        back on chart requests (no crumb to be had, or the endpoint failed). An expired
        crumb (401) is renewed once; throttling fails the call, as on the chart path."""
        assert self.crumbs is not None
        url = f"{self.base_url}/v7/finance/quote"
        for _ in range(2):
            credentials = await self.crumbs.credentials()
            if credentials is None:
                return None
            params = {"symbols": ",".join(wanted), "crumb": credentials.crumb}
            try:
                response = await self.get(url, params, {"Cookie": credentials.cookie})
                return self.quote_batch(wanted, self.json_of(response, url))
            except ProviderError as error:
                cause = error.__cause__
                if isinstance(cause, HTTPStatusError) and cause.status == 401:
                    self.crumbs.expire()
                    continue
                if error.retry_after is not None:
                    raise
                return None
        return None

    def quote_batch(self, wanted: dict[str, Instrument], payload: object) -> dict[str, Quote]:
        """Quotes from a ``quoteResponse``; symbols Yahoo left out are absent."""
        answer = payload.get("quoteResponse") if isinstance(payload, dict) else None
        results = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise self.malformed("no quoteResponse.result list")
        found: dict[str, Quote] = {}
        for entry in results:
            symbol = entry.get("symbol") if isinstance(entry, dict) else None
            instrument = wanted.get(symbol) if isinstance(symbol, str) else None
            quote = None if instrument is None else _batch_quote(self.name, instrument, entry)
            if quote is not None:
                found[quote.symbol] = quote
        return found

    async def _chart(self, symbol: str, params: dict[str, str]) -> dict[str, Any] | None:
        """The chart's result object, or None when Yahoo does not know the symbol."""
        url = f"{self.base_url}/v8/finance/chart/{url_quote(symbol, safe='^=')}"
        try:
            payload = await self.get_json(url, params)
        except SymbolNotFound:
            return None
        chart = payload.get("chart") if isinstance(payload, dict) else None
        if not isinstance(chart, dict):
            raise self.malformed(f"no chart object for {symbol}")
        results = chart.get("result")
        if not results:
            return None
        if not isinstance(results, list) or not isinstance(results[0], dict):
            raise self.malformed(f"chart result for {symbol} is not an object")
        return results[0]

    def _quote(self, instrument: Instrument, result: dict[str, Any]) -> Quote | None:
        meta = result.get("meta")
        if not isinstance(meta, dict):
            raise self.malformed(f"chart result for {instrument.symbol} has no meta object")
        price = price_of(meta.get("regularMarketPrice"), instrument)
        as_of = from_epoch(meta.get("regularMarketTime"))
        if price is None or as_of is None:
            return None
        opens = _series(result, "open")
        delay = positive(meta.get("exchangeDataDelayedBy"))
        try:
            return Quote(
                symbol=instrument.symbol,
                price=price,
                as_of=as_of,
                provider=self.name,
                previous_close=_first_price(
                    (meta.get("previousClose"), meta.get("chartPreviousClose")), instrument
                ),
                open=_first_price(opens, instrument),
                day_high=price_of(meta.get("regularMarketDayHigh"), instrument),
                day_low=price_of(meta.get("regularMarketDayLow"), instrument),
                volume=non_negative(meta.get("regularMarketVolume")),
                delayed=delay is not None,
            )
        except BadMarketData:
            return None

    def _bars(
        self, instrument: Instrument, interval: Interval, result: dict[str, Any]
    ) -> list[Bar]:
        stamps = result.get("timestamp") or []
        if not isinstance(stamps, list):
            raise self.malformed(f"timestamps for {instrument.symbol} are not a list")
        zone = _exchange_zone(result.get("meta"))
        columns = [_series(result, key) for key in ("open", "high", "low", "close", "volume")]
        bars = []
        for index, stamp in enumerate(stamps):
            moment = from_epoch(stamp)
            if moment is None:
                continue
            start = local_day_start(moment, zone) if interval is Interval.D1 else moment
            o, h, low, c, v = (_at(column, index) for column in columns)
            bar = make_bar(
                instrument.symbol, interval, start, (o, h, low, c), v, self.name, instrument
            )
            if bar is not None:
                bars.append(bar)
        return ascending(bars)


def _batch_quote(provider: str, instrument: Instrument, entry: dict[str, Any]) -> Quote | None:
    price = price_of(entry.get("regularMarketPrice"), instrument)
    as_of = from_epoch(entry.get("regularMarketTime"))
    if price is None or as_of is None:
        return None
    try:
        return Quote(
            symbol=instrument.symbol,
            price=price,
            as_of=as_of,
            provider=provider,
            previous_close=price_of(entry.get("regularMarketPreviousClose"), instrument),
            open=price_of(entry.get("regularMarketOpen"), instrument),
            day_high=price_of(entry.get("regularMarketDayHigh"), instrument),
            day_low=price_of(entry.get("regularMarketDayLow"), instrument),
            volume=non_negative(entry.get("regularMarketVolume")),
            delayed=positive(entry.get("exchangeDataDelayedBy")) is not None,
        )
    except BadMarketData:
        return None


def _first_price(values: Iterable[Any], instrument: Instrument) -> float | None:
    """The first of ``values`` that is a real price of ``instrument``."""
    return next((p for p in (price_of(v, instrument) for v in values) if p is not None), None)


def _series(result: dict[str, Any], key: str) -> list[Any]:
    """One indicator column (``open``, ``close``...), empty when Yahoo left it out."""
    indicators = result.get("indicators")
    quotes = indicators.get("quote") if isinstance(indicators, dict) else None
    first = quotes[0] if isinstance(quotes, list) and quotes else None
    column = first.get(key) if isinstance(first, dict) else None
    return column if isinstance(column, list) else []


def _at(column: list[Any], index: int) -> Any:
    return column[index] if index < len(column) else None


def _exchange_zone(meta: object) -> tzinfo:
    """The exchange's zone, which decides a daily bar's trading date."""
    name = meta.get("exchangeTimezoneName") if isinstance(meta, dict) else None
    if isinstance(name, str):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC
