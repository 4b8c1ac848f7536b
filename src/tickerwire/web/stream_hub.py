"""The live stream's one subscription per process, fanned out to every open stream.

Ten thousand readers must cost the process one bus subscription, one wording of each
quote and one loop over the readers per event, not ten thousand of each. So the hub:

* subscribes to ``runtime.bus`` once, whatever bus that is (over Redis, each web process's
  own hub hears every event), and words each new quote once, into the bytes that every
  reader of its symbol is sent;
* keeps the latest of those per symbol: the snapshot a new reader starts from, read from
  the store once, when the first reader comes, and kept current by the events after;
* writes to each reader's ASGI ``send`` itself, in one loop, with
  :func:`~tickerwire.web.sse.write_now`: a reader costs no task and no wake-up per event,
  and the loop lets the event loop run between slices, so no pause is longer than one;
* when a reader's send would wait (uvicorn holds it while the reader is not reading), keeps
  what that reader is owed in its *backlog*, the latest message per symbol, written by a
  task of the reader's own until it has caught up (see
  :mod:`~tickerwire.web.stream_client`);
* on one timer for every reader, sends a heartbeat every ``stream.heartbeat_seconds`` and
  the market status every :data:`MARKET_EVERY` seconds, and drops a reader that took
  nothing of its backlog from one heartbeat to the next: its stream ends and EventSource,
  told when to come back by the stream's ``retry:`` field, reconnects and starts from the
  snapshot again. Memory per reader stays bounded: a backlog holds one message per symbol,
  and uvicorn holds no more than its transport's high-water mark.

A reader gets, in order: the market status, the latest quote of each symbol it wants,
then each new quote, never one identical to the last of its symbol, and the market status
again every minute, so countdowns keep counting.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from starlette.types import Message, Receive, Send

from tickerwire.live.bus import Event, Subscription
from tickerwire.markets.poller import QUOTE_TOPIC, quote_event
from tickerwire.markets.quotes import BadMarketData
from tickerwire.runtime import Runtime
from tickerwire.web import sse
from tickerwire.web.heap import Freezer
from tickerwire.web.stream_client import StreamClient, Symbols
from tickerwire.web.stream_messages import (
    MARKET_TOPIC,
    calendars_of,
    market_message,
    quote_message,
)

log = logging.getLogger(__name__)

#: Seconds between market-status events: countdowns read in whole minutes.
MARKET_EVERY = 60.0
#: The longest the hub writes to readers before it lets the event loop run again. uvloop
#: sends what a slice wrote when the loop comes round, so a longer slice sends more at a
#: time (and readers' processes wake once for more of it): measured at 10,000 readers, 5 ms
#: slices delivered in a p99 of 241 ms, 20 ms in 210 ms, 40 ms in 204 ms but with pauses
#: of 84 ms for everything else the process serves, against 44 ms.
SLICE_SECONDS = 0.02
#: Readers written between two looks at the clock.
SLICE_CHECK = 64
#: How long EventSource waits before it reconnects, drawn per reader from this range, so
#: that readers cut off together (a restart) do not all come back in the same instant.
RETRY_MS = (1000, 5000)


@dataclass(frozen=True, slots=True)
class Latest:
    """The last quote of a symbol the hub heard, and its message as every reader gets it."""

    event: Event
    fingerprint: tuple[object, object, object]
    frame: bytes


Writer = Callable[[StreamClient], None]


class StreamHub:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.heartbeat_every = runtime.settings.stream.heartbeat_seconds
        self._clients: dict[StreamClient, None] = {}
        self._latest: dict[str, Latest] = {}
        self._openings: dict[Symbols, bytes] = {}
        self._openings_minute: datetime | None = None
        self._loading: asyncio.Future[None] | None = None
        self._subscription: Subscription | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._freezer = Freezer()
        self._closed = False

    @property
    def client_count(self) -> int:
        return len(self._clients)

    async def start(self) -> None:
        """Subscribe to the bus (before returning, so no event published after is
        missed) and start the fan-out and the clock."""
        subscription = self.runtime.bus.subscribe()
        self._subscription = subscription
        self._tasks = [
            asyncio.create_task(self._pump(subscription), name="stream-hub"),
            asyncio.create_task(self._clock(), name="stream-hub-clock"),
        ]

    async def close(self) -> None:
        """End every stream now and take no more: the server is shutting down, and it
        waits for open responses before it stops the app."""
        self._closed = True
        await self._each_client(StreamClient.end)

    async def stop(self) -> None:
        await self.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._subscription is not None:
            self.runtime.bus.unsubscribe(self._subscription)

    async def serve(self, symbols: Symbols, receive: Receive, send: Send) -> None:
        """One reader's stream, its response started, until the reader goes away or is
        dropped."""
        retry = sse.retry(RETRY_MS[0] + secrets.randbelow(RETRY_MS[1] - RETRY_MS[0]))
        await self._load_stored_quotes()
        if self._closed:  # shutting down: come back, to another process or a restarted one
            await send(sse.body(retry, last=True))
            return
        try:
            async with asyncio.timeout(None) as dropper:
                client = StreamClient(send, symbols, self._calendars(symbols), dropper, {})
                self._clients[client] = None  # joined before the opening is read: no gap
                try:
                    await client.catch_up(retry + self._opening(symbols))
                    self._freezer.opened()
                    while (await receive())["type"] != "http.disconnect":
                        pass
                finally:
                    self._clients.pop(client, None)
                    client.close()
        except TimeoutError:
            log.info("cut short a live stream that stopped reading")

    # --- what readers are sent ----------------------------------------------------------

    async def _pump(self, subscription: Subscription) -> None:
        """Every batch of events the bus has for the hub, to the readers. Should the hub
        ever fall so far behind that the bus drops it, it subscribes again."""
        while True:
            async for events in subscription.batches():
                try:
                    await self._publish(events)
                except Exception:  # one bad batch must not end every stream's updates
                    log.exception("the stream hub could not send a batch of events")
            if not subscription.dropped:
                return
            log.warning("the stream hub fell behind the bus; subscribing again")
            self.runtime.bus.unsubscribe(subscription)
            subscription = self._subscription = self.runtime.bus.subscribe()

    async def _publish(self, events: Iterable[Event]) -> None:
        now = self.runtime.now()
        fresh = {e.key: frame for e in events if (frame := self._remember(e, now)) is not None}
        if not fresh:
            return
        self._openings.clear()
        chosen: dict[Symbols, tuple[dict[str, bytes], Message]] = {}

        def write(client: StreamClient) -> None:
            picked = chosen.get(client.symbols)
            if picked is None:
                wanted = client.symbols
                owed = {k: v for k, v in fresh.items() if wanted is None or k in wanted}
                picked = chosen[wanted] = owed, sse.body(b"".join(owed.values()))
            if picked[0]:
                client.write(*picked)

        await self._each_client(write)

    def _remember(self, event: Event, now: datetime) -> bytes | None:
        """The message for ``event``, kept as its symbol's latest; None when there is
        nothing to send: another topic, a symbol outside the registry, data that cannot
        be a quote, or the same quote as the symbol's latest."""
        symbol = event.key
        if event.topic != QUOTE_TOPIC or symbol not in self.runtime.registry:
            return None
        data = event.data
        fingerprint = (data.get("price"), data.get("change"), data.get("as_of"))
        latest = self._latest.get(symbol)
        if latest is not None and latest.fingerprint == fingerprint:
            return None
        frame = self._frame(event, now)
        if frame is not None:
            self._latest[symbol] = Latest(event, fingerprint, frame)
        return frame

    def _frame(self, event: Event, now: datetime) -> bytes | None:
        try:
            instrument = self.runtime.registry.get(event.key)
            message = quote_message(self.runtime, instrument, event, now)
        except (KeyError, TypeError, ValueError, BadMarketData) as error:
            log.warning("dropped a malformed quote event for %s: %s", event.key, error)
            return None
        return sse.frame(message["event"], message["data"])

    async def _clock(self) -> None:
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + self.heartbeat_every
        next_market = loop.time() + MARKET_EVERY
        while True:
            await asyncio.sleep(max(0.0, min(next_beat, next_market) - loop.time()))
            now = loop.time()
            market = now >= next_market
            if market:
                next_market = now + MARKET_EVERY
            next_beat = now + self.heartbeat_every
            try:
                await self.beat(market=market)
            except Exception:  # the clock must keep ticking for the next beat
                log.exception("the stream hub's heartbeat failed")

    async def beat(self, *, market: bool = False) -> None:
        """A heartbeat for every reader, or the market status (a heartbeat too). A reader
        backed up at the last beat that has taken nothing since is dropped instead."""
        now = self.runtime.now()
        if market:
            self._reword(now)
        messages: dict[tuple[str, ...], tuple[dict[str, bytes], Message]] = {}
        heartbeat: tuple[dict[str, bytes], Message] = ({}, sse.body(sse.HEARTBEAT))

        def write(client: StreamClient) -> None:
            if client.beat():
                client.end()
                return
            if not market:
                client.write(*heartbeat)
                return
            picked = messages.get(client.calendars)
            if picked is None:
                frame = self._market_frame(client.calendars, now)
                picked = messages[client.calendars] = {MARKET_TOPIC: frame}, sse.body(frame)
            client.write(*picked)

        await self._each_client(write)

    def _reword(self, now: datetime) -> None:
        """Word every latest quote again: its time reads relative to today and its
        staleness depends on the hour, and new readers start from these messages."""
        for symbol, latest in list(self._latest.items()):
            frame = self._frame(latest.event, now)
            if frame is not None:
                self._latest[symbol] = Latest(latest.event, latest.fingerprint, frame)
        self._openings.clear()

    async def _each_client(self, write: Writer) -> None:
        """``write`` for every reader open now, in slices of :data:`SLICE_SECONDS`
        between which the event loop runs (new readers, pages, other streams)."""
        loop = asyncio.get_running_loop()
        until = loop.time() + SLICE_SECONDS
        for count, client in enumerate(list(self._clients), 1):
            if not client.ended:
                write(client)
            if count % SLICE_CHECK == 0 and loop.time() >= until:
                await asyncio.sleep(0)
                until = loop.time() + SLICE_SECONDS

    # --- where a reader starts ----------------------------------------------------------

    async def _load_stored_quotes(self) -> None:
        """Read the stored quotes into the snapshot, once, for the first reader; every
        reader connecting meanwhile waits for that one read."""
        if self._loading is None:
            self._loading = asyncio.ensure_future(self._load())
        await asyncio.shield(self._loading)  # one reader giving up cancels nobody's read

    async def _load(self) -> None:
        registry = self.runtime.registry
        try:
            stored = await asyncio.to_thread(self.runtime.markets.latest_quotes)
        except Exception:
            log.exception("could not read the stored quotes; streams start from events only")
            return
        now = self.runtime.now()
        for symbol, quote in stored.items():
            if symbol in registry and symbol not in self._latest:  # an event is newer
                self._remember(quote_event(quote, registry.get(symbol)), now)
        self._openings.clear()

    def _calendars(self, symbols: Symbols) -> tuple[str, ...]:
        registry = self.runtime.registry
        return calendars_of(i for i in registry if symbols is None or i.symbol in symbols)

    @staticmethod
    def _market_frame(calendars: tuple[str, ...], now: datetime) -> bytes:
        message = market_message(calendars, now)
        return sse.frame(message["event"], message["data"])

    def _opening(self, symbols: Symbols) -> bytes:
        """The market status and the latest quote of each wanted symbol, in the registry's
        order: built once per set of symbols until the snapshot or the minute changes."""
        minute = self.runtime.now().replace(second=0, microsecond=0)
        if minute != self._openings_minute:
            self._openings.clear()
            self._openings_minute = minute
        opening = self._openings.get(symbols)
        if opening is None:
            quotes = [
                latest.frame
                for i in self.runtime.registry
                if (symbols is None or i.symbol in symbols)
                and (latest := self._latest.get(i.symbol)) is not None
            ]
            market = self._market_frame(self._calendars(symbols), self.runtime.now())
            opening = self._openings[symbols] = market + b"".join(quotes)
        return opening
