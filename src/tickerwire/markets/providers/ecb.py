"""The ECB's euro foreign exchange reference rates: official, free, no key, once a day.

The ECB publishes one rate per currency against the euro each TARGET working day, set at
its 14:10 CET concertation and posted around 16:00 CET (``eurofxref-daily.xml``; the last
90 days in ``eurofxref-hist-90d.xml``). Rates against the dollar other than EUR/USD are
cross rates through the euro, computed here: GBP/USD is (USD per EUR) / (GBP per EUR), and
USD/JPY is (JPY per EUR) / (USD per EUR). The ECB says its rates are for information only,
so they are labelled as a daily fixing, dated 14:10 Frankfurt time of their day: the last
resort when the intraday sources are down, never mistaken for a live price.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from xml.etree.ElementTree import Element, ParseError
from zoneinfo import ZoneInfo

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets.providers.convert import day_start, make_bar, positive
from tickerwire.markets.providers.http import HttpProvider
from tickerwire.markets.quotes import BadMarketData, Bar, Interval, PriceKind, Quote
from tickerwire.net.fetch import Fetcher

FRANKFURT = ZoneInfo("Europe/Berlin")
FIXING_TIME = time(14, 10)
_PATH = "/stats/eurofxref"
_CUBE = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}Cube"

#: One day's rates: units of each currency per euro, the euro itself included as 1.
Rates = dict[str, float]


class EcbProvider(HttpProvider):
    name = "ecb"
    reuse_seconds = 600.0  # it publishes once a day

    def __init__(self, settings: ProviderSettings, fetcher: Fetcher, *, max_bytes: int) -> None:
        super().__init__(settings.ecb_base_url, fetcher, max_bytes=max_bytes)

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """The latest fixing for every pair we can cross. The daily file holds one day, so
        the previous close is left to the poller, which takes it from stored daily bars."""
        wanted = self.symbols(instruments)
        if not wanted:
            return {}
        days = await self._days(f"{self.base_url}{_PATH}/eurofxref-daily.xml")
        if not days:
            raise self.malformed("no dated rates in eurofxref-daily.xml")
        newest = max(days)
        found: dict[str, Quote] = {}
        for recipe, instrument in wanted.items():
            price = cross(days[newest], recipe)
            if price is None:
                continue
            try:
                found[instrument.symbol] = Quote(
                    symbol=instrument.symbol,
                    price=round(price, 6),
                    as_of=fixing_moment(newest),
                    provider=self.name,
                    kind=PriceKind.DAILY_FIXING,
                )
            except BadMarketData:
                continue
        return found

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        """Daily bars of the last 90 days, each one fixing (open = high = low = close)."""
        recipe = self.symbol(instrument)
        if recipe is None or interval is not Interval.D1:
            return []
        days = await self._days(f"{self.base_url}{_PATH}/eurofxref-hist-90d.xml")
        bars = []
        for day in sorted(days):
            begins = day_start(day)
            price = cross(days[day], recipe)
            if price is None or not start <= begins < end:
                continue
            price = round(price, 6)
            bar = make_bar(
                instrument.symbol, interval, begins, (price,) * 4, None, self.name, instrument
            )
            if bar is not None:
                bars.append(bar)
        return bars

    async def _days(self, url: str) -> dict[date, Rates]:
        text = await self.get_text(url)
        try:
            root = defusedxml.ElementTree.fromstring(text)
        except (ParseError, DefusedXmlException) as error:
            raise self.malformed(f"reference rates are not well-formed XML: {error}") from error
        return parse_days(root)


def parse_days(root: Element) -> dict[date, Rates]:
    """Every ``<Cube time=...>`` with its ``<Cube currency= rate=>`` children.

    A day whose date does not parse is skipped, as is a rate that is not a positive number;
    the euro is added as 1 so crosses through it need no special case.
    """
    days: dict[date, Rates] = {}
    for cube in root.iter(_CUBE):
        stamp = cube.get("time")
        if stamp is None:
            continue
        try:
            day = date.fromisoformat(stamp)
        except ValueError:
            continue
        rates: Rates = {"EUR": 1.0}
        for child in cube.findall(_CUBE):
            currency, rate = child.get("currency"), positive(child.get("rate"))
            if currency and rate is not None:
                rates[currency.upper()] = rate
        days[day] = rates
    return days


def cross(rates: Rates, recipe: str) -> float | None:
    """The rate a recipe names: ``"USD"`` is USD per EUR, ``"A/B"`` is units of A per B."""
    quoted, _, base = recipe.upper().partition("/")
    numerator, denominator = rates.get(quoted), rates.get(base or "EUR")
    if numerator is None or denominator is None:
        return None
    return numerator / denominator


def fixing_moment(day: date) -> datetime:
    """When a day's reference rates were set: 14:10 Frankfurt time."""
    return datetime.combine(day, FIXING_TIME, tzinfo=FRANKFURT)
