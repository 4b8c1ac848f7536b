"""FRED, the St. Louis Fed's economic data API: the 10-year Treasury yield (series DGS10).

FRED needs a free API key (``providers.fred_api_key``) and allows 120 requests a minute.
DGS10 is the Board of Governors' H.15 constant-maturity yield, one value per business day,
posted the next day; missing days (holidays) are written ``"."``. Each value is dated
3:30 PM New York of its day, like the Treasury curve it is read from, and labelled
end-of-day. FRED answers a bad key or series with HTTP 400; that is said in words here,
because a bare "400" would leave the admin guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.convert import day_start, make_bar, price_of
from tickerwire.markets.providers.http import HttpProvider, service_said
from tickerwire.markets.providers.treasury import NEW_YORK, latest_yield
from tickerwire.markets.quotes import Bar, Interval, Quote
from tickerwire.net.errors import HTTPStatusError
from tickerwire.net.fetch import Fetcher

_OBSERVATIONS = "/fred/series/observations"


class FredProvider(HttpProvider):
    name = "fred"
    reuse_seconds = 600.0  # it publishes once a day

    def __init__(self, settings: ProviderSettings, fetcher: Fetcher, *, max_bytes: int) -> None:
        if not settings.fred_api_key:
            raise ValueError("the fred provider needs providers.fred_api_key (free at FRED)")
        super().__init__(settings.fred_base_url, fetcher, max_bytes=max_bytes)
        self._key = settings.fred_api_key

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """The latest observation of each series, with the one before as previous close."""
        found: dict[str, Quote] = {}
        for series, instrument in self.symbols(instruments).items():
            known = await self._observations(
                series, instrument, {"sort_order": "desc", "limit": "10"}
            )
            quote = latest_yield(self.name, instrument, known)
            if quote is not None:
                found[instrument.symbol] = quote
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        series = self.symbol(instrument)
        if series is None or interval is not Interval.D1:
            return []
        window = {
            "sort_order": "asc",
            "observation_start": start.astimezone(NEW_YORK).date().isoformat(),
            "observation_end": end.astimezone(NEW_YORK).date().isoformat(),
        }
        bars = []
        for day, value in await self._observations(series, instrument, window):
            begins = day_start(day)
            bar = make_bar(
                instrument.symbol, interval, begins, (value,) * 4, None, self.name, instrument
            )
            if bar is not None and start <= begins < end:
                bars.append(bar)
        return sorted(bars, key=lambda bar: bar.start)

    async def _observations(
        self, series: str, instrument: Instrument, extra: dict[str, str]
    ) -> list[tuple[date, float]]:
        """(day, value) pairs in the order asked for, days without a value left out."""
        params = {"series_id": series, "api_key": self._key, "file_type": "json", **extra}
        try:
            payload = await self.get_json(f"{self.base_url}{_OBSERVATIONS}", params)
        except ProviderError as error:
            if isinstance(error.__cause__, HTTPStatusError) and error.__cause__.status == 400:
                raise ProviderError(
                    self.name,
                    f"refused the request for {series} (HTTP 400): check "
                    "providers.fred_api_key and the series id",
                ) from error
            raise
        if isinstance(payload, dict) and "error_message" in payload:
            raise ProviderError(
                self.name, f"error for {series}: {service_said(payload['error_message'])}"
            )
        observations = payload.get("observations") if isinstance(payload, dict) else None
        if not isinstance(observations, list):
            raise self.malformed(f"no observations list for {series}")
        return [pair for entry in observations if (pair := _pair(entry, instrument))]


def _pair(entry: Any, instrument: Instrument) -> tuple[date, float] | None:
    if not isinstance(entry, dict):
        return None
    try:
        day = date.fromisoformat(str(entry.get("date")))
    except ValueError:
        return None
    value = price_of(entry.get("value"), instrument)
    return None if value is None else (day, value)
