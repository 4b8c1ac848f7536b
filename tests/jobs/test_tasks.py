"""The task functions both runners call: one unit of background work each, through the
same actions every door uses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jobs.conftest import TRACKED
from support.http_server import LocalServer
from support.newsroom import Newsroom
from tickerwire.jobs import tasks
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.runtime import Runtime

pytestmark = pytest.mark.anyio


def feed_requests(server: LocalServer) -> int:
    return server.paths().count("/feed.xml")


async def test_a_due_feed_is_refreshed_and_its_articles_stored(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    report = await tasks.refresh_feed(runtime, feed.id)
    assert report is not None and [r.status for r in report.results] == ["ok"]
    assert runtime.news.article_count() == 2


async def test_a_feed_refreshed_since_its_job_was_queued_is_not_fetched_again(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    await tasks.refresh_feed(runtime, feed.id)
    assert await tasks.refresh_feed(runtime, feed.id) is None
    assert feed_requests(server) == 1


async def test_a_feed_removed_since_its_job_was_queued_is_not_fetched(
    runtime: Runtime, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    runtime.news.remove_feed(feed.id)
    assert await tasks.refresh_feed(runtime, feed.id) is None
    assert feed_requests(server) == 0


async def test_a_feed_leased_elsewhere_is_left_to_whoever_holds_it(
    runtime: Runtime, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    assert runtime.news.claim_feed(feed.id, runtime.now(), timedelta(minutes=10))
    report = await tasks.refresh_feed(runtime, feed.id)
    assert report is not None and [f.id for f in report.busy] == [feed.id]
    assert feed_requests(server) == 0


async def test_the_feeds_due_are_those_whose_time_has_come_and_nobody_holds(
    runtime: Runtime, server: LocalServer
) -> None:
    held = runtime.news.add_feed(server.url("/one.xml"), now=runtime.now())
    free = runtime.news.add_feed(server.url("/two.xml"), now=runtime.now())
    runtime.news.add_feed(server.url("/later.xml"), now=runtime.now() + timedelta(hours=1))
    assert runtime.news.claim_feed(held.id, runtime.now(), timedelta(minutes=10))
    assert await tasks.feeds_due(runtime) == [free.id]


async def test_every_instrument_is_due_until_it_has_a_quote(runtime: Runtime) -> None:
    due = tasks.instruments_due(runtime, runtime.now(), timedelta(0))
    assert [i.symbol for i in due] == list(TRACKED)
    report = await tasks.poll_quotes(runtime)
    assert report is not None and set(report.quotes) == set(TRACKED)
    assert set(runtime.markets.latest_quotes()) == set(TRACKED)


async def test_a_fresh_quote_is_due_again_when_its_markets_interval_has_passed(
    runtime: Runtime,
) -> None:
    await tasks.poll_quotes(runtime)
    now = runtime.now()
    assert tasks.instruments_due(runtime, now, timedelta(0)) == []
    assert await tasks.poll_quotes(runtime) is None
    longest = timedelta(seconds=runtime.settings.poll.closed_seconds + 1)
    assert len(tasks.instruments_due(runtime, now + longest, timedelta(0))) == len(TRACKED)


async def test_a_quote_that_the_next_tick_would_poll_late_is_polled_now(
    runtime: Runtime,
) -> None:
    await tasks.poll_quotes(runtime)
    longest = timedelta(seconds=runtime.settings.poll.closed_seconds + 1)
    assert len(tasks.instruments_due(runtime, runtime.now(), longest)) == len(TRACKED)


async def test_minute_bars_past_their_retention_are_pruned(runtime: Runtime) -> None:
    days = runtime.settings.poll.bar_retention_days
    old, recent = runtime.now() - timedelta(days=days + 1), runtime.now() - timedelta(days=1)
    runtime.markets.save_bars(
        Bar("SPX", Interval.M1, start.replace(second=0, microsecond=0), 1.0, 1.0, 1.0, 1.0)
        for start in (old, recent)
    )
    assert await tasks.prune_bars(runtime) == 1
    assert runtime.markets.count_bars("SPX", Interval.M1) == 1


async def test_expired_sessions_and_old_failed_sign_ins_are_pruned(runtime: Runtime) -> None:
    now = runtime.now()
    member = runtime.accounts.add_member(
        username="ada", key="ada", email=None, password_hash="x", role="member", now=now
    )
    runtime.accounts.add_session("live", member.id, now, now + timedelta(days=1))
    runtime.accounts.add_session("old", member.id, now - timedelta(days=31), now - timedelta(1))
    runtime.accounts.record_failures([("account", "ada")], now - timedelta(days=1), now)
    assert await tasks.prune_accounts(runtime) == (1, 1)
    assert runtime.accounts.session_count(member.id) == 1
