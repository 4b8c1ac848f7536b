"""The console's pages on a phone (390 px wide), in light and dark, in Debian's Chromium,
signed in as an admin: nothing scrolls sideways (each page is saved under artifacts/ for
a person to look at), and a form works without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.portal import shared_portal
from tickerwire import actions
from tickerwire.accounts.tokens import SESSION_COOKIE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("cheap_hashes")]

PHONE = {"width": 390, "height": 844}
PAGES = ["/admin", "/admin/feeds", "/admin/hosts", "/admin/members"]
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
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phone]:
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    with shared_portal(tmp_path_factory.mktemp("admin-layout")) as (client, runtime):
        actions.create_member(runtime, "ada", PASSWORD, admin=True)
        actions.allow_host(runtime, "nas.lan", by="ada")
        secret = actions.sign_in(runtime, "ada", PASSWORD, address="127.0.0.1").secret
        with serving(client.app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            yield Phone(browser, base, secret)
            browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_console_page_scrolls_sideways_on_a_phone(phone: Phone, path: str, scheme: str) -> None:
    page = phone.open(path, scheme)
    name = path.strip("/").replace("/", "-")
    page.screenshot(path=screenshot_path(f"phone-{name}-{scheme}"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.context.close()
    assert widths[0] <= widths[1]


def test_pausing_a_feed_works_without_javascript(phone: Phone) -> None:
    page = phone.open("/admin/feeds", "light")
    page.locator("form[action$='/pause'] button").first.click()
    page.wait_for_url("**/admin/feeds?done=paused")
    assert "nothing fetches it" in page.content()
    page.locator("form[action$='/resume'] button").first.click()
    page.wait_for_url("**/admin/feeds?done=resumed")
    page.context.close()
