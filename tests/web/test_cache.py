"""The render cache: a page is rendered once per change of its data, however many readers
ask for it at the same moment."""

from __future__ import annotations

import gzip
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from tickerwire.live.bus import Event
from tickerwire.web.cache import (
    ANY_DATA,
    EVERYTHING,
    MAX_STALE_SECONDS,
    NEWS,
    QUOTES,
    RENDER_GRACE_SECONDS,
    RenderCache,
    quote_source,
    sources_of,
)

NOW = datetime(2026, 11, 24, 15, 30, 10, tzinfo=UTC)
READERS = 40


def test_a_cached_page_is_served_without_rendering_again() -> None:
    cache = RenderCache()
    assert cache.get_or_render("/", NOW, lambda: b"first") == b"first"
    assert cache.get_or_render("/", NOW, lambda: b"second") == b"first"
    assert cache.renders == 1


def test_an_invalidation_renders_the_page_anew() -> None:
    cache = RenderCache()
    cache.get_or_render("/", NOW, lambda: b"before")
    cache.changed([EVERYTHING])
    assert cache.get_or_render("/", NOW, lambda: b"after") == b"after"


def test_the_next_minute_renders_anew_because_the_banner_counts_minutes() -> None:
    cache = RenderCache()
    cache.get_or_render("/", NOW, lambda: b"this minute")
    later = NOW + timedelta(minutes=1)
    assert cache.get_or_render("/", later, lambda: b"next minute") == b"next minute"


def test_many_readers_missing_at_once_share_one_render() -> None:
    cache = RenderCache()
    calls = 0
    start = threading.Barrier(READERS)

    def render() -> bytes:
        nonlocal calls
        calls += 1
        time.sleep(0.2)  # long enough for every other reader to arrive and miss
        return b"page"

    def reader() -> bytes:
        start.wait()
        return cache.get_or_render("/", NOW, render)

    with ThreadPoolExecutor(READERS) as pool:
        bodies = list(pool.map(lambda _: reader(), range(READERS)))
    assert bodies == [b"page"] * READERS
    assert calls == 1


def test_a_failed_render_reaches_every_waiting_reader_and_is_not_kept() -> None:
    cache = RenderCache()
    start = threading.Barrier(4)

    def broken() -> bytes:
        time.sleep(0.1)
        raise RuntimeError("the store is gone")

    def reader() -> str:
        start.wait()
        try:
            cache.get_or_render("/", NOW, broken)
        except RuntimeError as error:
            return str(error)
        return "no error"

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: reader(), range(4))) == ["the store is gone"] * 4
    assert cache.get_or_render("/", NOW, lambda: b"recovered") == b"recovered"


def test_the_cache_keeps_at_most_its_size() -> None:
    cache = RenderCache(max_entries=2)
    for key in ("/a", "/b", "/c"):
        cache.get_or_render(key, NOW, key.encode)
    assert cache.get_or_render("/c", NOW, lambda: b"again") == b"/c"
    assert cache.get_or_render("/a", NOW, lambda: b"again") == b"again"  # the oldest went


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def stored(cache: RenderCache, body: bytes, when: datetime = NOW) -> None:
    cache.get_or_render("/", when, lambda: body)
    cache.remember("http://portal/", "/", ANY_DATA, when, "text/html", None)


def ready_body(cache: RenderCache, when: datetime = NOW) -> bytes | None:
    page = cache.ready("http://portal/", when)
    return page.body if page is not None else None


def test_a_remembered_address_is_answered_with_the_stored_page_and_its_tag() -> None:
    cache = RenderCache()
    stored(cache, b"page")
    page = cache.ready("http://portal/", NOW)
    assert page is not None and page.body == b"page" and page.etag.startswith('"')
    assert cache.ready("http://portal/other", NOW) is None


def test_after_a_change_one_reader_renders_and_the_others_get_the_copy_meanwhile() -> None:
    cache = RenderCache()
    stored(cache, b"before")
    cache.changed([EVERYTHING])
    assert ready_body(cache) is None  # the first reader goes on to render it anew
    assert ready_body(cache) == b"before"  # the next ones do not wait for that render
    stored(cache, b"after")
    assert ready_body(cache) == b"after"


def test_a_copy_too_old_is_not_sent_while_the_page_renders() -> None:
    clock = Clock()
    cache = RenderCache(clock=clock)
    stored(cache, b"old")
    cache.changed([EVERYTHING])
    clock.seconds = MAX_STALE_SECONDS + 1
    assert ready_body(cache) is None
    assert ready_body(cache) is None


def test_a_render_that_never_came_lets_another_reader_try() -> None:
    clock = Clock()
    cache = RenderCache(clock=clock)
    stored(cache, b"before")
    cache.changed([EVERYTHING])
    assert ready_body(cache) is None  # this render fails: nothing is remembered
    clock.seconds = RENDER_GRACE_SECONDS + 1
    assert ready_body(cache) is None


def test_a_render_is_kept_across_changes_to_what_it_does_not_show() -> None:
    cache = RenderCache()
    cache.get_or_render("headlines", NOW, lambda: b"news", sources=(NEWS,))
    cache.get_or_render("spx", NOW, lambda: b"spx at 5000", sources=(quote_source("SPX"),))
    cache.changed(sources_of(Event("quote", "BTCUSD", {})))
    assert cache.get_or_render("headlines", NOW, lambda: b"again", sources=(NEWS,)) == b"news"
    spx = cache.get_or_render("spx", NOW, lambda: b"again", sources=(quote_source("SPX"),))
    assert spx == b"spx at 5000"
    cache.changed(sources_of(Event("quote", "SPX", {})))
    spx = cache.get_or_render("spx", NOW, lambda: b"spx at 5001", sources=(quote_source("SPX"),))
    assert spx == b"spx at 5001"


def test_an_event_of_unknown_kind_renders_everything_anew() -> None:
    cache = RenderCache()
    cache.get_or_render("headlines", NOW, lambda: b"before", sources=(NEWS,))
    cache.changed(sources_of(Event("settings", "", {})))
    assert cache.get_or_render("headlines", NOW, lambda: b"after", sources=(NEWS,)) == b"after"


def test_a_new_article_renders_what_shows_news_and_keeps_the_quotes() -> None:
    cache = RenderCache()
    cache.get_or_render("ribbon", NOW, lambda: b"ribbon", sources=(QUOTES,))
    cache.changed(sources_of(Event("news", "7", {"feed": 7, "new": 2})))
    assert cache.get_or_render("ribbon", NOW, lambda: b"again", sources=(QUOTES,)) == b"ribbon"


def test_renders_are_counted_by_the_kind_their_key_names() -> None:
    cache = RenderCache()
    cache.get_or_render("part markets_top ", NOW, lambda: b"ribbon")
    cache.get_or_render("page html /", NOW, lambda: b"page")
    cache.get_or_render("page html /", NOW, lambda: b"page")
    assert cache.renders_of == {"part": 1, "page": 1}


def test_a_stored_page_is_compressed_once_and_the_same_each_time() -> None:
    cache = RenderCache()
    stored(cache, b"<p>page</p>" * 100)
    page = cache.ready("http://portal/", NOW)
    assert page is not None
    first = cache.gzipped(page)
    assert gzip.decompress(first) == page.body and len(first) < len(page.body)
    assert cache.gzipped(page) is first


def test_a_page_found_current_is_found_stale_again_after_a_change() -> None:
    cache = RenderCache()
    stored(cache, b"before")
    assert ready_body(cache) == b"before"
    assert ready_body(cache) == b"before"  # current, and known to be so
    cache.changed([QUOTES])  # one of the page's sources
    assert ready_body(cache) is None  # this reader renders it anew


def test_a_page_found_current_is_looked_at_again_in_the_next_minute() -> None:
    cache = RenderCache()
    stored(cache, b"page")
    assert ready_body(cache) == b"page"
    assert ready_body(cache, NOW + timedelta(minutes=1)) is None  # its minute has passed
