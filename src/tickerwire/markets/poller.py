"""Refreshes quotes on a schedule that follows each market, writes the store, tells the bus.

Often while a market is open, rarely while it is shut. Every write is an upsert keyed by
symbol (quotes) or by symbol, interval and start (bars), so a restart repeats nothing
and loses at most the cycle in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta

from tickerwire.config import PollSettings
from tickerwire.instruments import Instrument, Registry
from tickerwire.live.bus import Bus, Event
from tickerwire.markets import backfill, calendar
from tickerwire.markets.providers.chain import FailoverChain
from tickerwire.markets.quotes import Interval, Quote
from tickerwire.store.instruments import InstrumentStore
from tickerwire.store.markets import MarketStore
from tickerwire.types import Clock, utc_now

log = logging.getLogger(__name__)

QUOTE_TOPIC = "quote"
_STARTUP_SPAN = timedelta(days=366)
_JOIN_EVERY = timedelta(seconds=30)
"""How often the poller looks for instruments added by another process."""


def quote_event(quote: Quote, instrument: Instrument) -> Event:
    return Event(
        topic=QUOTE_TOPIC,
        key=quote.symbol,
        data={
            "symbol": quote.symbol,
            "price": quote.price,
            "change": quote.change,
            "change_percent": quote.change_percent,
            "as_of": quote.as_of.isoformat(),
            "provider": quote.provider,
            "precision": instrument.precision,
            "simulated": quote.simulated,
        },
    )


class Poller:
    def __init__(
        self,
        registry: Registry,
        chain: FailoverChain,
        store: MarketStore,
        bus: Bus,
        settings: PollSettings,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.registry = registry
        self.chain = chain
        self.store = store
        self.bus = bus
        self.settings = settings
        self.clock = clock
        self.instruments = InstrumentStore(store.engine)
        self._next_due: dict[str, datetime] = {}

    def interval_for(self, instrument: Instrument, now: datetime) -> timedelta:
        status = calendar.market_status(instrument.calendar, now)
        seconds = self.settings.open_seconds if status.is_open else self.settings.closed_seconds
        return timedelta(seconds=seconds)

    def _previous_close(self, quote: Quote, instrument: Instrument) -> float | None:
        opens, _ = calendar.current_or_last_session(instrument.calendar, quote.as_of)
        return self.store.last_close_before(quote.symbol, opens)

    def _write(self, quotes: Sequence[Quote]) -> list[Quote]:
        filled = []
        for quote in quotes:
            if quote.previous_close is None:
                instrument = self.registry.get(quote.symbol)
                quote = quote.with_previous_close(self._previous_close(quote, instrument))
            filled.append(quote)
        self.store.save_quotes(filled)
        for quote in filled:
            self.store.fold_quote_into_bar(quote, Interval.M1)
        self.save_health()
        return filled

    def save_health(self) -> None:
        """Store how each provider is doing, and its verdict per instrument, for the pages
        of every process to show."""
        self.store.save_health(asdict(h) for h in self.chain.health())
        self.instruments.save_sources(self.chain.sources())

    def join_added(self) -> None:
        """Take in instruments an admin added (in this process or another) since the last
        look, and the store's latest quotes as the chain's last trusted ones."""
        self.registry.merge(self.instruments.added())
        self.chain.remember(self.store.latest_quotes())

    async def refresh(self, instruments: Iterable[Instrument] | None = None) -> dict[str, Quote]:
        """One cycle for ``instruments`` (all by default): fetch, store, publish."""
        wanted = list(instruments) if instruments is not None else list(self.registry)
        quotes = await self.chain.quotes(wanted)
        stored = await asyncio.to_thread(self._write, list(quotes.values()))
        await self.bus.publish(quote_event(q, self.registry.get(q.symbol)) for q in stored)
        return {q.symbol: q for q in stored}

    async def backfill_sessions(
        self, instruments: Iterable[Instrument] | None = None, *, span: timedelta = _STARTUP_SPAN
    ) -> int:
        """Fill what charts and previous closes need before the first page view: the
        current session's minutes, recent 5-minute and hourly bars, and a year of daily
        bars. Daily chunks already in the store are not fetched again."""
        chosen = list(instruments) if instruments is not None else list(self.registry)
        steps = [
            step
            for step in backfill.plan(chosen, span, self.clock())
            if step.interval is not Interval.D1 or not await asyncio.to_thread(self._covered, step)
        ]
        return await backfill.run(steps, self.chain, self.store)

    def _covered(self, step: backfill.BackfillStep) -> bool:
        edge = timedelta(days=7)
        symbol = step.instrument.symbol
        return bool(
            self.store.bars(symbol, Interval.D1, step.start, step.start + edge)
            and self.store.bars(symbol, Interval.D1, step.end - edge, step.end)
        )

    def due(self, now: datetime) -> list[Instrument]:
        return [i for i in self.registry if self._next_due.get(i.symbol, now) <= now]

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set. Provider failures are recorded, never raised."""
        try:
            await self.backfill_sessions()
        except Exception:
            log.exception("session backfill failed; sparklines fill in as quotes arrive")
        last_prune = self.clock() - timedelta(days=1)
        last_join = last_prune
        while not stop.is_set():
            now = self.clock()
            if now - last_join > _JOIN_EVERY:
                await asyncio.to_thread(self.join_added)
                last_join = now
            due = self.due(now)
            if due:
                try:
                    await self.refresh(due)
                except Exception:
                    log.exception("quote refresh failed; retrying on the next cycle")
                for instrument in due:
                    self._next_due[instrument.symbol] = now + self.interval_for(instrument, now)
            if now - last_prune > timedelta(hours=1):
                cutoff = now - timedelta(days=self.settings.bar_retention_days)
                await asyncio.to_thread(self.store.prune_bars, Interval.M1, cutoff)
                last_prune = now
            wait = min(self._next_due.values(), default=now + timedelta(seconds=1)) - self.clock()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=min(max(wait.total_seconds(), 0.2), 5))
