"""``/admin/instruments``: an admin finds a symbol through Yahoo's search (a local fake
shaped after the real service: see tests/support/markets_desk.py), reviews what was
inferred, adds it, and its quote page has history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.http_server import LocalServer
from support.markets_desk import MarketsDesk, SearchHit
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets.quotes import Interval
from tickerwire.runtime import Runtime
from tickerwire.store.instruments import InstrumentStore
from web.pages.admin.conftest import PASSWORD, Browser, signed_in
from web.pages.admin.test_providers import desk_settings

ASML = SearchHit("ASML", "ASML Holding N.V.", "EQUITY", "NMS", "NASDAQ", "USD", 690.25)
SHELL = SearchHit("SHEL.L", "Shell plc", "EQUITY", "XYZ", "Nowhere", "GBp", 2650.0, 1)


def as_added(hit: SearchHit, **symbols: str) -> Instrument:
    return Instrument(
        symbol=hit.symbol.replace(".", "-"),
        name=hit.name,
        asset_class=AssetClass.EQUITY,
        calendar="XNAS",
        provider_symbols=symbols,
    )


@pytest.fixture
def portal(database_url: str, cheap_hashes: None) -> Iterator[tuple[Browser, Runtime]]:
    with LocalServer() as server:
        desk = MarketsDesk(server)
        desk.list_symbol(ASML, as_added(ASML, yahoo="ASML", stooq="asml.us"))
        desk.list_symbol(SHELL, as_added(SHELL, yahoo="SHEL.L"))
        with opened_runtime(desk_settings(database_url, server.base_url)) as runtime:
            actions.create_member(runtime, "ada", PASSWORD, admin=True)
            for admin in signed_in(runtime, "ada"):
                yield admin, runtime


def test_search_lists_candidates_with_a_link_to_review_each(
    portal: tuple[Browser, Runtime],
) -> None:
    admin, _ = portal
    page = admin.get("/admin/instruments?q=asml").text
    assert "ASML Holding N.V." in page and "NASDAQ" in page
    assert 'href="/admin/instruments?propose=ASML"' in page


def test_review_shows_the_inferred_calendar_currency_and_precision(
    portal: tuple[Browser, Runtime],
) -> None:
    admin, _ = portal
    twin = admin.get("/admin/instruments.json?propose=ASML").json()
    assert twin["proposal"] == {
        "symbol": "ASML",
        "name": "ASML Holding N.V.",
        "asset_class": "equity",
        "calendar": "XNAS",
        "exchange": "NASDAQ",
        "currency": "USD",
        "precision": 2,
        "yahoo_symbol": "ASML",
        "stooq_symbol": "asml.us",
        "price": 690.25,
    }


def test_an_exchange_not_in_our_table_asks_the_admin_for_the_calendar(
    portal: tuple[Browser, Runtime],
) -> None:
    admin, _ = portal
    page = admin.get("/admin/instruments?propose=SHEL.L").text
    assert "Its exchange is not in our table" in page
    refused = admin.post(
        "/admin/instruments/add",
        "/admin/instruments?propose=SHEL.L",
        symbol="SHEL.L",
        name="Shell plc",
        asset_class="equity",
        calendar="",
        exchange="Nowhere",
        currency="GBP",
        precision="1",
        yahoo_symbol="SHEL.L",
        stooq_symbol="",
    )
    assert refused.status_code == 400
    assert "choose the calendar of the market it trades on" in refused.text


def test_adding_lands_on_the_quote_page_with_history(portal: tuple[Browser, Runtime]) -> None:
    admin, runtime = portal
    answer = admin.post(
        "/admin/instruments/add",
        "/admin/instruments?propose=ASML",
        symbol="ASML",
        name="ASML Holding N.V.",
        asset_class="equity",
        calendar="XNAS",
        exchange="NASDAQ",
        currency="USD",
        precision="2",
        yahoo_symbol="ASML",
        stooq_symbol="asml.us",
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/quote/ASML"
    page = admin.get("/quote/ASML")
    assert page.status_code == 200 and "ASML Holding N.V." in page.text
    quote = admin.get("/quote/ASML.json?range=1y").json()
    assert quote["symbol"] == "ASML"
    assert runtime.markets.count_bars("ASML", Interval.D1) > 200
    assert [i.symbol for i in InstrumentStore(runtime.engine).added()] == ["ASML"]
    assert "ASML" in admin.get("/admin/instruments").text


def test_a_symbol_already_tracked_is_refused(portal: tuple[Browser, Runtime]) -> None:
    admin, _ = portal
    refused = admin.post(
        "/admin/instruments/add",
        "/admin/instruments",
        symbol="SPX",
        name="again",
        asset_class="index",
        calendar="XNYS",
        exchange="",
        currency="USD",
        precision="2",
        yahoo_symbol="^GSPC",
        stooq_symbol="",
    )
    assert refused.status_code == 400 and "SPX is already tracked" in refused.text
