"""Strangers' documents are parsed and extracted in worker processes: a worker that dies or
runs out of time costs one document, never the portal, and the event loop keeps answering.

Workers are killed here the way a segfault in lxml kills them: from outside, by pid, while
they work on a slow page. Nothing in the code under test knows it is being tested.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from support.http_server import LocalServer, Reply
from support.newsroom import FED_STORY, OIL_STORY, Newsroom, Story, article_page
from tickerwire.config import Settings, WorkerSettings
from tickerwire.news import budget
from tickerwire.news.continuity import feed_notes
from tickerwire.news.extract.interstitial import BOT_CHECK
from tickerwire.news.workers import DocumentWorkers, ParsedFeed
from tickerwire.runtime import Runtime
from tickerwire.store.news import FeedRow
from tickerwire.web.app import create_app

pytestmark = pytest.mark.anyio

SLOW_STORY = Story("slow-page", "A very long market wrap", ["It goes on."], minutes_after=60)
_PARAGRAPH = "Markets moved as traders weighed the outlook for rates and earnings this week. "


def slow_page() -> bytes:
    """A real, legal article page that takes the extractor a second or more: many long
    paragraphs, under every size and complexity cap."""
    paragraphs = "".join(f"<p>{_PARAGRAPH * 12} ({n})</p>" for n in range(9_000))
    return (
        "<!doctype html><html><head><title>A very long market wrap</title></head><body>"
        f"<article><h1>A very long market wrap</h1>{paragraphs}</article></body></html>"
    ).encode()


def huge_feed(base: str, items: int) -> bytes:
    entries = "".join(
        f"<item><title>Item {n}</title><guid>item-{n}</guid><description>Note {n}"
        "</description></item>"
        for n in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    ).encode()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def newsroom(server: LocalServer) -> Newsroom:
    room = Newsroom(server)
    room.publish(FED_STORY, OIL_STORY, SLOW_STORY)
    server.route(
        f"/news/{SLOW_STORY.slug}",
        Reply(body=slow_page(), headers={"Content-Type": "text/html; charset=utf-8"}),
    )
    return room


def settings_for(database_url: str, **workers: Any) -> Settings:
    return Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 10, "feed_max_bytes": 64 * 2**20},
        workers={"processes": 2, **workers},
    )


@pytest.fixture
async def runtime(database_url: str) -> AsyncIterator[Runtime]:
    runtime = await Runtime.open(settings_for(database_url))
    yield runtime
    await runtime.close()


def kill_workers() -> int:
    """SIGKILL every worker process this test process has, as a crash in C would."""
    killed = 0
    for child in multiprocessing.active_children():
        if child.pid is not None:
            os.kill(child.pid, signal.SIGKILL)
            killed += 1
    return killed


def stored(runtime: Runtime, story: Story) -> Any:
    rows = [a for a in runtime.news.latest_articles() if a.title == story.title]
    return runtime.news.article(rows[0].id) if rows else None


async def fast_pages_stored(runtime: Runtime, refresh: asyncio.Task[Any]) -> None:
    """Wait until the two quick pages are stored, while the slow one is still in a worker."""
    while stored(runtime, FED_STORY) is None or stored(runtime, OIL_STORY) is None:
        assert not refresh.done(), refresh.result()
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def portal_client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The portal's app, started as uvicorn would start it, on this test's event loop."""
    app = create_app(runtime.settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://portal") as client,
    ):
        yield client


def add_feed(runtime: Runtime, url: str) -> FeedRow:
    return runtime.news.add_feed(url, now=runtime.now())


async def test_a_page_whose_worker_dies_twice_is_marked_failed_and_the_others_are_stored(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    refresh = asyncio.create_task(
        runtime.pipeline.refresh_feed(add_feed(runtime, server.url("/feed.xml")))
    )
    await fast_pages_stored(runtime, refresh)
    while not refresh.done():  # every worker that takes the slow page up dies
        kill_workers()
        await asyncio.sleep(0.05)
    assert refresh.result().status == "ok" and refresh.result().new_entries == 3
    slow = stored(runtime, SLOW_STORY)
    assert slow.extracted is False
    assert slow.extraction_error.startswith("the page made its worker crash ")
    assert stored(runtime, FED_STORY).extracted and stored(runtime, OIL_STORY).extracted


async def test_a_page_whose_worker_dies_once_is_retried_and_extracted(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    refresh = asyncio.create_task(
        runtime.pipeline.refresh_feed(add_feed(runtime, server.url("/feed.xml")))
    )
    await fast_pages_stored(runtime, refresh)
    assert kill_workers() > 0
    assert (await refresh).status == "ok"
    slow = stored(runtime, SLOW_STORY)
    assert (slow.extracted, slow.extraction_error) == (True, None)


async def test_the_portal_keeps_answering_after_its_workers_crash(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    refresh = asyncio.create_task(
        runtime.pipeline.refresh_feed(add_feed(runtime, server.url("/feed.xml")))
    )
    await fast_pages_stored(runtime, refresh)
    while not refresh.done():
        kill_workers()
        await asyncio.sleep(0.05)
    async with portal_client(runtime) as client:
        page = await client.get("/feeds.json")
    assert page.status_code == 200
    # And the pool is whole again: the next page is extracted by a new worker.
    again = await runtime.pipeline.workers.read_page(slow_page(), url=server.base_url)
    assert again.article is not None and again.article.title == "A very long market wrap"


async def test_a_page_over_its_time_budget_is_refused_and_the_others_are_stored(
    database_url: str, newsroom: Newsroom, server: LocalServer
) -> None:
    runtime = await Runtime.open(settings_for(database_url, extract_seconds=0.5))
    try:
        result = await runtime.pipeline.refresh_feed(add_feed(runtime, server.url("/feed.xml")))
        assert result.status == "ok" and result.new_entries == 3
        slow = stored(runtime, SLOW_STORY)
        assert slow.extraction_error == "the page took longer than the 0.5 s budget to extract"
        assert stored(runtime, FED_STORY).extracted
    finally:
        await runtime.close()


class WatchedWorkers(DocumentWorkers):
    """The real workers, telling the test when a feed's parse starts and ends."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime.settings.workers)
        self.started = asyncio.Event()
        self.finished = asyncio.Event()

    async def parse_feed(
        self, content: bytes, *, url: str, content_type: str | None, max_entries: int = 500
    ) -> ParsedFeed:
        self.started.set()
        try:
            return await super().parse_feed(
                content, url=url, content_type=content_type, max_entries=max_entries
            )
        finally:
            self.finished.set()


async def test_while_a_huge_feed_is_parsed_the_portal_answers_requests(
    runtime: Runtime, server: LocalServer
) -> None:
    server.route("/huge.xml", Reply(body=huge_feed(server.base_url, 200_000)))
    runtime.pipeline.workers.close()
    watched = runtime.pipeline.workers = WatchedWorkers(runtime)
    refresh = asyncio.create_task(
        runtime.pipeline.refresh_feed(add_feed(runtime, server.url("/huge.xml")))
    )
    await watched.started.wait()
    async with portal_client(runtime) as client:
        page = await client.get("/feeds.json")
    assert page.status_code == 200
    assert not watched.finished.is_set() and not refresh.done()
    refresh.cancel()
    with pytest.raises(asyncio.CancelledError):
        await refresh


async def test_a_feed_over_its_parse_budget_fails_saying_so(
    database_url: str, server: LocalServer
) -> None:
    server.route("/huge.xml", Reply(body=huge_feed(server.base_url, 200_000)))
    runtime = await Runtime.open(settings_for(database_url, parse_seconds=0.5))
    try:
        result = await runtime.pipeline.refresh_feed(add_feed(runtime, server.url("/huge.xml")))
        expected = "not a readable feed: the feed took longer than the 0.5 s budget to parse"
        assert (result.status, result.error) == ("error", expected)
        assert runtime.news.feeds()[0].last_error == expected
    finally:
        await runtime.close()


async def test_an_item_whose_html_is_too_complex_is_cut_and_the_cut_is_reported(
    runtime: Runtime, server: LocalServer
) -> None:
    depth = budget.MAX_FRAGMENT_TAGS
    nested = "<blockquote>" * depth + "deep" + "</blockquote>" * depth
    items = (
        f"<item><title>Nested</title><guid>nested</guid><description><![CDATA[{nested}]]>"
        "</description></item>"
        "<item><title>Plain</title><guid>plain</guid><description>Fine.</description></item>"
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )
    server.route("/nested.xml", Reply(body=body.encode()))
    result = await runtime.pipeline.refresh_feed(add_feed(runtime, server.url("/nested.xml")))
    assert result.status == "ok" and result.new_entries == 2
    assert result.cuts == (
        f"an HTML fragment with {2 * depth:,} tags was left out as too complex "
        f"(the limit is {depth:,})",
    )
    (stored,) = runtime.news.feeds()
    assert stored.last_cuts == result.cuts[0]
    assert f"The last fetch left part of the feed out: {result.cuts[0]}." in feed_notes(stored)
    titles = {a.title: a.id for a in runtime.news.latest_articles()}
    assert "<blockquote" not in runtime.news.article(titles["Nested"]).summary_html  # type: ignore[union-attr]


async def test_a_page_read_in_a_worker_says_what_it_is_when_it_is_no_article() -> None:
    workers = DocumentWorkers(WorkerSettings(processes=1))
    wall = (
        b"<html><head><title>Just a moment...</title></head><body><p>Checking your browser"
        b" before accessing the site.</p></body></html>"
    )
    try:
        reading = await workers.read_page(wall, url="https://news.example/a")
        page = article_page(FED_STORY, "https://news.example")
        story = await workers.read_page(page, url="https://news.example/b")
    finally:
        workers.close()
    assert reading.interstitial == BOT_CHECK
    assert story.article is not None and story.interstitial is None
