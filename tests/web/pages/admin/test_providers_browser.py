"""Failover as a reader and an admin see it, in Debian's Chromium at 390 px, light and dark,
without JavaScript: Yahoo turned off, the ribbon names the source that took over, and the
admin's provider page shows a source that disagrees. Screenshots go to artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.http_server import LocalServer
from support.markets_desk import MarketsDesk
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.accounts.tokens import SESSION_COOKIE
from tickerwire.web.app import create_app
from web.pages.admin.test_providers import desk_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("cheap_hashes")]

PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"


class Phone:
    def __init__(self, browser: Browser, base: str, secret: str) -> None:
        self.browser, self.base, self.secret = browser, base, secret

    def open(self, path: str, scheme: str) -> Page:
        context = self.browser.new_context(
            viewport=PHONE,  # type: ignore[arg-type]
            color_scheme=scheme,  # type: ignore[arg-type]
            java_script_enabled=False,
        )
        context.add_cookies([{"name": SESSION_COOKIE, "value": self.secret, "url": self.base}])
        page = context.new_page()
        page.goto(self.base + path)
        return page


@pytest.fixture(scope="module")
def failed_over(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phone]:
    """Yahoo answered one poll, then was turned off; CoinGecko has Bitcoin at 99,000, Stooq
    at 95,000."""
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    folder = tmp_path_factory.mktemp("failover")
    with LocalServer() as server:
        desk = MarketsDesk(server)
        settings = desk_settings(f"sqlite:///{folder / 'tickerwire.sqlite3'}", server.base_url)
        with (
            opened_runtime(settings) as runtime,
            TestClient(create_app(settings, runtime=runtime)) as client,
        ):
            assert client.portal is not None
            actions.create_member(runtime, "ada", PASSWORD, admin=True)
            secret = actions.sign_in(runtime, "ada", PASSWORD, address="127.0.0.1").secret
            client.portal.call(runtime.poller.refresh)
            desk.off.add("yahoo")
            desk.prices[("coingecko", "BTCUSD")] = 99000.0
            client.portal.call(runtime.poller.refresh)
            with serving(client.app) as base, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                yield Phone(browser, base, secret)
                browser.close()
            client.portal.call(runtime.fetcher._client._transport.aclose)  # test teardown


def fits(page: Page) -> bool:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return bool(widths[0] <= widths[1])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_ribbon_names_the_source_that_took_over(failed_over: Phone, scheme: str) -> None:
    page = failed_over.open("/", scheme)
    page.screenshot(path=screenshot_path(f"phone-failover-home-{scheme}"), full_page=True)
    spx = page.locator(".ribbon-cell[data-symbol='SPX'] [data-field='provider']").first
    assert spx.inner_text() == "stooq"
    assert fits(page)
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_provider_page_shows_the_disagreement(failed_over: Phone, scheme: str) -> None:
    page = failed_over.open("/admin/providers", scheme)
    page.screenshot(path=screenshot_path(f"phone-admin-providers-{scheme}"), full_page=True)
    text = page.inner_text("main")
    assert "disagrees" in text and "from coingecko (tolerance 1 %)" in text
    assert fits(page)
    page.context.close()
