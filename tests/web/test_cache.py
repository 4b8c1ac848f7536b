"""The render cache: a page is rendered once per change of its data, however many readers
ask for it at the same moment."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from tickerwire.web.cache import RenderCache

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
    cache.invalidate()
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
