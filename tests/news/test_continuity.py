"""Feeds that lose nothing: shared GUIDs, edits at the source, gaps between fetches, 304s
that lie, and publishers that ask every feed of theirs to back off at once.

Each test runs a real pipeline against the local server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from rich.console import Console

from support.feedkit import (
    HTML_HEADERS,
    LONG_PARAGRAPHS,
    RSS_HEADERS,
    START,
    Item,
    MovableClock,
    article_page,
    portal,
    rss,
)
from support.http_server import LocalServer, RecordedRequest, Reply
from tickerwire.cli.feeds import feeds_report
from tickerwire.news.continuity import FeedState, identify, read_fetch
from tickerwire.news.model import Entry
from tickerwire.news.schedule import DEFAULT_SETTINGS
from tickerwire.runtime import Runtime

pytestmark = pytest.mark.anyio


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


def serve_feed(server: LocalServer, items: list[Item], path: str = "/feed.xml") -> None:
    server.route(path, Reply(body=rss(items), headers=RSS_HEADERS))


async def subscribe(runtime: Runtime, url: str) -> int:
    feed = runtime.news.add_feed(url, now=runtime.now())
    await runtime.pipeline.refresh_feed(feed)
    return feed.id


async def refresh(runtime: Runtime, feed_id: int) -> str:
    result = await runtime.pipeline.refresh_feed(runtime.news.feed(feed_id))
    return result.status


def titles(runtime: Runtime) -> set[str]:
    return {a.title for a in runtime.news.latest_articles(limit=100, one_per_story=False)}


# (a) Items without links that share one GUID ---------------------------------------------


async def test_linkless_items_sharing_one_guid_are_each_stored(
    database_url: str, server: LocalServer
) -> None:
    items = [
        Item(f"Harbour notice {n}", f"Berth {n} closes for dredging this week.", guid="urn:same")
        for n in range(3)
    ]
    serve_feed(server, items)
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed_id = await subscribe(runtime, server.url("/feed.xml"))
        assert runtime.news.entry_count(feed_id) == 3
        assert titles(runtime) == {item.title for item in items}


async def test_linkless_items_sharing_one_guid_are_not_stored_again_on_the_next_fetch(
    database_url: str, server: LocalServer
) -> None:
    items = [Item(f"Tide table {n}", f"High water at {n + 6}:00.", guid="0") for n in range(3)]
    serve_feed(server, items)
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed_id = await subscribe(runtime, server.url("/feed.xml"))
        await refresh(runtime, feed_id)
        assert runtime.news.entry_count(feed_id) == 3
        assert runtime.news.article_count() == 3


# (b) Edits at the source -----------------------------------------------------------------


async def test_an_item_edited_at_the_source_is_updated_keeping_its_first_seen_time(
    database_url: str, server: LocalServer
) -> None:
    clock = MovableClock()
    link = server.url("/news/copper")
    server.route("/news/copper", Reply(body=article_page("Copper jumps", LONG_PARAGRAPHS)))
    serve_feed(server, [Item("Copper jumps", "Copper rose.", guid="c-1", link=link)])
    async with portal(database_url, clock) as (runtime, client):
        feed_id = await subscribe(runtime, server.url("/feed.xml"))
        (first,) = runtime.news.latest_articles()
        clock.advance(hours=2)
        corrected = "Copper jumps 4% on Chilean strike"
        page = article_page(corrected, LONG_PARAGRAPHS)
        server.route("/news/copper", Reply(body=page, headers=HTML_HEADERS))
        serve_feed(server, [Item(corrected, "Copper rose 4%.", guid="c-1", link=link)])
        await refresh(runtime, feed_id)
        (edited,) = runtime.news.latest_articles()
        assert (edited.id, edited.title) == (first.id, corrected)
        assert edited.first_seen_at == first.first_seen_at == START
        assert runtime.news.entry_count(feed_id) == 1
        assert corrected in (await client.get(f"/article/{edited.id}")).text


async def test_an_edited_linkless_item_replaces_its_summary(
    database_url: str, server: LocalServer
) -> None:
    serve_feed(server, [Item("Port closed", "The port shut at noon.", guid="p-1")])
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed_id = await subscribe(runtime, server.url("/feed.xml"))
        serve_feed(server, [Item("Port reopens", "The port reopened at six.", guid="p-1")])
        await refresh(runtime, feed_id)
        (row,) = runtime.news.latest_articles()
        article = runtime.news.article(row.id)
        assert article is not None and article.title == "Port reopens"
        assert "reopened at six" in article.text


# (c) Gaps -----------------------------------------------------------------------------


async def gap_after_a_burst(runtime: Runtime, server: LocalServer) -> int:
    serve_feed(server, [Item(f"Early {n}", "Morning item.", guid=f"e{n}") for n in range(3)])
    feed_id = await subscribe(runtime, server.url("/feed.xml"))
    serve_feed(server, [Item(f"Burst {n}", "Afternoon item.", guid=f"b{n}") for n in range(3)])
    await refresh(runtime, feed_id)
    return feed_id


async def test_a_feed_showing_none_of_the_entries_we_had_records_a_gap(
    database_url: str, server: LocalServer
) -> None:
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed_id = await gap_after_a_burst(runtime, server)
        assert runtime.news.feed(feed_id).last_gap_at == START


async def test_a_feed_that_overlaps_what_we_had_records_no_gap(
    database_url: str, server: LocalServer
) -> None:
    serve_feed(server, [Item(f"Early {n}", "Morning item.", guid=f"e{n}") for n in range(3)])
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed_id = await subscribe(runtime, server.url("/feed.xml"))
        serve_feed(server, [Item("Later", "Noon item.", guid="l"), Item("Early 0", "", guid="e0")])
        await refresh(runtime, feed_id)
        assert runtime.news.feed(feed_id).last_gap_at is None


async def test_a_feed_with_a_gap_is_polled_at_the_shortest_interval(
    database_url: str, server: LocalServer
) -> None:
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed_id = await gap_after_a_burst(runtime, server)
        next_at = runtime.news.feed(feed_id).next_fetch_at
        assert next_at == START + DEFAULT_SETTINGS.min_interval


async def test_the_gap_is_shown_on_the_feeds_page_and_in_feeds_list(
    database_url: str, server: LocalServer
) -> None:
    async with portal(database_url, MovableClock()) as (runtime, client):
        feed_id = await gap_after_a_burst(runtime, server)
        page = (await client.get("/feeds")).text
        assert "Entries may be missing: at 2026-11-20 13:00 UTC" in page
        console = Console(width=200, record=True)
        console.print(feeds_report([(runtime.news.feed(feed_id), 6)], START, 200))
        assert "Entries may be missing" in console.export_text()


# (d) 304s that never end, and validators that lie ----------------------------------------


class LyingServer:
    """Answers 304 to every conditional request, whatever it now publishes."""

    def __init__(self, server: LocalServer) -> None:
        self.items = [Item("Quiet day", "Nothing moved.", guid="q0")]
        self.conditional: list[bool] = []
        server.route("/feed.xml", self.answer)

    def answer(self, request: RecordedRequest) -> Reply:
        asked = "if-none-match" in request.headers
        self.conditional.append(asked)
        if asked:
            return Reply(status=304, headers={"ETag": '"same"'})
        return Reply(body=rss(self.items), headers={**RSS_HEADERS, "ETag": '"same"'})


async def test_a_feed_that_always_answers_304_is_fetched_unconditionally_every_nth_time(
    database_url: str, server: LocalServer
) -> None:
    lying = LyingServer(server)
    every = DEFAULT_SETTINGS.unconditional_every
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed_id = await subscribe(runtime, server.url("/feed.xml"))
        for _ in range(every + 1):
            await refresh(runtime, feed_id)
        assert lying.conditional == [False] + [True] * every + [False]


async def test_a_feed_unfetched_in_full_for_a_day_is_fetched_unconditionally(
    database_url: str, server: LocalServer
) -> None:
    lying = LyingServer(server)
    clock = MovableClock()
    async with portal(database_url, clock) as (runtime, _):
        feed_id = await subscribe(runtime, server.url("/feed.xml"))
        await refresh(runtime, feed_id)
        clock.advance(days=1, minutes=1)
        await refresh(runtime, feed_id)
        assert lying.conditional == [False, True, False]


async def test_validators_caught_hiding_new_items_are_never_sent_again(
    database_url: str, server: LocalServer
) -> None:
    lying = LyingServer(server)
    every = DEFAULT_SETTINGS.unconditional_every
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed_id = await subscribe(runtime, server.url("/feed.xml"))
        lying.items.append(Item("Rates cut", "The bank cut rates.", guid="q1"))
        for _ in range(every + 1):
            await refresh(runtime, feed_id)
        assert runtime.news.entry_count(feed_id) == 2
        assert runtime.news.feed(feed_id).validators_trusted is False
        await refresh(runtime, feed_id)
        assert lying.conditional[-1] is False


# (e) Per-host back-off -------------------------------------------------------------------


def publisher_of_three(server: LocalServer) -> None:
    """Three feeds on one host; the first is answered 429 with a ten-minute Retry-After."""
    server.route("/a.xml", Reply(status=429, headers={"Retry-After": "600"}))
    for path in ("/b.xml", "/c.xml"):
        serve_feed(server, [Item(f"Item of {path}", "Text.", guid=path)], path)


async def test_a_429_holds_every_feed_of_that_host_until_its_retry_after(
    database_url: str, server: LocalServer
) -> None:
    publisher_of_three(server)
    clock = MovableClock()
    async with portal(database_url, clock) as (runtime, _):
        for path in ("/a.xml", "/b.xml", "/c.xml"):
            runtime.news.add_feed(server.url(path), now=runtime.now())
        await runtime.pipeline.refresh_due(concurrency=1)
        assert server.paths() == ["/a.xml"]
        retry_at = START + timedelta(seconds=600)
        assert {f.next_fetch_at for f in runtime.news.feeds()} == {retry_at}


async def test_feeds_of_a_backed_off_host_are_not_due_until_it_may_be_asked(
    database_url: str, server: LocalServer
) -> None:
    publisher_of_three(server)
    clock = MovableClock()
    async with portal(database_url, clock) as (runtime, _):
        for path in ("/a.xml", "/b.xml", "/c.xml"):
            runtime.news.add_feed(server.url(path), now=runtime.now())
        await runtime.pipeline.refresh_due(concurrency=1)
        clock.advance(minutes=9)
        assert runtime.news.due_feeds(clock()) == []
        clock.advance(minutes=2)
        assert len(runtime.news.due_feeds(clock())) == 3


async def test_refreshing_a_feed_of_a_backed_off_host_asks_nothing_and_says_it_waits(
    database_url: str, server: LocalServer
) -> None:
    publisher_of_three(server)
    async with portal(database_url, MovableClock()) as (runtime, _):
        first = runtime.news.add_feed(server.url("/a.xml"), now=runtime.now())
        other = runtime.news.add_feed(server.url("/b.xml"), now=runtime.now())
        await runtime.pipeline.refresh_feed(first)
        result = await runtime.pipeline.refresh_feed(other)
        assert result.status == "waiting"
        assert server.paths() == ["/a.xml"]


# The rules on their own ---------------------------------------------------------------


def entry(guid: str, title: str) -> Entry:
    return Entry(id=guid, url=None, title=title, summary_html="<p>Said.</p>")


FRESH_FEED = FeedState(
    had_entries=True, conditional=False, not_modified_count=0, validators_trusted=True
)


def test_a_first_fetch_is_never_a_gap() -> None:
    identified = identify([entry("a", "One"), entry("b", "Two")])
    state = FeedState(
        had_entries=False, conditional=False, not_modified_count=0, validators_trusted=True
    )
    assert read_fetch(identified, {}, state).gap is False


def test_an_empty_feed_is_never_a_gap() -> None:
    assert read_fetch([], {}, FRESH_FEED).gap is False


def test_new_items_after_a_conditional_fetch_do_not_distrust_the_validators() -> None:
    identified = identify([entry("a", "One")])
    state = FeedState(
        had_entries=True, conditional=True, not_modified_count=3, validators_trusted=True
    )
    assert read_fetch(identified, {}, state).validators_trusted is True
