"""The U.S. Treasury's daily par yield curve: official, free, no key, once a trading day.

The Treasury publishes each year's curve as one CSV (``daily-treasury-rates.csv/{year}``),
newest day first, one column per maturity ("10 Yr" for the 10-year). Its yields come from
bid prices taken at or near 3:30 PM New York time, and appear late that afternoon, so each
value is dated 15:30 New York of its day and labelled end-of-day: next to Yahoo's intraday
^TNX it says which number is the official one and how old it is. In the first days of a
year the new file is still empty (or missing), and the previous year's last day is the latest.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.convert import day_start, make_bar, price_of
from tickerwire.markets.providers.http import HttpProvider, SymbolNotFound
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, PriceKind, Quote
from tickerwire.net.fetch import Fetcher
from tickerwire.types import Clock, utc_now

NEW_YORK = ZoneInfo("America/New_York")
_PATH = "/resource-center/data-chart-center/interest-rates/daily-treasury-rates.csv"

#: One column of the curve: (day, raw value) pairs, newest first as the file has them.
Column = list[tuple[date, str]]


class TreasuryProvider(HttpProvider):
    name = "treasury"
    reuse_seconds = 600.0  # it publishes once a day

    def __init__(
        self,
        settings: ProviderSettings,
        fetcher: Fetcher,
        *,
        max_bytes: int,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(settings.treasury_base_url, fetcher, max_bytes=max_bytes)
        self._clock = clock

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """The latest day's yield per maturity asked for, with the day before as the close."""
        wanted = self.symbols(instruments)
        if not wanted:
            return {}
        year = self._clock().astimezone(NEW_YORK).year
        rows = await self._year(year) or await self._year(year - 1)
        found: dict[str, Quote] = {}
        for column, instrument in wanted.items():
            known = [
                (day, value)
                for day, raw in _column(rows, column, self)
                if (value := price_of(raw, instrument)) is not None
            ]
            quote = latest_yield(self.name, instrument, known)
            if quote is not None:
                found[instrument.symbol] = quote
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        """Daily bars (one yield a day, so open = high = low = close), a file per year."""
        column = self.symbol(instrument)
        if column is None or interval is not Interval.D1:
            return []
        bars = []
        for year in range(start.astimezone(NEW_YORK).year, end.astimezone(NEW_YORK).year + 1):
            for day, raw in _column(await self._year(year), column, self):
                value = price_of(raw, instrument)
                if value is None or not start <= day_start(day) < end:
                    continue
                bar = make_bar(
                    instrument.symbol,
                    interval,
                    day_start(day),
                    (value,) * 4,
                    None,
                    self.name,
                    instrument,
                )
                if bar is not None:
                    bars.append(bar)
        return sorted(bars, key=lambda bar: bar.start)

    async def _year(self, year: int) -> list[dict[str, str]]:
        params = {
            "type": "daily_treasury_yield_curve",
            "field_tdr_date_value": str(year),
            "_format": "csv",
        }
        try:
            text = await self.get_text(f"{self.base_url}{_PATH}/{year}/all", params)
        except SymbolNotFound:  # a year not begun yet may have no file at all
            return []
        reader = csv.DictReader(io.StringIO(text))
        if text.strip() and "Date" not in (reader.fieldnames or []):
            raise self.malformed(f"yield curve CSV has no Date column: {reader.fieldnames!r}")
        try:
            return list(reader)
        except csv.Error as error:
            raise self.malformed(f"yield curve CSV: {error}") from error


def _column(rows: list[dict[str, str]], name: str, provider: HttpProvider) -> Column:
    """One maturity's values by day; a file that lacks the column has changed its format."""
    if rows and name not in rows[0]:
        raise provider.malformed(f"yield curve CSV has no {name!r} column")
    values: Column = []
    for row in rows:
        try:
            day = datetime.strptime((row.get("Date") or "").strip(), "%m/%d/%Y").date()
        except ValueError:
            continue
        values.append((day, row.get(name) or ""))
    return sorted(values, reverse=True)


def close_of(day: date) -> datetime:
    """When a day's Treasury yields were taken: 3:30 PM New York time."""
    return datetime.combine(day, time(15, 30), tzinfo=NEW_YORK)


def latest_yield(
    provider: str, instrument: Instrument, known: Sequence[tuple[date, float]]
) -> Quote | None:
    """The newest of a yield's daily values (newest first) as an end-of-day quote, the one
    before it as previous close; None when there is none, or none that makes a quote."""
    if not known:
        return None
    (day, price), before = known[0], known[1][1] if len(known) > 1 else None
    try:
        return Quote(
            symbol=instrument.symbol,
            price=price,
            as_of=close_of(day),
            provider=provider,
            previous_close=before,
            kind=PriceKind.END_OF_DAY,
        )
    except BadMarketData:
        return None
