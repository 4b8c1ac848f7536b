"""Done when (issue 9): a real saved page with captioned, credited photos goes through a
local feed into the portal, and in Chromium its article page shows each photo at its place,
with its caption under it and its credit set apart, served from the portal's own origin,
after the publisher has gone.

The pages are readability's saved copies of real articles, read from the shared corpus at
run time (support/saved_pages.py says how they are served and what counts as the truth
about each photo). guardian-1 is a photo essay of thirteen photos whose captions and
credits the page keeps only in its script data (news/extract/image_records.py reads them)
and prints each caption again as a list after its photo; nytimes-4 has one photo with a
``<figcaption>`` caption and a "Credit" element, after the article's summary.

Each page is fetched once per module through the real pipeline (subscribe, feed, page,
extraction, image cache) into a SQLite portal; the publisher is then shut down and the
page is opened in Chromium, in light and dark. The tests below read that one visit.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.http_server import LocalServer
from support.runtimes import Prepare, opened_runtime
from support.saved_pages import (
    SavedPage,
    SavedPhoto,
    StandInPublisher,
    credit_name,
    media_source,
    photo_key,
    saved_page,
    spaced,
    squashed,
)
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Request

# Each page's first test also pays for its ingest and two browser visits (30-50 s alone).
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PAGES = ["guardian-1", "nytimes-4"]
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
MIN_TEXT = 20
"""Shorter texts ("Image", "Advertisement") are found anywhere and place nothing."""

_SHOWN = """
() => Array.from(document.querySelectorAll("article.article figure")).map(figure => {
  const img = figure.querySelector("img");
  const caption = figure.querySelector("figcaption");
  const credit = caption ? caption.querySelector(".credit") : null;
  const body = figure.closest(".article-body");
  let block = figure;
  while (body && block.parentElement !== body) block = block.parentElement;
  let before = body ? block.previousElementSibling : null;
  while (before && before.tagName === "FIGURE") before = before.previousElementSibling;
  const text = caption ? caption.textContent : "";
  const imageBox = img ? img.getBoundingClientRect() : null;
  const captionBox = caption ? caption.getBoundingClientRect() : null;
  return {
    src: img ? img.src : null,
    currentSrc: img ? img.currentSrc : null,
    complete: img ? img.complete : false,
    naturalWidth: img ? img.naturalWidth : 0,
    caption: credit ? text.replace(credit.textContent, " ") : text,
    credit: credit ? credit.textContent : null,
    creditShown: credit ? credit.getClientRects().length > 0 : false,
    captionBelow: Boolean(imageBox && captionBox && captionBox.height > 0
      && captionBox.top >= imageBox.bottom - 1),
    before: before ? before.textContent : null,
  };
})
"""
_IMAGES = "() => Array.from(document.images).flatMap(i => [i.src, i.currentSrc])"
_BODY_BLOCKS = """
() => Array.from(document.querySelectorAll(".article-body > *"))
  .filter(block => block.tagName !== "FIGURE").map(block => block.textContent)
"""
# Loads the page's Content-Security-Policy refuses count too: trying to reach another host
# is as wrong as reaching it, and CSP is not what should keep this page to its origin.
_WATCH_REFUSALS = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", event => {
  window.__refused.push(event.blockedURI);
});
"""
_REFUSED = "() => window.__refused"
_SCROLL_THROUGH = """
async () => {
  for (const img of document.images) {
    img.scrollIntoView({block: "center"});
    await new Promise(resolve => setTimeout(resolve, 25));
  }
  window.scrollTo(0, 0);
}
"""


@dataclass(frozen=True)
class ShownPhoto:
    """One picture of the article as Chromium shows it."""

    key: str
    """``photo_key`` of the publisher's URL the portal fetched it from."""
    src: str
    current_src: str
    loaded: bool
    caption: str
    """The figcaption's text without the credit."""
    credit: str | None
    credit_shown: bool
    caption_below: bool
    before: str | None
    """The text of the nearest block before it in the body that is not a figure; None
    for the lead photo and a photo that opens the body."""


@dataclass(frozen=True)
class Visit:
    page: SavedPage
    photos: list[SavedPhoto]
    portal: str
    shown: list[ShownPhoto]
    images: list[str]
    """Every image URL (src and currentSrc) on the page, in and out of the article."""
    blocks: list[str]
    """The texts of the article body's blocks that are not figures, in order."""
    elsewhere: dict[str, list[str]]
    """Per colour scheme, the requests the page made to any origin but the portal's, and
    the loads its Content-Security-Policy refused."""
    fetched_at_ingest: list[str]
    """The keys of the photos the portal fetched from the publisher before it went."""
    screenshots: list[Path]

    def shown_as(self, photo: SavedPhoto) -> ShownPhoto | None:
        return next((shown for shown in self.shown if shown.key == photo.key), None)

    def kept_before(self, photo: SavedPhoto) -> str | None:
        """The nearest text before ``photo`` in the page that the body kept: the block a
        photo in its place stands after (None: it opens the article)."""
        kept = [squashed(block) for block in self.blocks]
        return next(
            (
                text
                for text in reversed(photo.preceding)
                if len(squashed(text)) >= MIN_TEXT and any(squashed(text) in k for k in kept)
            ),
            None,
        )


def portal_settings(folder: Path) -> Settings:
    """A SQLite portal whose fetcher reaches the local publisher and nothing else: the
    loopback address is allowed on any port, every other host on none."""
    return Settings(
        database_url=f"sqlite:///{folder / 'tickerwire.sqlite3'}",
        data_dir=folder / "data",
        demo=True,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "allowed_ports": [], "deadline": 10},
    )


def subscribing(url: str) -> Prepare:
    async def step(runtime: Runtime) -> None:
        await actions.subscribe(runtime, url)

    return step


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


@pytest.fixture(scope="module", params=PAGES)
def visit(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Visit]:
    chromium = chromium_or_skip()
    page = saved_page(request.param)
    photos = page.photos()
    assert photos and all(p.caption and p.credit for p in photos), (
        f"{page.name} was chosen for its captioned, credited photos; the corpus copy has "
        f"changed: {photos}"
    )
    folder = tmp_path_factory.mktemp(page.name)
    with pytest.MonkeyPatch.context() as environment:
        for name in [n for n in os.environ if n.startswith("TICKERWIRE_")]:
            if not name.startswith(("TICKERWIRE_TEST_", "TICKERWIRE_REQUIRE_")):
                environment.delenv(name)
        environment.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        environment.setenv("XDG_DATA_HOME", str(folder / "data"))
        settings = portal_settings(folder)
        with LocalServer() as server:
            publisher = StandInPublisher(server, page)
            with opened_runtime(settings, subscribing(publisher.feed_url)) as runtime:
                (listing,) = runtime.news.latest_articles()
            fetched = [photo_key(publisher.original(server.url(path))) for path in server.paths()]
        assert refuses_connections(server.port), "the publisher is still answering"
        yield _look(page, photos, settings, publisher, listing.id, fetched, chromium)


def _look(
    page: SavedPage,
    photos: list[SavedPhoto],
    settings: Settings,
    publisher: StandInPublisher,
    article_id: int,
    fetched: list[str],
    chromium: str,
) -> Visit:
    from playwright.sync_api import sync_playwright

    elsewhere: dict[str, list[str]] = {}
    screenshots: list[Path] = []
    shown: list[dict[str, Any]] = []
    images: list[str] = []
    blocks: list[str] = []
    with serving(create_app(settings)) as portal, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for scheme in SCHEMES:
            tab = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            requested: list[str] = []
            tab.on("request", _recording(requested))
            tab.add_init_script(_WATCH_REFUSALS)
            tab.goto(f"{portal}/article/{article_id}")
            tab.evaluate(_SCROLL_THROUGH)
            # A lazy image the scroll passed before the browser got to it (a busy machine)
            # would never load: ask for every one now, then wait for them all.
            tab.evaluate(
                "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
            )
            tab.wait_for_function(
                "() => Array.from(document.images).every(i => i.complete)", timeout=20_000
            )
            tab.wait_for_load_state("networkidle")
            elsewhere[scheme] = [url for url in requested if not url.startswith(f"{portal}/")]
            elsewhere[scheme] += [f"refused: {url}" for url in tab.evaluate(_REFUSED)]
            if scheme == "light":
                shown = tab.evaluate(_SHOWN)
                images = tab.evaluate(_IMAGES)
                blocks = tab.evaluate(_BODY_BLOCKS)
            path = Path(screenshot_path(f"article-corpus-{page.name}-{scheme}"))
            tab.screenshot(path=str(path), full_page=True)
            screenshots.append(path)
            tab.close()
        browser.close()
    return Visit(
        page=page,
        photos=photos,
        portal=portal,
        shown=[_shown_photo(item, portal, publisher) for item in shown],
        images=images,
        blocks=[spaced(block) for block in blocks],
        elsewhere=elsewhere,
        fetched_at_ingest=fetched,
        screenshots=screenshots,
    )


def _recording(urls: list[str]) -> Callable[[Request], None]:
    return lambda request: urls.append(request.url)


def _shown_photo(item: dict[str, Any], portal: str, publisher: StandInPublisher) -> ShownPhoto:
    src = item["src"] or ""
    source = media_source(src) if src.startswith(f"{portal}/media/") else src
    return ShownPhoto(
        key=photo_key(publisher.original(source)),
        src=src,
        current_src=item["currentSrc"] or "",
        loaded=bool(item["complete"]) and item["naturalWidth"] > 0,
        caption=spaced(item["caption"]),
        credit=spaced(item["credit"]) if item["credit"] is not None else None,
        credit_shown=bool(item["creditShown"]),
        caption_below=bool(item["captionBelow"]),
        before=spaced(item["before"]) if item["before"] is not None else None,
    )


def test_every_photo_of_the_article_is_shown_in_the_order_of_the_page(visit: Visit) -> None:
    expected = [photo.key for photo in visit.photos]
    shown = [photo.key for photo in visit.shown]
    assert [key for key in expected if key not in shown] == []
    assert [key for key in shown if key in expected] == expected


def test_the_portal_fetched_every_photo_from_the_publisher_before_it_went(visit: Visit) -> None:
    assert [p.key for p in visit.photos if p.key not in visit.fetched_at_ingest] == []


def test_every_photo_is_loaded_from_the_portal_own_origin_under_media(visit: Visit) -> None:
    ours = f"{visit.portal}/media/"
    for photo in visit.photos:
        shown = visit.shown_as(photo)
        assert shown is not None, f"{photo.key} is not on the page"
        assert shown.loaded, f"{photo.key} did not load ({shown.src})"
        assert shown.src.startswith(ours) and shown.current_src.startswith(ours), shown
    assert visit.images and [url for url in visit.images if not url.startswith(ours)] == []


def test_the_page_requests_nothing_from_any_other_host(visit: Visit) -> None:
    assert visit.elsewhere == {scheme: [] for scheme in SCHEMES}


def test_each_photo_has_its_caption_under_it(visit: Visit) -> None:
    wrong = []
    for photo in visit.photos:
        shown = visit.shown_as(photo)
        has_caption = shown is not None and squashed(photo.caption or "") in squashed(shown.caption)
        if not (has_caption and shown is not None and shown.caption_below):
            wrong.append((photo.key, photo.caption, shown and shown.caption))
    assert wrong == []


def test_no_caption_is_printed_again_as_body_text(visit: Visit) -> None:
    captions = {squashed(p.caption or "") for p in visit.photos} - {""}
    assert [block for block in visit.blocks if squashed(block) in captions] == []


def test_each_photo_has_its_credit_shown_apart_from_the_caption(visit: Visit) -> None:
    wrong = []
    for photo in visit.photos:
        shown = visit.shown_as(photo)
        name = credit_name(photo.credit) or ""
        credit = shown.credit if shown is not None else None
        apart = (
            shown is not None
            and credit is not None
            and shown.credit_shown
            and squashed(name) in squashed(credit)
            and squashed(name) not in squashed(shown.caption)
            # the name, with at most one label ("Photograph:", "Credit")
            and re.fullmatch(r"(?:\w+\s*:?)?", spaced(credit.replace(name, ""))) is not None
        )
        if not apart:
            wrong.append((photo.key, photo.credit, credit))
    assert wrong == []


def test_each_photo_stands_after_the_paragraph_it_followed_in_the_page(visit: Visit) -> None:
    # nytimes-4's photo follows the article's summary, which the extracted body does not
    # keep: it must then stand before the paragraph that came next, opening the body.
    wrong = []
    for photo in visit.photos:
        shown = visit.shown_as(photo)
        before = shown.before if shown is not None else None
        expected = visit.kept_before(photo)
        if expected is None:
            placed = shown is not None and before is None
        else:
            # The block before it may hold more than the paragraph (a list of captions).
            placed = before is not None and squashed(before).endswith(squashed(expected))
        if not placed:
            wrong.append((photo.key, expected, before))
    assert wrong == []


def test_screenshots_in_light_and_dark_are_saved(visit: Visit) -> None:
    assert [path.name for path in visit.screenshots] == [
        f"article-corpus-{visit.page.name}-{scheme}.png" for scheme in SCHEMES
    ]
    assert all(path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for path in visit.screenshots)
