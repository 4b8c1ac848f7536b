"""The live stream over a real socket: what a page's script receives, as Server-Sent Events.

A client gets the market status, then the latest stored quote of each symbol it asked
for, then each new quote, every one carrying the texts the server-rendered page shows.
The hub behind it has tests of its own (test_stream_hub.py); these go through uvicorn,
the app's middlewares and the route, as a browser does.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn

from support.moments import FRIDAY_MORNING
from support.ports import free_port
from tickerwire.config import Settings
from tickerwire.live.bus import Event
from tickerwire.markets.poller import quote_event
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime
from tickerwire.web import parts
from tickerwire.web.app import create_app
from tickerwire.web.parts import quote_figures
from tickerwire.web.serving import PortalServer

pytestmark = pytest.mark.anyio

SPX_CLOSE = 5890.0


@contextlib.asynccontextmanager
async def portal(database_url: str, **settings: Any) -> AsyncIterator[tuple[Runtime, str]]:
    """A demo portal at Friday morning, served on a loopback port as `tickerwire serve`
    serves it."""
    config_ = Settings(database_url=database_url, demo=True, poller_enabled=False, **settings)
    runtime = await Runtime.open(config_, clock=lambda: FRIDAY_MORNING)
    port = free_port()
    app = create_app(config_, runtime=runtime)
    config = uvicorn.Config(app, port=port, log_level="warning", timeout_graceful_shutdown=1)
    server = PortalServer(config, app)
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(250):  # uvicorn offers no event for "started"; poll its flag
            if server.started:
                break
            await asyncio.sleep(0.02)
        yield runtime, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=10)
        await runtime.close()


@contextlib.asynccontextmanager
async def stream(base: str, symbols: str) -> AsyncIterator[AsyncIterator[tuple[str, Any]]]:
    """The events of ``/api/v1/stream?symbols=...`` as (event name, parsed data)."""
    url = f"{base}/api/v1/stream?symbols={symbols}"
    async with httpx.AsyncClient(timeout=10) as client, client.stream("GET", url) as response:
        assert response.headers["content-type"].startswith("text/event-stream")

        async def events() -> AsyncIterator[tuple[str, Any]]:
            name = ""
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    yield name, json.loads(line.split(":", 1)[1])

        yield events()


async def next_quote(events: AsyncIterator[tuple[str, Any]]) -> dict[str, Any]:
    async with asyncio.timeout(5):
        async for name, data in events:
            if name == "quote":
                return dict(data)
    raise AssertionError("the stream ended without a quote")


def spx(price: float, minutes: int = 0) -> Quote:
    return Quote(
        "SPX", price, FRIDAY_MORNING - timedelta(minutes=minutes), "test",
        previous_close=SPX_CLOSE,
    )  # fmt: skip


async def test_a_new_quote_reaches_a_stream_subscriber(database_url: str) -> None:
    async with portal(database_url) as (runtime, base), stream(base, "SPX") as events:
        await asyncio.sleep(0.2)  # let the subscription register
        await runtime.poller.refresh([runtime.registry.get("SPX")])
        data = await next_quote(events)
    assert data["key"] == "SPX" and data["data"]["simulated"] is True
    assert data["data"]["price"] > 0


async def test_the_stream_opens_with_the_market_banner_and_each_markets_label(
    database_url: str,
) -> None:
    async with portal(database_url) as (runtime, base), stream(base, "SPX,N225") as events:
        async with asyncio.timeout(5):
            name, data = await anext(events)
    assert name == "market"
    assert data["data"]["banner"]["text"] == parts.banner(FRIDAY_MORNING).text
    markets = data["data"]["markets"]
    for symbol in ("SPX", "N225"):
        instrument = runtime.registry.get(symbol)
        expected = parts.market_view(instrument, FRIDAY_MORNING)
        assert markets[instrument.calendar]["label"] == expected.label
        assert markets[instrument.calendar]["state"] == expected.state


async def test_the_stream_sends_the_latest_stored_quote_of_each_wanted_symbol_on_connect(
    database_url: str,
) -> None:
    async with portal(database_url) as (runtime, base):
        runtime.markets.save_quotes([spx(5900.0)])
        async with stream(base, "SPX,GC") as events:
            data = await next_quote(events)
    assert data["key"] == "SPX"
    assert data["data"]["price"] == 5900.0


async def test_a_quote_event_carries_the_texts_the_page_shows_in_the_portals_zone(
    database_url: str,
) -> None:
    async with portal(database_url, timezone="Asia/Tokyo") as (runtime, base):
        quote = spx(5900.0, minutes=6)
        runtime.markets.save_quotes([quote])
        async with stream(base, "SPX") as events:
            shown = (await next_quote(events))["shown"]
    expected = quote_figures(runtime.registry.get("SPX"), quote, "Asia/Tokyo", FRIDAY_MORNING)
    assert shown["as_of_text"] == expected.as_of_text == "Nov 20, 11:54 PM JST"
    assert shown["price_text"] == "5,900.00"
    assert shown["change_text"] == "+10.00"
    assert shown["percent_text"] == expected.percent_text
    assert (shown["direction"], shown["arrow"], shown["spoken_direction"]) == ("up", "▲", "up")
    assert shown["as_of"] == quote.as_of.isoformat()


async def test_a_quote_identical_to_the_last_one_sent_is_not_sent_again(
    database_url: str,
) -> None:
    async with portal(database_url) as (runtime, base):
        stored = spx(5900.0, minutes=1)
        runtime.markets.save_quotes([stored])
        instrument = runtime.registry.get("SPX")
        async with stream(base, "SPX") as events:
            assert (await next_quote(events))["data"]["price"] == 5900.0
            await runtime.bus.publish([quote_event(stored, instrument)])
            await asyncio.sleep(0.2)  # read on its own, not conflated with the next
            await runtime.bus.publish([quote_event(replace(stored, price=5901.0), instrument)])
            assert (await next_quote(events))["data"]["price"] == 5901.0


async def test_events_for_unknown_instruments_or_with_bad_data_are_dropped_and_the_stream_goes_on(
    database_url: str,
) -> None:
    async with portal(database_url) as (runtime, base), stream(base, "") as events:
        await asyncio.sleep(0.2)  # let the subscription register
        unknown = Event("quote", "NOPE", {"symbol": "NOPE", "price": 1.0, "as_of": "x"})
        broken = Event("quote", "SPX", {"symbol": "SPX", "price": "NaN", "as_of": "x"})
        await runtime.bus.publish([unknown, broken])
        await runtime.bus.publish([quote_event(spx(5905.0), runtime.registry.get("SPX"))])
        data = await next_quote(events)
    assert data["data"]["price"] == 5905.0


async def test_a_stream_for_an_unknown_symbol_is_a_404_naming_it(database_url: str) -> None:
    async with portal(database_url) as (_, base), httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{base}/api/v1/stream?symbols=SPX,NOPE")
    assert response.status_code == 404
    assert "NOPE" in response.json()["detail"]


async def test_a_stream_is_neither_stored_nor_buffered_on_the_way(database_url: str) -> None:
    async with (
        portal(database_url) as (_, base),
        httpx.AsyncClient(timeout=10) as client,
        client.stream("GET", f"{base}/api/v1/stream?symbols=SPX") as response,
    ):
        headers = response.headers
        first = await anext(response.aiter_lines())
    assert headers["cache-control"] == "no-store"
    assert headers["x-accel-buffering"] == "no"
    assert "nosniff" in headers["x-content-type-options"]  # the middlewares' headers too
    assert first.startswith("retry: ")  # when the browser's EventSource comes back


async def test_shutting_down_completes_every_open_stream(database_url: str) -> None:
    """The server ends each stream before it waits for open responses, so a restart
    neither hangs nor cuts streams off mid-message."""
    async with httpx.AsyncClient(timeout=10) as client:
        async with portal(database_url) as (_, base):
            request = client.build_request("GET", f"{base}/api/v1/stream")
            response = await client.send(request, stream=True)
            lines = response.aiter_lines()
            assert (await anext(lines)).startswith("retry: ")
        rest = [line async for line in lines]  # reaches the end: no error, no hang
        await response.aclose()
    assert "event: market" in rest


async def open_streams(
    base: str, count: int, *, source: str = "127.0.0.1"
) -> tuple[contextlib.AsyncExitStack, list[httpx.Response]]:
    """``count`` stream requests opened at once from ``source``, their bodies left unread
    (the connections stay open until the exit stack closes them)."""
    stack = contextlib.AsyncExitStack()
    transport = httpx.AsyncHTTPTransport(local_address=source)
    unlimited = httpx.Limits(max_connections=None)
    client = await stack.enter_async_context(
        httpx.AsyncClient(transport=transport, timeout=10, limits=unlimited)
    )
    url = f"{base}/api/v1/stream?symbols=SPX"
    streams = [stack.enter_async_context(client.stream("GET", url)) for _ in range(count)]
    return stack, list(await asyncio.gather(*streams))


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(response.status_code for response in responses)


async def test_streams_past_the_per_address_cap_are_refused_with_429_and_retry_after(
    database_url: str,
) -> None:
    caps = {"max_per_client": 3, "max_total": 100, "retry_after_seconds": 7}
    async with portal(database_url, stream=caps) as (_, base):
        stack, responses = await open_streams(base, 12)
        async with stack:
            assert statuses(responses) == [200] * 3 + [429] * 9
            refused = next(r for r in responses if r.status_code == 429)
            assert refused.headers["retry-after"] == "7"
            assert "too many live streams from your address" in (await refused.aread()).decode()


async def test_one_address_at_its_cap_leaves_room_for_another(database_url: str) -> None:
    caps = {"max_per_client": 2, "max_total": 100}
    async with portal(database_url, stream=caps) as (_, base):
        first, crowded = await open_streams(base, 4, source="127.0.0.1")
        second, other = await open_streams(base, 1, source="127.0.0.2")
        async with first, second:
            assert statuses(crowded) == [200, 200, 429, 429]
            assert statuses(other) == [200]


async def test_streams_past_the_global_cap_are_refused_whoever_asks(database_url: str) -> None:
    caps = {"max_per_client": 5, "max_total": 4}
    async with portal(database_url, stream=caps) as (_, base):
        first, full = await open_streams(base, 4, source="127.0.0.1")
        second, late = await open_streams(base, 2, source="127.0.0.3")
        async with first, second:
            assert statuses(full) == [200] * 4
            assert statuses(late) == [429, 429]
            assert "as many live streams open as it allows" in (await late[0].aread()).decode()


async def admitted_again(base: str) -> None:
    """Wait until the address may open a stream again: the server notices a hang-up on
    its own schedule."""
    status = 429
    async with asyncio.timeout(10):
        while status == 429:
            again, (response,) = await open_streams(base, 1)
            status = response.status_code
            await again.aclose()
    assert status == 200


async def test_a_closed_stream_gives_its_slot_back(database_url: str) -> None:
    caps = {"max_per_client": 1, "max_total": 100}
    async with portal(database_url, stream=caps) as (_, base):
        first, (held,) = await open_streams(base, 1)
        assert held.status_code == 200
        await first.aclose()
        await admitted_again(base)


async def test_a_reader_that_stops_reading_is_dropped(database_url: str) -> None:
    """Once the kernel's buffers and uvicorn's are full, writes to it would wait: a
    heartbeat later the reader is dropped, and its slot is free again."""
    settings = {"max_per_client": 1, "max_total": 100, "heartbeat_seconds": 0.05}
    async with (
        portal(database_url, stream=settings) as (runtime, base),
        httpx.AsyncClient(timeout=10) as client,
    ):
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # and never read
        host, port = base.removeprefix("http://").split(":")
        stalled.connect((host, int(port)))
        stalled.sendall(f"GET /api/v1/stream HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        try:
            async with asyncio.timeout(60):
                while await open_stream_count(client, base) == 0:  # noqa: ASYNC110 (no event)
                    await asyncio.sleep(0.02)
                for step in itertools.count():  # until the buffers, grown to their most, are full
                    await runtime.bus.publish(every_symbol_at(runtime, 100.0 + step))
                    await asyncio.sleep(0)
                    if step % 25 == 0 and await open_stream_count(client, base) == 0:
                        break
        finally:
            stalled.close()
        await admitted_again(base)


def every_symbol_at(runtime: Runtime, price: float) -> list[Event]:
    return [
        quote_event(Quote(i.symbol, price, FRIDAY_MORNING, "test", previous_close=99.0), i)
        for i in runtime.registry
    ]


async def open_stream_count(client: httpx.AsyncClient, base: str) -> float:
    found = re.search(
        r"^tickerwire_stream_clients (\S+)$", (await client.get(f"{base}/metrics")).text, re.M
    )
    assert found is not None
    return float(found.group(1))
