"""Symbol search: our symbol for a Yahoo one, our exchange table, and what is inferred from
Yahoo's answers (a local fake shaped after them: see tests/support/markets_desk.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import exchange_calendars as xcals
import pytest

from support.http_server import LocalServer
from support.markets_desk import MarketsDesk, SearchHit
from tickerwire.config import FetchSettings, ProviderSettings
from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets.calendar import ALWAYS_OPEN, US_FUTURES
from tickerwire.markets.search import YahooSearch, exchanges, our_symbol
from tickerwire.net.fetch import Fetcher

SAP = SearchHit("SAP.DE", "SAP SE", "EQUITY", "GER", "XETRA", "EUR", 231.5)
ETH = SearchHit("ETH-USD", "Ethereum USD", "CRYPTOCURRENCY", "CCC", "CCC", "USD", 3400.0)


def test_every_calendar_in_our_exchange_table_is_one_exchange_calendars_has() -> None:
    known = set(xcals.get_calendar_names()) | {ALWAYS_OPEN, US_FUTURES, "24/5"}
    assert {row["calendar"] for row in exchanges().values()} <= known


@pytest.mark.parametrize(
    ("yahoo", "ours"),
    [("^GDAXI", "GDAXI"), ("EURGBP=X", "EURGBP"), ("CL=F", "CL"), ("SAP.DE", "SAP.DE")],
)
def test_our_symbol_drops_yahoos_marks(yahoo: str, ours: str) -> None:
    assert our_symbol(yahoo) == ours


@pytest.fixture
def desk() -> Iterator[MarketsDesk]:
    with LocalServer() as server:
        desk = MarketsDesk(server)
        for hit in (SAP, ETH):
            added = Instrument(
                symbol=our_symbol(hit.symbol),
                name=hit.name,
                asset_class=AssetClass.EQUITY,
                calendar="XETR",
                provider_symbols={"yahoo": hit.symbol},
            )
            desk.list_symbol(hit, added)
        yield desk


@pytest.fixture
async def search(desk: MarketsDesk) -> AsyncIterator[YahooSearch]:
    fetcher = Fetcher(FetchSettings(allow_hosts=["127.0.0.1"], deadline=5))
    yield YahooSearch(
        ProviderSettings(yahoo_base_url=desk.server.base_url), fetcher, max_bytes=65536
    )
    await fetcher.aclose()


@pytest.mark.anyio
async def test_a_share_on_xetra_gets_its_calendar_and_currency(search: YahooSearch) -> None:
    (candidate,) = await search.search("sap")
    proposal = await search.propose(candidate)
    assert proposal is not None
    assert (proposal.symbol, proposal.calendar, proposal.currency) == ("SAP.DE", "XETR", "EUR")
    assert proposal.provider_symbols == {"yahoo": "SAP.DE"}  # Stooq only for U.S. shares


@pytest.mark.anyio
async def test_a_coin_trades_around_the_clock(search: YahooSearch) -> None:
    (candidate,) = await search.search("ethereum")
    proposal = await search.propose(candidate)
    assert proposal is not None
    assert (proposal.asset_class, proposal.calendar) == (AssetClass.CRYPTO, ALWAYS_OPEN)
    assert proposal.symbol == "ETH-USD"
