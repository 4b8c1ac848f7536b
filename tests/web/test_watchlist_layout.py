"""A member's pages on a phone (390 px wide), in light and dark, in Debian's Chromium:
the watchlists, one watchlist, the API tokens, the alerts, the inbox and the member's home
page. Nothing scrolls
sideways, dark mode is dark, and every form works without JavaScript. Each page is saved
under artifacts/ for a person to look at. (Browser layout does not depend on the store's
backend, so these run on SQLite only, as tests/web/test_layout.py does.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.portal import shared_portal
from support.tagged_news import save_tagged
from tickerwire import actions
from tickerwire.accounts.tokens import SESSION_COOKIE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"
PAGES = {
    "watchlists": "/watchlists",
    "watchlist": "/watchlists/{id}",
    "tokens": "/account/tokens",
    "member-home": "/",
    "member-topic": "/topic/federal-reserve",
    "alerts": "/alerts",
    "inbox": "/inbox",
}


class Phone:
    """Opens pages in a fresh 390 px tab signed in as a member."""

    def __init__(self, browser: Browser, base: str, secret: str, watchlist: int) -> None:
        self.browser, self.base, self.secret, self.watchlist = browser, base, secret, watchlist

    def open(self, name: str, scheme: str, *, javascript: bool = True) -> Page:
        context = self.browser.new_context(
            viewport=PHONE,  # type: ignore[arg-type]
            color_scheme=scheme,  # type: ignore[arg-type]
            java_script_enabled=javascript,
        )
        context.add_cookies([{"name": SESSION_COOKIE, "value": self.secret, "url": self.base}])
        page = context.new_page()
        page.goto(self.base + PAGES[name].format(id=self.watchlist))
        page.wait_for_load_state("networkidle")
        return page


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phone]:
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    with shared_portal(tmp_path_factory.mktemp("watchlist-layout")) as (client, runtime):
        member = actions.create_member(runtime, "ada_lovelace-longname", PASSWORD)
        made = actions.create_watchlist(
            runtime,
            member.id,
            "A watchlist with a rather long name to wrap",
            ["SPX", "GC", "CL", "BTCUSD", "EURUSD"],
        )
        actions.create_api_token(runtime, member.id, "laptop script on the kitchen table")
        actions.create_price_alert(runtime, member.id, "BTCUSD", "above", 250_000, demo=True)
        actions.create_news_alert(runtime, member.id, "search", '"a phrase long enough to wrap"')
        actions.create_news_alert(runtime, member.id, "watchlist")
        save_tagged(
            runtime.news,
            "A headline about gold that runs on long enough to wrap on a phone",
            runtime.now(),
            symbols=("GC",),
        )
        signed = actions.sign_in(runtime, member.username, PASSWORD, address="127.0.0.1")
        with serving(client.app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            yield Phone(browser, base, signed.secret, made.id)
            browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_no_member_page_scrolls_sideways_on_a_phone(phone: Phone, name: str, scheme: str) -> None:
    page = phone.open(name, scheme)
    page.screenshot(path=screenshot_path(f"phone-{name}-{scheme}"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.close()
    assert widths[0] <= widths[1]


@pytest.mark.parametrize("name", PAGES)
def test_dark_mode_darkens_every_member_page(phone: Phone, name: str) -> None:
    page = phone.open(name, "dark")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    page.close()
    channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
    assert max(channels) < 60


def test_an_instrument_is_added_without_javascript(phone: Phone) -> None:
    page = phone.open("watchlist", "light", javascript=False)
    page.fill("#add-symbol", "SI")
    with page.expect_navigation():
        page.click("form[action$='/add'] button")
    assert "The instrument is on the list." in page.content()
    assert page.locator('.watchlist-ribbon .ribbon-cell[data-symbol="SI"]').count() == 1
    page.close()


def test_an_alert_is_set_without_javascript(phone: Phone) -> None:
    page = phone.open("alerts", "light", javascript=False)
    page.select_option("#price-symbol", "GC")
    page.select_option("#price-condition", "below")
    page.fill("#price-level", "1500")
    with page.expect_navigation():
        page.click("form[action='/alerts/price'] button")
    assert "Your alert is set." in page.content()
    assert page.locator(".alert-list li", has_text="Gold below 1,500.00").count() == 1
    page.close()
