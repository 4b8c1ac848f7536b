"""Every page on a phone (390 px wide), in light and dark, in Debian's Chromium: nothing
scrolls sideways, the news starts on the first screen, the skip link is the first stop,
and dark mode is dark. Each page is saved under artifacts/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.portal import shared_portal

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCHEMES = ["light", "dark"]
#: Every kind of page a reader can land on; "{article}" is the Fed story's page.
PAGES = {
    "home": "/",
    "article": "{article}",
    "quote": "/quote/SPX",
    "topic": "/topic/federal-reserve",
    "search": "/search?q=inflation",
    "feeds": "/feeds",
    "not-found": "/article/999999",
}


class Phone:
    """Opens the portal's pages in a fresh 390 px tab."""

    def __init__(self, browser: Browser, base: str, paths: dict[str, str]) -> None:
        self.browser, self.base, self.paths = browser, base, paths

    def open(self, name: str, scheme: str) -> Page:
        page = self.browser.new_page(viewport=PHONE, color_scheme=scheme)  # type: ignore[arg-type]
        page.goto(self.base + self.paths[name])
        page.wait_for_load_state("networkidle")
        return page


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phone]:
    """The portal served, then Chromium (whose sync API runs an event loop in this thread,
    so the portal is prepared first)."""
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    with shared_portal(tmp_path_factory.mktemp("layout")) as (client, _):
        paths = dict(PAGES, article=client.get("/index.json").json()["headlines"][0]["path"])
        with serving(client.app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            yield Phone(browser, base, paths)
            browser.close()


@pytest.fixture(params=SCHEMES)
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone: Phone, name: str, scheme: str) -> None:
    page = phone.open(name, scheme)
    page.screenshot(path=screenshot_path(f"phone-{name}-{scheme}"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.close()
    assert widths[0] <= widths[1]


@pytest.mark.parametrize("name", PAGES)
def test_the_skip_link_is_the_first_stop_and_leads_to_the_main_content(
    phone: Phone, name: str
) -> None:
    from playwright.sync_api import expect

    page = phone.open(name, "light")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_dark_mode_darkens_every_page(phone: Phone, name: str) -> None:
    page = phone.open(name, "dark")
    background, ink = page.evaluate(
        "[getComputedStyle(document.documentElement).backgroundColor,"
        " getComputedStyle(document.body).color]"
    )
    page.close()
    assert luminance(background) < 0.05
    assert luminance(ink) > 0.6


def test_the_news_starts_on_the_first_screen_of_a_phone(phone: Phone, scheme: str) -> None:
    from playwright.sync_api import expect

    page = phone.open("home", scheme)
    first = page.locator(".home-news :is(.lead-title, .headline-title)").first
    expect(first).to_be_in_viewport()
    box = first.bounding_box()
    page.close()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]


def test_the_ribbon_is_one_row_that_scrolls_sideways_on_a_phone(
    phone: Phone,
) -> None:
    page = phone.open("home", "light")
    tops = page.eval_on_selector_all(
        ".ribbon-cell", "cells => cells.map(c => Math.round(c.getBoundingClientRect().top))"
    )
    scrolls = page.eval_on_selector(".ribbon", "r => r.scrollWidth > r.clientWidth")
    page.close()
    assert len(tops) == 16 and len(set(tops)) == 1
    assert scrolls is True


def test_up_and_down_keep_their_contrast_in_dark_mode(
    phone: Phone,
) -> None:
    page = phone.open("home", "dark")
    colours = page.evaluate(
        """() => {
          const probe = document.createElement("span");
          document.body.append(probe);
          const read = (name) => {
            probe.style.color = `var(${name})`;
            return getComputedStyle(probe).color;
          };
          const root = getComputedStyle(document.documentElement);
          return [read("--up"), read("--down"), root.backgroundColor];
        }"""
    )
    page.close()
    up, down, background = colours
    assert contrast(up, background) >= 4.5
    assert contrast(down, background) >= 4.5


def luminance(css_colour: str) -> float:
    """WCAG relative luminance of an ``rgb(r, g, b)`` colour as computed styles give it."""
    channels = [
        int(part) / 255 for part in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3]
    ]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
