"""The market's reaction in Chromium, as a reader sees it: without JavaScript, at 390 px,
in light and dark. A story's page shows its prices at publication and a horizon measured
beside one still pending; the quote page's chart marks the story with a link that opens
it; "Why is it moving?" lists it. Screenshots are saved in artifacts/ for a person."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.reaction_demo import DOW_STORY, OPEN_FRIDAY, reaction_demo

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCHEMES = ("light", "dark")


@dataclass
class Site:
    browser: object
    base: str
    article: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo prepared first (+15 min measured, +1 h pending), then served to Chromium,
    whose sync API runs an event loop in this thread."""
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    folder: Path = tmp_path_factory.mktemp("reactions")
    published = OPEN_FRIDAY + timedelta(minutes=1)
    with reaction_demo(f"sqlite:///{folder / 'tickerwire.sqlite3'}") as demo:
        demo.poll_until(published + timedelta(minutes=15))
        demo.measure_at(published + timedelta(minutes=17))
        article = f"/article/{demo.article_id(DOW_STORY)}"
        with serving(demo.client.app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            yield Site(browser, base, article)
            browser.close()


def open_page(site: Site, path: str, scheme: str):  # type: ignore[no-untyped-def]
    page = site.browser.new_page(  # type: ignore[attr-defined]
        viewport=PHONE, color_scheme=scheme, java_script_enabled=False
    )
    page.goto(site.base + path)
    return page


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_article_shows_since_publication_on_a_phone_without_javascript(
    site: Site, scheme: str
) -> None:
    from playwright.sync_api import expect

    page = open_page(site, site.article, scheme)
    block = page.locator(".since-publication")
    block.scroll_into_view_if_needed()
    expect(block.locator("h2")).to_have_text("Since publication")
    expect(block.locator(".at-publication").first).to_contain_text("At publication:")
    rows = block.locator(".reaction-table tbody tr")
    expect(rows.nth(0).locator(".move").first).to_have_text(re.compile(r"^[+−]?\d+\.\d\d %$"))
    expect(rows.nth(1)).to_contain_text("pending until")
    expect(block.locator(".disclaimer")).to_have_text(
        "Not investment advice; other news may move the same prices."
    )
    expect(block.locator(".simulated-label")).to_be_visible()
    block.screenshot(path=screenshot_path(f"reactions-article-{scheme}"))
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.close()
    assert widths[0] <= widths[1]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_quote_chart_marks_the_story_and_its_marker_opens_it(site: Site, scheme: str) -> None:
    from playwright.sync_api import expect

    page = open_page(site, "/quote/DJI", scheme)
    marker = page.locator("#chart a.news-marker").first
    expect(marker).to_have_attribute("href", site.article)
    expect(page.locator(".news-markers li").first).to_contain_text(DOW_STORY.title)
    page.locator(".chart-panel").screenshot(path=screenshot_path(f"reactions-quote-chart-{scheme}"))
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    marker.click()
    expect(page).to_have_url(site.base + site.article)
    page.close()
    assert widths[0] <= widths[1]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_why_is_it_moving_lists_the_story_on_a_phone(site: Site, scheme: str) -> None:
    from playwright.sync_api import expect

    page = open_page(site, "/", scheme)
    page.locator('.ribbon-cell[data-symbol="DJI"] a.ribbon-why').click()
    expect(page.locator("h1")).to_have_text("Why is Dow 30 moving?")
    expect(page.locator(".why-list .headline-title").first).to_have_text(DOW_STORY.title)
    page.screenshot(path=screenshot_path(f"reactions-why-{scheme}"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.close()
    assert widths[0] <= widths[1]
