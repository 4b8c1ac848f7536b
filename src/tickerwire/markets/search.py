"""Finding instruments beyond the sixteen through Yahoo's symbol search, and inferring what
the registry needs to know of one (asset class, calendar, currency, precision) for an admin
to confirm before it is added.

Search (``/v1/finance/search``) names candidates with their exchange and kind; the chart's
meta block (``/v8/finance/chart``) of the chosen one gives its currency and ``priceHint``
(the decimals Yahoo shows). The calendar comes from the exchange code, through our table
``data/yahoo_exchanges.toml``; an exchange not in it leaves the calendar for the admin to
choose. Both requests go through the Yahoo provider's own fetch path (base URL, headers,
size cap, the guarded fetcher), so search fails as a provider does: with ProviderError.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from tickerwire.instruments import AssetClass
from tickerwire.markets.providers.yahoo import YahooProvider

MAX_RESULTS = 10
QUERY_MAX = 60

#: Yahoo's ``quoteType`` and the asset class it is here; kinds not named are not offered.
KINDS = {
    "EQUITY": AssetClass.EQUITY,
    "ETF": AssetClass.EQUITY,
    "MUTUALFUND": AssetClass.EQUITY,
    "INDEX": AssetClass.INDEX,
    "CURRENCY": AssetClass.CURRENCY,
    "CRYPTOCURRENCY": AssetClass.CRYPTO,
    "FUTURE": AssetClass.COMMODITY,
}
_NOT_OURS = re.compile(r"[^A-Z0-9.\-]")


@dataclass(frozen=True)
class Candidate:
    """One search result, as Yahoo names it."""

    yahoo_symbol: str
    name: str
    kind: str
    exchange: str
    exchange_name: str


@dataclass(frozen=True)
class Proposal:
    """What the registry would record for a candidate, for the admin to confirm or correct.

    ``calendar`` is empty when the exchange is not in our table."""

    symbol: str
    name: str
    asset_class: AssetClass
    calendar: str
    exchange: str
    currency: str
    precision: int
    provider_symbols: dict[str, str]
    price: float | None


@cache
def exchanges() -> dict[str, dict[str, str]]:
    """Our table of Yahoo exchange codes: code -> calendar and, where it holds, Stooq's suffix."""
    text = resources.files("tickerwire").joinpath("data/yahoo_exchanges.toml").read_text()
    return tomllib.loads(text)


def our_symbol(yahoo_symbol: str) -> str:
    """Our symbol for a Yahoo one: index carets and Yahoo's ``=X``/``=F`` marks dropped
    (``^GDAXI`` -> ``GDAXI``, ``EURGBP=X`` -> ``EURGBP``), at most twenty characters."""
    bare = yahoo_symbol.upper().lstrip("^").removesuffix("=X").removesuffix("=F")
    return _NOT_OURS.sub("", bare)[:20]


class YahooSearch(YahooProvider):
    """Yahoo's symbol search and symbol description, on the provider's fetch path."""

    async def search(self, query: str) -> list[Candidate]:
        url = f"{self.base_url}/v1/finance/search"
        params = {"q": query, "quotesCount": str(MAX_RESULTS), "newsCount": "0"}
        payload = await self.get_json(url, params)
        found = payload.get("quotes") if isinstance(payload, dict) else None
        if not isinstance(found, list):
            raise self.malformed("search answer has no list of quotes")
        return [c for c in map(_candidate, found) if c is not None]

    async def propose(self, candidate: Candidate) -> Proposal | None:
        """The proposal for ``candidate``; None when Yahoo has no chart for it (renamed,
        delisted)."""
        result = await self._chart(candidate.yahoo_symbol, {"range": "1d", "interval": "1d"})
        meta = result.get("meta") if result else None
        if not isinstance(meta, dict):
            return None
        kind = KINDS[candidate.kind]
        table = exchanges().get(candidate.exchange, {})
        hint = meta.get("priceHint")
        precision = hint if isinstance(hint, int) and 0 <= hint <= 8 else 2
        currency = meta.get("currency")
        symbols = {"yahoo": candidate.yahoo_symbol}
        if "stooq" in table and kind is AssetClass.EQUITY:
            symbols["stooq"] = candidate.yahoo_symbol.lower() + table["stooq"]
        price = meta.get("regularMarketPrice")
        return Proposal(
            symbol=our_symbol(candidate.yahoo_symbol),
            name=candidate.name,
            asset_class=kind,
            calendar=table.get("calendar", ""),
            exchange=candidate.exchange_name,
            currency=currency.upper()[:8] if isinstance(currency, str) and currency else "USD",
            precision=precision,
            provider_symbols=symbols,
            price=float(price) if isinstance(price, int | float) else None,
        )


def _candidate(item: Any) -> Candidate | None:
    if not isinstance(item, dict):
        return None
    symbol, kind = item.get("symbol"), item.get("quoteType")
    if not isinstance(symbol, str) or not symbol or kind not in KINDS:
        return None
    name = item.get("longname") or item.get("shortname") or symbol
    exchange = item.get("exchange") if isinstance(item.get("exchange"), str) else ""
    shown = item.get("exchDisp") if isinstance(item.get("exchDisp"), str) else exchange
    return Candidate(symbol, str(name)[:200], str(kind), str(exchange), str(shown)[:60])
