"""The embedded default's background work: the task functions on a timer, in this process.

On SQLite there is one process and no queue to share, so the tasks of
:mod:`tickerwire.jobs.tasks` simply run every ``jobs.tick_seconds``: quotes in one loop,
feeds in another (a slow publisher never holds up a quote), alert deliveries in a third,
digests every few minutes (each member's at their own hour), bars pruned hourly. A step
that fails is logged and tried again on the next tick; nothing here raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from tickerwire.jobs import tasks
from tickerwire.runtime import Runtime

log = logging.getLogger(__name__)

HOUR = 3600.0
DIGEST_EVERY = 300.0
MINUTE = 60.0


async def run_in_process(runtime: Runtime, stop: asyncio.Event) -> None:
    """Poll quotes and refresh due feeds until ``stop`` is set."""
    tick = float(runtime.settings.jobs.tick_seconds)
    await asyncio.gather(
        _markets(runtime, stop, tick),
        _repeat(stop, tick, "feed refresh", lambda: refresh_due_feeds(runtime)),
        _repeat(stop, HOUR, "bar pruning", lambda: tasks.prune_bars(runtime)),
        _repeat(stop, HOUR, "account pruning", lambda: tasks.prune_accounts(runtime)),
        _repeat(stop, tick, "alert delivery", lambda: tasks.deliver_alerts(runtime)),
        _repeat(stop, DIGEST_EVERY, "alert digests", lambda: tasks.send_alert_digests(runtime)),
        _repeat(stop, MINUTE, "reaction measuring", lambda: tasks.measure_reactions(runtime)),
    )


async def refresh_due_feeds(runtime: Runtime) -> None:
    """One tick of the news: every due feed, ``jobs.concurrency`` at a time, then the pages
    waiting for their full text."""
    slots = asyncio.Semaphore(runtime.settings.jobs.concurrency)

    async def one(feed_id: int) -> None:
        async with slots:
            await tasks.refresh_feed(runtime, feed_id)

    await asyncio.gather(*(one(feed_id) for feed_id in await tasks.feeds_due(runtime)))
    await tasks.retry_full_texts(runtime)


async def _markets(runtime: Runtime, stop: asyncio.Event, tick: float) -> None:
    """Quotes first, then the session backfill, then quotes on every tick: a fresh install
    shows its prices at once rather than after the backfill (most of a minute for sixteen
    instruments); the sparklines and charts fill in when it is done."""
    try:
        await tasks.poll_quotes(runtime)
    except Exception:
        log.exception("first quote poll failed; trying again after the session backfill")
    try:
        await tasks.backfill_sessions(runtime)
    except Exception:
        log.exception("session backfill failed; sparklines fill in as quotes arrive")
    await _repeat(stop, tick, "quote poll", lambda: tasks.poll_quotes(runtime))


async def _repeat(
    stop: asyncio.Event, every: float, what: str, step: Callable[[], Awaitable[object]]
) -> None:
    while not stop.is_set():
        try:
            await step()
        except Exception:
            log.exception("%s failed; trying again in %.0f s", what, every)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
