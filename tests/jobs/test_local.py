"""The embedded default: the task functions on a timer inside the one process, on SQLite."""

from __future__ import annotations

import asyncio

import pytest

from jobs.conftest import TRACKED
from support.http_server import LocalServer
from support.newsroom import FED_STORY, OIL_STORY, Newsroom
from tickerwire.jobs.local import refresh_due_feeds, run_in_process
from tickerwire.markets.quotes import Interval
from tickerwire.runtime import Runtime

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


async def test_the_one_process_polls_quotes_and_fetches_a_feed_added_while_it_runs(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(run_in_process(runtime, stop))
    runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    for _ in range(300):
        if runtime.news.article_count() == 2 and len(runtime.markets.latest_quotes()) == 2:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await running
    assert runtime.news.article_count() == 2
    assert set(runtime.markets.latest_quotes()) == set(TRACKED)


async def test_the_first_quotes_come_before_the_session_backfill(runtime: Runtime) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(run_in_process(runtime, stop))
    for _ in range(300):
        if len(runtime.markets.latest_quotes()) == len(TRACKED):
            break
        await asyncio.sleep(0.05)
    # The backfill goes instrument by instrument, daily bars first; the last one's hourly
    # bars come seconds after the quotes, not before them.
    last = list(runtime.registry)[-1].symbol
    hourly_when_quoted = runtime.markets.count_bars(last, Interval.H1)
    stop.set()
    await running
    assert set(runtime.markets.latest_quotes()) == set(TRACKED)
    assert hourly_when_quoted == 0


async def test_a_tick_fetches_each_due_feed_once_and_the_next_tick_none(
    runtime: Runtime, server: LocalServer
) -> None:
    Newsroom(server, feed_path="/a.xml").publish(FED_STORY)
    Newsroom(server, feed_path="/b.xml").publish(OIL_STORY)
    for path in ("/a.xml", "/b.xml"):
        runtime.news.add_feed(server.url(path), now=runtime.now())
    await refresh_due_feeds(runtime)
    await refresh_due_feeds(runtime)
    feeds = [p for p in server.paths() if p.endswith(".xml")]
    assert sorted(feeds) == ["/a.xml", "/b.xml"]
    assert runtime.news.article_count() == 2
