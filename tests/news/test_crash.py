"""Killing an ingest mid-way and running it again loses nothing, stores nothing twice and
leaves no article without its tags."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from support.http_server import LocalServer, RecordedRequest, Reply
from support.newsroom import Newsroom, Story, article_page
from tickerwire.store import db

TOPICS = [
    ("Copper climbs on mine outage", "A flood at a large mine in the Andes cut output for a week."),
    ("Regional lenders rally", "Smaller banks gained after the Federal Reserve eased its rules."),
    (
        "Yen weakens past a key level",
        "The currency slipped as the rate gap with the dollar widened.",
    ),
    (
        "Chipmakers lead a tech rebound",
        "Semiconductor shares lifted the Nasdaq Composite on strong orders for servers.",
    ),
    ("Grain prices ease after rains", "Wheat and corn futures fell as storms soaked the plains."),
    ("Airline stocks take off", "Carriers jumped after crude oil costs dropped for a fourth week."),
]
STORIES = [
    Story(f"story-{n}", title, [lead, f"{title}: desk comment to follow."], minutes_after=n)
    for n, (title, lead) in enumerate(TOPICS)
]


class SlowPages:
    """Article pages 3 to 5 hang for a while on the first run, so the kill lands mid-ingest."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.slow = True

    def page(self, story: Story, index: int) -> object:
        def answer(request: RecordedRequest) -> Reply:
            if self.slow and index >= 3:
                time.sleep(5)
            return Reply(
                body=article_page(story, self.server.base_url),
                headers={"Content-Type": "text/html"},
            )

        return answer


@pytest.fixture
def publisher() -> Iterator[tuple[LocalServer, SlowPages]]:
    with LocalServer() as server:
        room = Newsroom(server)
        room.publish(*STORIES)
        slow = SlowPages(server)
        for index, story in enumerate(STORIES):
            server.route(f"/news/{story.slug}", slow.page(story, index))  # type: ignore[arg-type]
        yield server, slow


def tickerwire(database_url: str, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            "TICKERWIRE_FETCH__ALLOW_HOSTS": json.dumps(["127.0.0.1"]),
            "TICKERWIRE_DEFAULT_FEEDS": "[]",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tickerwire", "--database-url", database_url, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


#: Every tag row, by the canonical URL of its article: the same on every run of one ingest.
TAG_ROWS = sa.text(
    "select a.canonical_url, 'instrument', i.symbol, i.mentions from article_instruments i"
    " join articles a on a.id = i.article_id"
    " union all"
    " select a.canonical_url, 'entity', e.slug, e.mentions from article_entities e"
    " join articles a on a.id = e.article_id"
)
#: Children first, so wiping the clean run breaks no foreign key.
TABLES = ("article_entities", "article_instruments", "entries", "articles", "stories", "feeds")


def tag_rows(engine: sa.Engine) -> set[tuple[str, str, str, int]]:
    with engine.connect() as connection:
        return {(url, kind, key, n) for url, kind, key, n in connection.execute(TAG_ROWS)}


def clean_run_tags(
    engine: sa.Engine, database_url: str, server: LocalServer, slow: SlowPages
) -> set[tuple[str, str, str, int]]:
    """The tag rows an uninterrupted ingest stores; the database is emptied afterwards."""
    slow.slow = False
    run = tickerwire(database_url, "feeds", "add", server.url("/feed.xml"))
    _, err = run.communicate(timeout=60)
    assert run.returncode == 0, err.decode()
    found = tag_rows(engine)
    with engine.begin() as connection:
        for table in TABLES:
            connection.execute(sa.text(f"delete from {table}"))
    slow.slow = True
    return found


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(sa.text(f"select count(*) from {table}")).scalar_one()
            for table in ("feeds", "entries", "articles", "stories")
        }


def test_sigkill_mid_ingest_then_rerun_loses_duplicates_and_untags_nothing(
    database_url: str, publisher: tuple[LocalServer, SlowPages]
) -> None:
    server, slow = publisher
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    clean = clean_run_tags(engine, database_url, server, slow)
    assert {url for url, *_ in clean} == {server.url(f"/news/{s.slug}") for s in STORIES}
    first = tickerwire(database_url, "feeds", "add", server.url("/feed.xml"))
    deadline = time.monotonic() + 30
    while counts(engine)["articles"] < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    interrupted = counts(engine)
    assert interrupted["feeds"] == 1 and 3 <= interrupted["articles"] < 6
    assert interrupted["entries"] == 0  # entries and the ETag commit together, at the end
    stored = {url for url, *_ in tag_rows(engine)}
    assert len(stored) == interrupted["articles"]  # each article committed with its tags

    # The killed run still holds the feed's lease; it would run out by itself within ten
    # minutes. Expire it now, as the clock would, so the rerun can take the feed.
    with engine.begin() as connection:
        connection.execute(sa.text("update feeds set lease_until = null"))
    slow.slow = False
    second = tickerwire(database_url, "feeds", "refresh")
    _, err = second.communicate(timeout=60)
    assert second.returncode == 0, err.decode()
    assert counts(engine) == {"feeds": 1, "entries": 6, "articles": 6, "stories": 6}

    third = tickerwire(database_url, "feeds", "refresh")
    third.communicate(timeout=60)
    assert counts(engine) == {"feeds": 1, "entries": 6, "articles": 6, "stories": 6}
    with engine.connect() as connection:
        titles = set(connection.execute(sa.text("select title from articles")).scalars())
    assert titles == {s.title for s in STORIES}
    assert tag_rows(engine) == clean
    engine.dispose()
