"""Server-Sent Events: live quotes and market status for the ribbon and quote pages.

Every event carries its texts as the server words them: a quote through
:func:`tickerwire.web.parts.quote_figures` in the portal's zone, the banner and each
market's label from :mod:`tickerwire.web.parts`. ``live.js`` only puts those texts in
place, so a tick reads exactly like the server-rendered cell beside it.

A client gets, in order: the market status, the latest stored quote of each symbol it
wants (the page may have been rendered from the cache a while ago), then each new quote
as it arrives, never one identical to the last it got for that symbol, and the market
status again every :data:`MARKET_EVERY` seconds, so countdowns keep counting.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sse_starlette.sse import EventSourceResponse
from starlette.background import BackgroundTask

from tickerwire.instruments import Instrument
from tickerwire.live.bus import Event
from tickerwire.markets.freshness import is_stale
from tickerwire.markets.poller import QUOTE_TOPIC, quote_event
from tickerwire.markets.quotes import BadMarketData, Quote
from tickerwire.runtime import Runtime
from tickerwire.web import parts
from tickerwire.web.deps import get_runtime
from tickerwire.web.limits import ConnectionCaps
from tickerwire.web.parts import quote_figures

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["stream"])

#: Seconds between market-status events: countdowns read in whole minutes.
MARKET_EVERY = 60.0
MARKET_TOPIC = "market"

Message = dict[str, str]


def _same_origin(request: Request) -> bool:
    """Browsers send Origin on cross-site EventSource requests; only our own pages may
    subscribe. Clients with no Origin (curl, server-side) are allowed."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def stream_caps(request: Request, runtime: Runtime) -> ConnectionCaps:
    """The app's one set of stream caps, made on first use from the runtime's settings."""
    caps: ConnectionCaps | None = getattr(request.app.state, "stream_caps", None)
    if caps is None:
        caps = request.app.state.stream_caps = ConnectionCaps(runtime.settings.stream)
    return caps


def _quote_of(data: dict[str, Any], now: datetime) -> Quote:
    """The quote an event describes. Events carry the change rather than the previous
    close (any worker may publish them, over Redis too), so the close is derived back."""
    price = float(data["price"])
    change = data.get("change")
    return Quote(
        symbol=str(data["symbol"]),
        price=price,
        as_of=datetime.fromisoformat(str(data["as_of"])),
        provider=str(data.get("provider") or ""),
        previous_close=None if change is None else price - float(change),
        simulated=bool(data.get("simulated")),
        fetched_at=now,
    )


def quote_message(runtime: Runtime, instrument: Instrument, event: Event, now: datetime) -> Message:
    """A ``quote`` event: the raw quote as published, and beside it what the page shows."""
    quote = _quote_of(event.data, now)
    shown = quote_figures(instrument, quote, runtime.settings.timezone, now)
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    extra = {
        "as_of": quote.as_of.isoformat(),  # as the templates write a <time>'s datetime
        "stale": is_stale(instrument, quote, now, stale_after),
    }
    payload = {
        "topic": event.topic,
        "key": event.key,
        "data": event.data,
        "shown": shown.model_dump(mode="json") | extra,
    }
    return {"event": QUOTE_TOPIC, "data": json.dumps(payload)}


def market_message(instruments: Iterable[Instrument], now: datetime) -> Message:
    """A ``market`` event: the U.S. banner and the state and label of each market that
    ``instruments`` trade on, keyed by calendar."""
    calendars = tuple(sorted({i.calendar for i in instruments}))
    minute = now.replace(second=0, microsecond=0)
    return {"event": MARKET_TOPIC, "data": _market_json(calendars, minute)}


@functools.lru_cache(maxsize=64)
def _market_json(calendars: tuple[str, ...], minute: datetime) -> str:
    """Worded once a minute for every client: the calendars' sums cost tens of
    milliseconds, which thousands of streams connecting at once cannot each pay. The texts
    count down in whole minutes, so the minute is all the time they depend on."""
    markets = {name: parts.market_view_of(name, minute) for name in calendars}
    payload = {
        "topic": MARKET_TOPIC,
        "key": "",
        "data": {
            "banner": parts.banner(minute).model_dump(mode="json"),
            "markets": {name: m.model_dump(mode="json") for name, m in markets.items()},
        },
    }
    return json.dumps(payload)


async def with_ticks(events: AsyncIterator[Event], every: float) -> AsyncIterator[Event | None]:
    """``events`` as they come, and ``None`` each time ``every`` seconds pass without the
    tick having been given: one loop serves both the bus and the market clock."""
    loop = asyncio.get_running_loop()
    due = loop.time() + every
    upcoming: asyncio.Future[Event] = asyncio.ensure_future(anext(events))
    try:
        while True:
            done, _ = await asyncio.wait({upcoming}, timeout=max(0.0, due - loop.time()))
            if not done:
                yield None
                due = loop.time() + every
                continue
            try:
                event = upcoming.result()
            except StopAsyncIteration:
                return
            yield event
            upcoming = asyncio.ensure_future(anext(events))
    finally:
        upcoming.cancel()


class FormattedEvents:
    """Each recent quote event's message, formatted once for all the streams that send it:
    every subscriber of a process is handed the same event object, and wording it per
    client would cost as many times the work as there are readers."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[Event, Message]] = OrderedDict()

    def message(self, event: Event, build: Callable[[], Message]) -> Message:
        entry = self._entries.get(id(event))
        if entry is not None and entry[0] is event:
            return entry[1]
        message = build()
        self._entries[id(event)] = (event, message)  # the event is kept, so its id is not reused
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return message


def formatted_events(request: Request) -> FormattedEvents:
    """The app's one table of formatted events, made on first use."""
    table: FormattedEvents | None = getattr(request.app.state, "formatted_events", None)
    if table is None:
        table = request.app.state.formatted_events = FormattedEvents()
    return table


class ClientFeed:
    """What one client has been sent, so it never gets the same quote twice."""

    def __init__(self, runtime: Runtime, formatted: FormattedEvents | None = None) -> None:
        self.runtime = runtime
        self.formatted = formatted or FormattedEvents()
        self._last: dict[str, tuple[object, object, object]] = {}

    def quote(self, event: Event) -> Message | None:
        """The message for ``event``, or None when it is not worth sending: a symbol
        outside the registry, data that cannot be a quote, or a repeat."""
        symbol = event.key
        if symbol not in self.runtime.registry:
            return None
        fingerprint = (event.data.get("price"), event.data.get("change"), event.data.get("as_of"))
        if self._last.get(symbol) == fingerprint:
            return None
        try:
            instrument = self.runtime.registry.get(symbol)
            message = self.formatted.message(
                event, lambda: quote_message(self.runtime, instrument, event, self.runtime.now())
            )
        except (KeyError, TypeError, ValueError, BadMarketData) as error:
            log.warning("dropped a malformed quote event for %s: %s", symbol, error)
            return None
        self._last[symbol] = fingerprint
        return message


@router.get("/stream")
async def quote_stream(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    symbols: Annotated[str | None, Query(description="comma-separated; all when omitted")] = None,
) -> EventSourceResponse:
    """The market status, the latest stored quote of each symbol, then one `quote` event
    per new quote (a slow client sees only the latest per symbol) and the market status
    once a minute. Past the per-address or the global cap on open streams (settings
    ``stream.*``) the answer is 429 with ``Retry-After``."""
    if not _same_origin(request):
        raise HTTPException(403, "cross-origin stream subscriptions are not allowed")
    wanted = None
    if symbols:
        wanted = {s.strip().upper() for s in symbols.split(",") if s.strip()}
        unknown = sorted(s for s in wanted if s not in runtime.registry)
        if unknown:
            raise HTTPException(404, f"unknown symbols: {', '.join(unknown)}")
    instruments = [i for i in runtime.registry if wanted is None or i.symbol in wanted]
    caps = stream_caps(request, runtime)
    client = request.client.host if request.client else ""
    slot = caps.admit(client)
    if slot is None:
        retry = str(caps.settings.retry_after_seconds)
        raise HTTPException(429, caps.refusal(client), headers={"Retry-After": retry})
    subscription = runtime.bus.subscribe(wanted)
    formatted = formatted_events(request)

    async def events() -> AsyncIterator[Message]:
        feed = ClientFeed(runtime, formatted)
        try:
            yield market_message(instruments, runtime.now())
            stored = await asyncio.to_thread(
                runtime.markets.latest_quotes, [i.symbol for i in instruments]
            )
            for instrument in instruments:
                quote = stored.get(instrument.symbol)
                if quote is not None and (message := feed.quote(quote_event(quote, instrument))):
                    yield message
            async for event in with_ticks(aiter(subscription), MARKET_EVERY):
                if event is None:
                    yield market_message(instruments, runtime.now())
                elif event.topic == QUOTE_TOPIC and (message := feed.quote(event)):
                    yield message
        finally:
            runtime.bus.unsubscribe(subscription)
            slot.release()

    # The background task also frees the slot when the stream never started iterating.
    return EventSourceResponse(events(), ping=15, background=BackgroundTask(slot.release))
