"""Quotes and history: seeding, refreshing quotes, backfilling bars, provider health."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tickerwire.actions.alerts import check_price_alerts
from tickerwire.actions.common import ActionError, Progress, Step
from tickerwire.actions.news import AlreadySubscribed, subscribe
from tickerwire.instruments import Instrument
from tickerwire.markets import backfill as history
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProviderFailure:
    """A provider that is failing in this run: what it said and when it is tried again."""

    name: str
    error: str
    failed_at: datetime
    retry_at: datetime | None
    consecutive_failures: int


@dataclass(frozen=True)
class QuoteReport:
    instruments: list[Instrument]
    quotes: dict[str, Quote]
    failing: list[ProviderFailure]
    checked_at: datetime

    @property
    def missing(self) -> list[Instrument]:
        return [i for i in self.instruments if i.symbol not in self.quotes]


@dataclass(frozen=True)
class BackfillReport:
    instruments: list[Instrument]
    bars_written: int
    failing: list[ProviderFailure]
    checked_at: datetime


async def seed(runtime: Runtime) -> None:
    """First-start content: the default feeds, and in demo mode the sample news."""
    await seed_default_feeds(runtime)
    if runtime.settings.demo:
        from tickerwire.news.demo import seed_demo_news

        await asyncio.to_thread(seed_demo_news, runtime.pipeline)


async def seed_default_feeds(runtime: Runtime) -> int:
    """Subscribe to the default feeds once per database, through the same :func:`subscribe`
    as every door; later removals stick."""
    if await asyncio.to_thread(runtime.news.flag, "default_feeds_seeded"):
        return 0
    added = 0
    for url in runtime.settings.default_feeds:
        try:
            await subscribe(runtime, url, fetch=False)
        except AlreadySubscribed:
            continue
        except ActionError as refusal:
            log.warning("default feed not subscribed: %s", refusal)
            continue
        added += 1
    await asyncio.to_thread(runtime.news.set_flag, "default_feeds_seeded", "1")
    return added


def instruments_for(runtime: Runtime, symbols: Sequence[str]) -> list[Instrument]:
    """The registry's instruments for ``symbols``; refuses naming every unknown one."""
    unknown = [s for s in symbols if s not in runtime.registry]
    if unknown:
        known = ", ".join(i.symbol for i in runtime.registry)
        raise ActionError(f"unknown instrument {', '.join(unknown)}; known: {known}")
    return [runtime.registry.get(s) for s in symbols]


async def refresh_quotes(runtime: Runtime, symbols: Sequence[str]) -> QuoteReport:
    """Fetch, store and publish the latest quotes for ``symbols`` now."""
    instruments = instruments_for(runtime, symbols)
    quotes = await runtime.poller.refresh(instruments)
    await asyncio.to_thread(check_price_alerts, runtime, list(quotes.values()))
    failing = await asyncio.to_thread(provider_report, runtime)
    return QuoteReport(instruments, quotes, failing, runtime.now())


async def backfill(
    runtime: Runtime, instruments: Sequence[str], span: str, *, progress: Progress | None = None
) -> BackfillReport:
    """Fill price history for the symbols ``instruments`` over ``span`` ('6mo', '5y',
    'max'): daily bars for all of it, finer bars for the recent part charts show."""
    try:
        length = history.parse_span(span)
    except ValueError as error:
        raise ActionError(str(error)) from None
    chosen = instruments_for(runtime, instruments)
    steps = history.plan(chosen, length, runtime.now())
    done = 0

    def advance(step: history.BackfillStep, count: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(Step(done, len(steps), f"{step.label}: {count} bars"))

    written = await history.run(steps, runtime.chain, runtime.markets, progress=advance)
    await asyncio.to_thread(runtime.poller.save_health)
    failing = await asyncio.to_thread(provider_report, runtime)
    return BackfillReport(chosen, written, failing, runtime.now())


def provider_report(runtime: Runtime, *, now: datetime | None = None) -> list[ProviderFailure]:
    """The providers failing in this run, in failover order.

    A failure belongs to the run that saw it: a provider outside the current failover
    order is never reported (a real provider's failure in demo mode), nor a failure
    recorded before this process's providers started when this process polls itself,
    nor one whose retry is more than the longest back-off overdue (nobody is trying any
    more); a success clears it.
    """
    now = now or runtime.now()
    order = runtime.settings.providers.order
    horizon = timedelta(seconds=runtime.settings.providers.retry_max_seconds)
    failures = []
    for row in runtime.markets.health():
        name, failed_at = row["name"], row["last_error_at"]
        if name not in order or not row["consecutive_failures"] or failed_at is None:
            continue
        if runtime.settings.poller_enabled and failed_at < runtime.chain.started_at:
            continue
        if now - (row["next_retry_at"] or failed_at) > horizon:
            continue
        failures.append(
            ProviderFailure(
                name=name,
                error=(row["last_error"] or "").removeprefix(f"{name}: "),
                failed_at=failed_at,
                retry_at=row["next_retry_at"],
                consecutive_failures=row["consecutive_failures"],
            )
        )
    return sorted(failures, key=lambda failure: order.index(failure.name))
