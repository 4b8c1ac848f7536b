"""The demo's simulated prices and a local publisher on a clock the test moves: what the
reaction tests (the article page, the quote page, "Why is it moving?") run on."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.feedkit import MovableClock
from support.http_server import LocalServer
from support.newsroom import BASE_TIME, Newsroom, Story
from support.portal import newsroom_settings
from tickerwire.jobs import tasks
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

#: Friday 20 November 2026, 10:00 in New York: the NYSE has been open half an hour.
OPEN_FRIDAY = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
DOW_STORY = Story(
    "dow-banks",
    "Dow Jones climbs as bank earnings beat forecasts",
    [
        "The Dow Jones Industrial Average rose in early trading after three large banks "
        "reported profits above what analysts had pencilled in.",
        "Traders said the Dow Jones was led by lenders and insurers, while technology shares "
        "lagged behind.",
    ],
    minutes_after=int((OPEN_FRIDAY - BASE_TIME).total_seconds() // 60) + 1,
)
LATER_DOW_STORY = Story(
    "dow-insurers",
    "Insurers extend the Dow Jones rally into the afternoon",
    [
        "Insurers added to the Dow Jones Industrial Average's gains as the session went on.",
        "The Dow Jones has risen on each of the past three days.",
    ],
    minutes_after=DOW_STORY.minutes_after + 20,
)


@dataclass
class Demo:
    client: TestClient
    runtime: Runtime
    clock: MovableClock
    runner: asyncio.Runner
    newsroom: Newsroom
    feed_id: int

    def poll_until(self, moment: datetime, every: timedelta = timedelta(minutes=5)) -> None:
        """The quote poller's ticks up to ``moment``: the simulated quotes become bars."""
        while self.clock.now + every <= moment:
            self.clock.advance(seconds=every.total_seconds())
            self.runner.run(self.runtime.poller.refresh())
        self.clock.now = moment
        self.runner.run(self.runtime.poller.refresh())

    def publish(self, story: Story) -> None:
        """The publisher adds ``story``, and the next refresh (a minute on) fetches it."""
        self.newsroom.publish(story)
        self.clock.now = story.published + timedelta(minutes=1)
        self.runner.run(self.runtime.pipeline.refresh_feed(self.runtime.news.feed(self.feed_id)))

    def measure_at(self, moment: datetime) -> int:
        self.clock.now = moment
        return self.runner.run(tasks.measure_reactions(self.runtime)).measured

    def article_id(self, story: Story = DOW_STORY) -> int:
        return next(a.id for a in self.runtime.news.latest_articles() if a.title == story.title)

    def twin(self, story: Story = DOW_STORY) -> dict[str, Any]:
        data: dict[str, Any] = self.client.get(f"/article/{self.article_id(story)}.json").json()
        return data

    def block(self, story: Story = DOW_STORY) -> HTMLParser:
        tree = HTMLParser(self.client.get(f"/article/{self.article_id(story)}").text)
        block = tree.css_first(".since-publication")
        assert block is not None, "the article page has no Since publication block"
        return block


@contextlib.contextmanager
def reaction_demo(database_url: str) -> Iterator[Demo]:
    """The demo portal at Friday's open with the poller's first tick, then a local
    publisher's story about the Dow fetched a minute after it was published."""
    settings = newsroom_settings(database_url)
    clock = MovableClock(OPEN_FRIDAY)
    with LocalServer() as server, asyncio.Runner() as runner:
        runtime = runner.run(Runtime.open(settings, clock=clock))
        try:
            runner.run(runtime.poller.backfill_sessions(span=timedelta(days=3)))
            runner.run(runtime.poller.refresh())
            newsroom = Newsroom(server)
            newsroom.publish(DOW_STORY)
            clock.advance(minutes=2)
            feed = runtime.news.add_feed(server.url("/feed.xml"), now=clock.now)
            runner.run(runtime.pipeline.refresh_feed(feed))
            with TestClient(create_app(settings, runtime=runtime)) as client:
                yield Demo(client, runtime, clock, runner, newsroom, feed.id)
        finally:
            runner.run(runtime.close())
