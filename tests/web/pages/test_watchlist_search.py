"""A member adds a symbol the site does not track from a watchlist page: typed into the
add form, it is looked up in Yahoo's symbol search (a local fake shaped after the real
service: see tests/support/markets_desk.py), each result shown with its inferred calendar,
currency and decimals, and a confirmed one lands on the site (with history) and on the
list, when the site's policy lets the member add instruments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.http_server import LocalServer
from support.markets_desk import MarketsDesk, SearchHit
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.accounts.tokens import SESSION_COOKIE
from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets.quotes import Interval
from tickerwire.runtime import Runtime
from tickerwire.store.instruments import InstrumentStore
from tickerwire.web.app import create_app
from web.pages.admin.conftest import PASSWORD, Browser, signed_in
from web.pages.admin.test_providers import desk_settings

pytestmark = pytest.mark.usefixtures("cheap_hashes")

ASML = SearchHit("ASML", "ASML Holding N.V.", "EQUITY", "NMS", "NASDAQ", "USD", 690.25)
SHELL = SearchHit("SHEL.L", "Shell plc", "EQUITY", "XYZ", "Nowhere", "GBp", 2650.0, 1)


def as_listed(hit: SearchHit, **symbols: str) -> Instrument:
    return Instrument(
        symbol=hit.symbol.replace(".", "-"),
        name=hit.name,
        asset_class=AssetClass.EQUITY,
        calendar="XNAS",
        provider_symbols=symbols,
    )


@dataclass
class Member:
    browser: Browser
    runtime: Runtime
    watchlist: int

    @property
    def page(self) -> str:
        return f"/watchlists/{self.watchlist}"

    def add(self, symbol: str) -> httpx.Response:
        answer: httpx.Response = self.browser.post(f"{self.page}/add", self.page, symbol=symbol)
        return answer

    def type_symbol(self, symbol: str) -> str:
        """Post the add form with a symbol the site does not track: refused, with the page
        showing the search for it."""
        answer = self.add(symbol)
        assert answer.status_code == 400
        assert "the site does not track it yet" in answer.text
        page: str = answer.text
        return page

    def confirm(self, yahoo_symbol: str, search: str) -> httpx.Response:
        shown = f"{self.page}?find={quote(search)}"
        answer: httpx.Response = self.browser.post(
            f"{self.page}/add-found", shown, yahoo_symbol=yahoo_symbol
        )
        return answer

    def symbols(self) -> list[str]:
        member = self.runtime.accounts.member_by_key("ada")
        assert member is not None
        return list(actions.watchlist_of(self.runtime, member.id, self.watchlist).symbols)


def _member(database_url: str, **accounts: object) -> Iterator[Member]:
    with LocalServer() as server:
        desk = MarketsDesk(server)
        desk.list_symbol(ASML, as_listed(ASML, yahoo="ASML", stooq="asml.us"))
        desk.list_symbol(SHELL, as_listed(SHELL, yahoo="SHEL.L"))
        settings = desk_settings(database_url, server.base_url)
        settings = settings.model_copy(
            update={"accounts": settings.accounts.model_copy(update=accounts)}
        )
        with opened_runtime(settings) as runtime:
            member = actions.create_member(runtime, "ada", PASSWORD)
            made = actions.create_watchlist(runtime, member.id, "Chips")
            for browser in signed_in(runtime, "ada"):
                yield Member(browser, runtime, made.id)


@pytest.fixture
def ada(database_url: str) -> Iterator[Member]:
    yield from _member(database_url)


@pytest.fixture
def ada_on_a_closed_site(database_url: str) -> Iterator[Member]:
    yield from _member(database_url, members_add_instruments=False)


def test_an_unknown_symbol_shows_the_search_with_what_was_inferred(ada: Member) -> None:
    page = ada.type_symbol("asml")
    assert "Found for “asml”" in page
    for shown in ("ASML Holding N.V.", "NASDAQ", "XNAS", "USD"):
        assert shown in page
    assert 'data-label="Decimals">2<' in page
    assert 'name="yahoo_symbol" value="ASML"' in page and "Confirm ASML" in page
    twin = ada.browser.get(f"{ada.page}.json?find=asml").json()
    assert twin["search"]["found"] == [
        {
            "yahoo_symbol": "ASML",
            "symbol": "ASML",
            "name": "ASML Holding N.V.",
            "exchange": "NASDAQ",
            "calendar": "XNAS",
            "currency": "USD",
            "precision": 2,
            "tracked": "",
            "refusal": None,
        }
    ]


def test_confirming_adds_the_instrument_to_the_site_with_history_and_to_the_list(
    ada: Member,
) -> None:
    ada.type_symbol("ASML")
    answer = ada.confirm("ASML", "ASML")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{ada.page}?done=added-new"
    assert "on the site, its history loaded" in ada.browser.get(ada.page + "?done=added-new").text
    assert ada.symbols() == ["ASML"]
    member = ada.runtime.accounts.member_by_key("ada")
    assert member is not None
    assert InstrumentStore(ada.runtime.engine).count_added_by(member.id) == 1
    assert ada.runtime.markets.count_bars("ASML", Interval.D1) > 200
    quote_page = ada.browser.get("/quote/ASML")
    assert quote_page.status_code == 200 and "ASML Holding N.V." in quote_page.text
    assert ada.browser.get("/quote/ASML.json?range=1y").json()["symbol"] == "ASML"


def test_a_tracked_result_is_offered_as_a_plain_add(ada: Member) -> None:
    ada.confirm("ASML", "ASML")
    page = ada.browser.get(f"{ada.page}?find=asml").text
    assert 'name="symbol" value="ASML"' in page and "Confirm ASML" not in page


def test_an_exchange_not_in_our_table_asks_for_an_admin(ada: Member) -> None:
    page = ada.type_symbol("shell")
    assert "Ask an admin to add SHEL.L: its exchange is not in our table" in page
    assert 'value="SHEL.L"' not in page
    refused = ada.confirm("SHEL.L", "shell")
    assert refused.status_code == 400
    assert "Ask an admin to add SHEL.L" in refused.text
    assert InstrumentStore(ada.runtime.engine).added() == [] and ada.symbols() == []


def test_a_site_where_only_admins_add_says_so_and_adds_nothing(
    ada_on_a_closed_site: Member,
) -> None:
    ada = ada_on_a_closed_site
    page = ada.type_symbol("ASML")
    assert "Ask an admin to add ASML: on this site only admins add instruments." in page
    assert "Confirm ASML" not in page
    refused = ada.confirm("ASML", "ASML")
    assert refused.status_code == 400
    assert "Ask an admin to add ASML" in refused.text
    assert InstrumentStore(ada.runtime.engine).added() == [] and ada.symbols() == []
    assert "ASML" not in ada.runtime.registry


def test_a_member_past_the_cap_is_sent_to_an_admin(database_url: str) -> None:
    for ada in _member(database_url, instruments_per_member=0):
        assert "Ask an admin to add ASML: you have added 0" in ada.type_symbol("ASML")
        assert ada.confirm("ASML", "ASML").status_code == 400
        assert InstrumentStore(ada.runtime.engine).added() == []


def test_the_api_adds_a_searched_symbol_through_the_same_action(ada: Member) -> None:
    member = ada.runtime.accounts.member_by_key("ada")
    assert member is not None
    secret = actions.create_api_token(ada.runtime, member.id, "script").secret
    path = f"/api/v1/watchlists/{ada.watchlist}/searched-items"
    answer = ada.browser.client.post(
        path, json={"yahoo_symbol": "ASML"}, headers={"authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["symbols"] == ["ASML"]
    assert ada.runtime.markets.count_bars("ASML", Interval.D1) > 200
    refused = ada.browser.client.post(
        path, json={"yahoo_symbol": "SHEL.L"}, headers={"authorization": f"Bearer {secret}"}
    )
    assert refused.status_code == 400 and "Ask an admin to add SHEL.L" in refused.text


def test_an_empty_symbol_is_refused_with_a_sentence(ada: Member) -> None:
    refused = ada.add("   ")
    assert refused.status_code == 400 and "type a symbol or a name to add" in refused.text
    assert "Type a name or a symbol to search for." in ada.browser.get(f"{ada.page}?find=").text


def test_a_too_long_search_is_refused_with_a_sentence(ada: Member) -> None:
    page = ada.type_symbol("A" * 200)
    assert "A search is at most 60 characters." in page
    assert "Found for" not in page


def test_a_search_that_finds_nothing_says_so(ada: Member) -> None:
    page = ada.type_symbol("ZZZQ")
    assert "Yahoo&#39;s search found nothing we can track for “ZZZQ”." in page
    assert ada.symbols() == []


def test_a_known_symbol_still_goes_straight_on_the_list(ada: Member) -> None:
    answer = ada.add("spx")
    assert answer.headers["location"] == f"{ada.page}?done=added"
    assert ada.symbols() == ["SPX"]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_without_javascript_a_searched_symbol_is_confirmed(
    tmp_path: Path, scheme: str
) -> None:
    """At 390 px, light and dark, no JavaScript: the search results fit the width, and
    the confirm button adds the instrument. (Layout does not depend on the store's
    backend: SQLite only, as tests/web/test_watchlist_layout.py.)"""
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    for ada in _member(f"sqlite:///{tmp_path / 'tickerwire.sqlite3'}"):
        signed = actions.sign_in(ada.runtime, "ada", PASSWORD, address="127.0.0.1")
        app = create_app(ada.runtime.settings, runtime=ada.runtime)
        with serving(app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(
                viewport={"width": 390, "height": 844},
                color_scheme=scheme,  # type: ignore[arg-type]
                java_script_enabled=False,
            )
            context.add_cookies([{"name": SESSION_COOKIE, "value": signed.secret, "url": base}])
            page = context.new_page()
            page.goto(base + ada.page)
            page.fill("#add-symbol", "ASML")
            with page.expect_navigation():
                page.click("form[action$='/add'] button")
            assert page.locator(".found-symbols td[data-label='Calendar']").inner_text() == "XNAS"
            page.screenshot(
                path=screenshot_path(f"phone-watchlist-search-{scheme}"), full_page=True
            )
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
            with page.expect_navigation():
                page.click("text=Confirm ASML")
            assert "on the site, its history loaded" in page.content()
            assert page.locator('.watchlist-ribbon .ribbon-cell[data-symbol="ASML"]').count() == 1
            browser.close()
        assert widths[0] <= widths[1]
        channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
        assert (max(channels) < 60) == (scheme == "dark")
