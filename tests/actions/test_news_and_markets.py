"""The use-case functions every door calls, against a local publisher and a real store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa

from support.http_server import LocalServer, Reply
from support.newsroom import FED_STORY, OIL_STORY, Newsroom
from support.runtimes import ACTIONS_NOW, with_runtime
from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.store import db

T = TypeVar("T")
NOW = ACTIONS_NOW
PAGE = (
    b'<html><head><link rel="alternate" type="application/atom+xml" href="feed.xml"></head></html>'
)


@pytest.fixture
def server() -> Any:
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY, OIL_STORY)
        server.route("/page", Reply(body=PAGE, headers={"Content-Type": "text/html"}))
        yield server


def test_subscribe_fetches_the_feed_once_and_says_how_it_went(
    database_url: str, server: LocalServer
) -> None:
    result = with_runtime(database_url, lambda r: actions.subscribe(r, server.url("/feed.xml")))
    assert result.feed.url == server.url("/feed.xml") and not result.discovered
    assert result.first_fetch is not None and result.first_fetch.new_entries == 2


def test_subscribe_to_a_page_subscribes_to_the_feed_it_names(
    database_url: str, server: LocalServer
) -> None:
    result = with_runtime(database_url, lambda r: actions.subscribe(r, server.url("/page")))
    assert result.discovered and result.found_on == server.url("/page")
    assert result.feed.url == server.url("/feed.xml")
    assert result.first_fetch is not None and result.first_fetch.status == "ok"


def test_subscribe_without_fetching_makes_no_request(
    database_url: str, server: LocalServer
) -> None:
    result = with_runtime(
        database_url, lambda r: actions.subscribe(r, server.url("/feed.xml"), fetch=False)
    )
    assert result.first_fetch is None and server.requests == []


def test_a_page_naming_a_feed_already_subscribed_to_is_refused(
    database_url: str, server: LocalServer
) -> None:
    async def work(runtime: Runtime) -> None:
        await actions.subscribe(runtime, server.url("/feed.xml"), fetch=False)
        await actions.subscribe(runtime, server.url("/page"))

    with pytest.raises(actions.AlreadySubscribed, match="feed 1"):
        with_runtime(database_url, work)


def test_an_opml_document_over_the_limit_is_refused_before_parsing(database_url: str) -> None:
    document = b"<opml>" + b" " * 200 + b"</opml>"
    with pytest.raises(actions.ActionError, match=r"more than the 100-byte limit"):
        with_runtime(
            database_url,
            lambda r: actions.import_opml(r, document),
            fetch={"opml_max_bytes": 100},
        )


def test_an_opml_import_reports_what_it_skipped_and_why(
    database_url: str, server: LocalServer
) -> None:
    feed = server.url("/feed.xml")
    document = (
        '<opml version="2.0"><body>'
        f'<outline type="rss" text="Wire" xmlUrl="{feed}"/>'
        f'<outline type="rss" text="Page" xmlUrl="{server.url("/page")}"/>'
        "</body></opml>"
    ).encode()

    async def work(runtime: Runtime) -> actions.ImportReport:
        await actions.subscribe(runtime, feed, fetch=False)
        return await actions.import_opml(runtime, document, fetch=False)

    report = with_runtime(database_url, work)
    assert [f.url for f in report.added] == [server.url("/page")]
    assert [(s.url, s.reason) for s in report.skipped] == [
        (feed, f"already subscribed to {feed} (feed 1)")
    ]
    assert report.refreshed is None


def opml(urls: Sequence[str]) -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="Feed {n}" xmlUrl="{u}"/>' for n, u in enumerate(urls)
    )
    return f'<opml version="2.0"><body>{outlines}</body></opml>'.encode()


def feed_urls(count: int) -> list[str]:
    return [f"https://harbour.example/feeds/{n}.xml" for n in range(count)]


def test_an_opml_import_takes_at_most_the_outline_limit(database_url: str) -> None:
    report = with_runtime(
        database_url,
        lambda r: actions.import_opml(r, opml(feed_urls(5)), fetch=False),
        fetch={"allow_hosts": ["127.0.0.1"], "opml_max_outlines": 3},
    )
    assert [f.url for f in report.added] == feed_urls(3)


def test_an_opml_import_over_the_limit_says_how_many_it_skipped_and_why(
    database_url: str,
) -> None:
    report = with_runtime(
        database_url,
        lambda r: actions.import_opml(r, opml(feed_urls(5)), fetch=False),
        fetch={"allow_hosts": ["127.0.0.1"], "opml_max_outlines": 3},
    )
    assert report.over_limit == 2
    assert report.limit_note == (
        "the file lists 5 feeds, more than the 3 one import takes "
        "(fetch.opml_max_outlines); the last 2 were skipped"
    )


def feed_count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("select count(*) from feeds")).scalar_one())


def test_an_opml_import_killed_midway_leaves_every_feed_or_none(
    database_url: str, tmp_path: Path
) -> None:
    """The import runs in a subprocess, killed with SIGKILL the moment any of its feeds
    can be seen: before the fix each feed committed on its own, so a partial set showed."""
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    document = tmp_path / "subscriptions.opml"
    document.write_bytes(opml(feed_urls(1000)))
    env = os.environ | {"TICKERWIRE_DEFAULT_FEEDS": "[]"}
    command = [sys.executable, "-m", "tickerwire", "--database-url", database_url]
    command += ["feeds", "import", str(document), "--no-fetch"]
    importing = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = set()
    deadline = time.monotonic() + 60
    while importing.poll() is None and time.monotonic() < deadline:
        seen.add(feed_count(engine))
        if seen != {0}:
            importing.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    importing.communicate(timeout=30)
    seen.add(feed_count(engine))
    engine.dispose()
    assert seen <= {0, 1000}


def test_refreshing_a_feed_another_worker_holds_skips_it_and_says_so(
    database_url: str, server: LocalServer
) -> None:
    async def work(runtime: Runtime) -> actions.RefreshReport:
        subscribed = await actions.subscribe(runtime, server.url("/feed.xml"), fetch=False)
        assert runtime.news.claim_feed(subscribed.feed.id, NOW, timedelta(minutes=10))
        return await actions.refresh_feeds(runtime)

    report = with_runtime(database_url, work)
    assert report.results == [] and [f.id for f in report.busy] == [1]
    assert server.requests == []


def test_refresh_reports_progress_per_feed(database_url: str, server: LocalServer) -> None:
    steps: list[actions.Step] = []

    async def work(runtime: Runtime) -> actions.RefreshReport:
        await actions.subscribe(runtime, server.url("/feed.xml"), fetch=False)
        return await actions.refresh_feeds(runtime, progress=steps.append)

    report = with_runtime(database_url, work)
    assert steps == [actions.Step(1, 1, server.url("/feed.xml"))]
    assert report.new_entries == 2 and report.failed == []


def test_quotes_for_unknown_symbols_are_refused_naming_them(database_url: str) -> None:
    with pytest.raises(actions.ActionError, match=r"unknown instrument NOPE, ZZZ; known: SPX"):
        with_runtime(database_url, lambda r: actions.refresh_quotes(r, ["SPX", "NOPE", "ZZZ"]))


def test_backfill_refuses_a_range_it_cannot_read(database_url: str) -> None:
    with pytest.raises(actions.ActionError, match="30d, 6mo, 5y or max"):
        with_runtime(database_url, lambda r: actions.backfill(r, ["SPX"], "soon"), demo=True)


def health(
    name: str, failed_at: datetime, *, failures: int = 1, retry_in: float = 60
) -> dict[str, Any]:
    return {
        "name": name,
        "last_ok_at": None,
        "last_error_at": failed_at,
        "last_error": f"{name}: HTTP 503",
        "consecutive_failures": failures,
        "next_retry_at": failed_at + timedelta(seconds=retry_in),
    }


def report_for(database_url: str, *rows: dict[str, Any], **settings: Any) -> list[str]:
    async def work(runtime: Runtime) -> list[actions.ProviderFailure]:
        runtime.markets.save_health(rows)
        return actions.provider_report(runtime, now=NOW + timedelta(minutes=1))

    return [f"{f.name}: {f.error}" for f in with_runtime(database_url, work, **settings)]


def test_a_failing_provider_is_reported_with_its_error(database_url: str) -> None:
    assert report_for(database_url, health("yahoo", NOW)) == ["yahoo: HTTP 503"]


def test_a_provider_outside_the_failover_order_is_never_reported(database_url: str) -> None:
    assert report_for(database_url, health("yahoo", NOW), demo=True) == []


def test_a_failure_from_before_this_process_started_is_not_reported(database_url: str) -> None:
    assert report_for(database_url, health("yahoo", NOW - timedelta(seconds=1))) == []


def test_a_failure_retried_long_ago_is_not_reported(database_url: str) -> None:
    old = NOW - timedelta(hours=5)
    assert report_for(database_url, health("stooq", old), poller_enabled=False) == []


def test_a_web_process_that_does_not_poll_reports_the_workers_recent_failure(
    database_url: str,
) -> None:
    recent = NOW - timedelta(minutes=2)
    assert report_for(database_url, health("stooq", recent), poller_enabled=False) == [
        "stooq: HTTP 503"
    ]


def test_a_success_clears_the_failure(database_url: str) -> None:
    assert report_for(database_url, health("yahoo", NOW, failures=0)) == []


def test_seeding_subscribes_the_default_feeds_once_through_subscribe(
    database_url: str, server: LocalServer
) -> None:
    defaults = [server.url("/feed.xml"), "javascript:alert(1)"]

    async def work(runtime: Runtime) -> tuple[int, int, list[str]]:
        first = await actions.seed_default_feeds(runtime)
        again = await actions.seed_default_feeds(runtime)
        return first, again, [f.url for f in runtime.news.feeds()]

    first, again, urls = with_runtime(database_url, work, default_feeds=defaults)
    assert (first, again, urls) == (1, 0, [server.url("/feed.xml")])
    assert server.requests == []
