"""Yesterday's home page in Debian's Chromium, through ``?at=``: labelled as a past view on
a phone in light and dark, with and without JavaScript, nothing scrolling sideways, and the
way back to now leading to the page of today. Screenshots go to artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.moments import FRIDAY_MORNING
from support.portal import shared_portal
from support.tagged_news import save_tagged

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
YESTERDAY = "/?at=2026-11-19T15:00Z"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, str]]:
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    with shared_portal(tmp_path_factory.mktemp("past")) as (client, runtime):
        moment = FRIDAY_MORNING - timedelta(days=1, minutes=30)
        save_tagged(runtime.news, "Thursday's market wrap", moment, symbols=("SPX",))
        with serving(client.app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            yield browser, base
            browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_yesterdays_home_page_is_labelled_as_a_past_view(
    site: tuple[Browser, str], scheme: str, script: bool
) -> None:
    from playwright.sync_api import expect

    browser, base = site
    page = browser.new_page(viewport=PHONE, color_scheme=scheme, java_script_enabled=script)  # type: ignore[arg-type]
    page.goto(base + YESTERDAY)
    page.wait_for_load_state("networkidle")
    label = page.locator("#past-view-label")
    expect(label).to_be_visible()
    expect(label).to_contain_text("as it was at 19 Nov 2026 15:00 UTC")
    expect(page.locator(".lead-title")).to_have_text("Thursday's market wrap")
    name = f"past-home-{scheme}-{'js' if script else 'no-js'}"
    page.screenshot(path=screenshot_path(name), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    page.get_by_role("link", name="Back to now").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url == base + "/"
    expect(page.locator("#past-view-label")).to_have_count(0)
    page.close()


def test_a_past_view_is_not_updated_by_the_live_script(site: tuple[Browser, str]) -> None:
    browser, base = site
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    streams: list[str] = []
    page.on("request", lambda request: streams.append(request.url))
    page.goto(base + YESTERDAY)
    page.wait_for_load_state("networkidle")
    assert not [url for url in streams if "/api/v1/stream" in url]
    page.goto(base + "/")
    page.wait_for_timeout(500)
    assert any(url.endswith("/api/v1/stream") for url in streams)
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_export_page_fits_a_phone_and_makes_a_link_without_javascript(
    site: tuple[Browser, str], scheme: str
) -> None:
    from playwright.sync_api import expect

    browser, base = site
    page = browser.new_page(viewport=PHONE, color_scheme=scheme, java_script_enabled=False)  # type: ignore[arg-type]
    page.goto(base + "/export")
    page.get_by_label("Dataset").select_option("bars")
    page.get_by_label("Symbols (comma-separated, e.g. SPX,CL)").fill("SPX")
    page.get_by_role("button", name="Make the link").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".form-message a")).to_have_attribute(
        "href", "/api/v1/export/bars.csv?symbols=SPX"
    )
    page.screenshot(path=screenshot_path(f"export-{scheme}"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    page.close()
