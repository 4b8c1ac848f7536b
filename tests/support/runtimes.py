"""Open a Runtime for a synchronous test (one that drives the app through TestClient or a
browser) and prepare its data, all on one event loop, so the fetcher's connections are
opened and closed on the loop they belong to."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.types import Clock, utc_now

Prepare = Callable[[Runtime], Awaitable[object]]
T = TypeVar("T")

ACTIONS_NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
"""The moment the actions tests run at."""


@contextlib.contextmanager
def opened_runtime(
    settings: Settings, *prepare: Prepare, clock: Clock = utc_now
) -> Iterator[Runtime]:
    with asyncio.Runner() as runner:
        runtime = runner.run(Runtime.open(settings, clock=clock))
        try:
            for step in prepare:
                runner.run(step(runtime))  # type: ignore[arg-type]
            yield runtime
        finally:
            runner.run(runtime.close())


async def refresh_quotes(runtime: Runtime) -> None:
    """Quotes and two weeks of history: enough for every page, quick to write."""
    await runtime.poller.backfill_sessions(span=timedelta(days=14))
    await runtime.poller.refresh()


def subscribe(url: str) -> Prepare:
    async def step(runtime: Runtime) -> None:
        feed = runtime.news.add_feed(url, now=runtime.now())
        await runtime.pipeline.refresh_feed(feed)

    return step


def with_runtime(database_url: str, work: Callable[[Runtime], Awaitable[T]], **settings: Any) -> T:
    """Run ``work`` on a Runtime of its own at the actions tests' fixed moment, with no
    default feeds and the local test servers reachable."""

    async def main() -> T:
        options: dict[str, Any] = {
            "database_url": database_url,
            "default_feeds": [],
            "fetch": {"allow_hosts": ["127.0.0.1"], "deadline": 3},
        }
        runtime = await Runtime.open(Settings(**options | settings), clock=lambda: ACTIONS_NOW)
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(main())
