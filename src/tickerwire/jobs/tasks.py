"""The background work as task functions: each does one unit of work on a Runtime through
the use-case functions every door calls (:mod:`tickerwire.actions`, the pipeline, the
poller), never a copy of them.

Both runners call these and nothing else: :mod:`tickerwire.jobs.local` on a timer inside
the one process (SQLite, the embedded default) and :mod:`tickerwire.jobs.engine` as jobs
of the job engine (PostgreSQL). So the embedded default and a scaled-out deployment do the
same work the same way. Each task may run twice without harm (writes are upserts, feeds
are leased) and none raises for what a feed, a page or a provider does; what one raises is
a fault of ours or of the database, which the job engine retries.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from tickerwire import actions
from tickerwire.alerts import outbox
from tickerwire.instruments import Instrument
from tickerwire.markets.quotes import Interval
from tickerwire.runtime import Runtime

FEEDS_PER_TICK = 200
"""Due feeds looked at per tick; a larger backlog drains over the next ticks."""


async def feeds_due(runtime: Runtime, *, limit: int = FEEDS_PER_TICK) -> list[int]:
    """The ids of the feeds whose time has come, that nobody is refreshing now."""
    due = await asyncio.to_thread(runtime.news.due_feeds, runtime.now(), limit)
    return [feed.id for feed in due]


async def refresh_feed(runtime: Runtime, feed_id: int) -> actions.RefreshReport | None:
    """Refresh one feed, under its lease, if it is still due.

    A refresh waits in a queue, and meanwhile the feed may have been refreshed another way
    (``feeds refresh``, a first fetch), paused or removed: then it is not fetched, and the
    answer is None. A feed leased elsewhere at that moment is left alone (the report lists
    it as busy); it stays due, so the next tick looks at it again.
    """
    try:
        feed = await asyncio.to_thread(runtime.news.feed, feed_id)
    except KeyError:
        return None
    if feed.paused or feed.next_fetch_at > runtime.now():
        return None
    return await actions.refresh_feeds(runtime, [feed])


async def retry_full_texts(runtime: Runtime) -> int:
    """Fetch again the article pages that were interstitials and are due; how many gave
    their text this time."""
    return await runtime.pipeline.retry_full_texts()


def instruments_due(runtime: Runtime, now: datetime, ahead: timedelta) -> list[Instrument]:
    """The instruments to poll now: those without a stored quote, and those whose quote was
    fetched longer ago than their market's interval, or will be before ``ahead`` has passed
    (the next tick would be late).

    Read from the store, not from a process's memory, so it is the same answer on whichever
    worker asks.
    """
    latest = runtime.markets.latest_quotes()
    due = []
    for instrument in runtime.registry:
        quote = latest.get(instrument.symbol)
        fetched = (quote.fetched_at or quote.as_of) if quote is not None else None
        if fetched is None or fetched + runtime.poller.interval_for(instrument, now) < now + ahead:
            due.append(instrument)
    return due


async def poll_quotes(runtime: Runtime) -> actions.QuoteReport | None:
    """Fetch, store and publish the quotes that are due; None when none is."""
    ahead = timedelta(seconds=runtime.settings.jobs.tick_seconds)
    due = await asyncio.to_thread(instruments_due, runtime, runtime.now(), ahead)
    if not due:
        return None
    return await actions.refresh_quotes(runtime, [instrument.symbol for instrument in due])


async def backfill_sessions(runtime: Runtime) -> int:
    """What charts and previous closes need before the first page view (daily bars already
    stored are not fetched again); the number of bars written."""
    return await runtime.poller.backfill_sessions()


async def prune_accounts(runtime: Runtime) -> tuple[int, int]:
    """Drop expired sessions and failed sign-ins past the throttling window; how many of
    each went."""
    return await asyncio.to_thread(actions.prune_accounts, runtime)


async def prune_bars(runtime: Runtime) -> int:
    """Drop 1-minute bars older than ``poll.bar_retention_days``; how many went."""
    cutoff = runtime.now() - timedelta(days=runtime.settings.poll.bar_retention_days)
    return await asyncio.to_thread(runtime.markets.prune_bars, Interval.M1, cutoff)


async def deliver_alerts(runtime: Runtime) -> outbox.DeliveryReport:
    """Send the alert deliveries that are due (webhook, ntfy, email), each once."""
    return await outbox.deliver_due(runtime, runtime.now())


async def send_alert_digests(runtime: Runtime) -> outbox.DeliveryReport:
    """Send the daily digest of every member whose digest hour has come."""
    return await outbox.send_digests(runtime, runtime.now())


async def measure_reactions(runtime: Runtime) -> actions.MeasureReport:
    """Measure the articles' reaction horizons that are due; the due rows are in the
    database, so one missed while stopped is simply due at the next run."""
    return await actions.measure_reactions(runtime)
