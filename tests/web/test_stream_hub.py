"""The stream hub: one subscription per process, fanned out to every reader.

Each reader here is the server's side of one stream, as the hub sees it: an ASGI ``send``
that records what it is given and ``receive`` that reports the hang-up. A reader can be
*backed up*: its send then waits until it is released, as uvicorn's does while the
transport holds more than its high-water mark because the reader is not reading.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from starlette.types import Message

from support.moments import FRIDAY_MORNING
from tickerwire.config import Settings
from tickerwire.live.bus import Event
from tickerwire.markets.poller import quote_event
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime
from tickerwire.types import Clock
from tickerwire.web import parts
from tickerwire.web.stream_client import Symbols
from tickerwire.web.stream_hub import StreamHub

pytestmark = pytest.mark.anyio

SPX_CLOSE = 5890.0


def spx(price: float, minutes: int = 0) -> Quote:
    return Quote(
        "SPX", price, FRIDAY_MORNING - timedelta(minutes=minutes), "test",
        previous_close=SPX_CLOSE,
    )  # fmt: skip


class Reader:
    """The server's side of one stream, as the hub sees it."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.attempts = 0
        self.complete = False
        self._writable = asyncio.Event()
        self._writable.set()
        self._gone = asyncio.Event()
        self._asked = False

    async def send(self, message: Message) -> None:
        self.attempts += 1
        await self._writable.wait()  # returns at once while writable, as uvicorn's does
        assert message["type"] == "http.response.body"
        self.bodies.append(message["body"])
        if not message["more_body"]:
            self.complete = True
            self._gone.set()

    async def receive(self) -> Message:
        if not self._asked:
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    def back_up(self) -> None:
        self._writable.clear()

    def catch_up(self) -> None:
        self._writable.set()

    def hang_up(self) -> None:
        self._gone.set()

    @property
    def text(self) -> str:
        return b"".join(self.bodies).decode()

    def events(self) -> list[tuple[str, dict[str, Any]]]:
        """Every event received, as (name, parsed data)."""
        found = []
        for block in self.text.split("\n\n"):
            fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
            if "event" in fields:
                found.append((fields["event"], json.loads(fields["data"])))
        return found

    def prices(self) -> list[float]:
        return [data["data"]["price"] for name, data in self.events() if name == "quote"]


async def until(condition: Callable[[], bool]) -> None:
    """Wait for ``condition``; a guard against hanging, not a measure of speed."""
    async with asyncio.timeout(5):
        while not condition():  # noqa: ASYNC110 (nothing to wait on for these conditions)
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def hub_on(
    database_url: str, clock: Clock = lambda: FRIDAY_MORNING, **settings: Any
) -> AsyncIterator[tuple[Runtime, StreamHub]]:
    """A started hub on a demo runtime (at Friday morning), with no poller of its own."""
    config = Settings(database_url=database_url, demo=True, poller_enabled=False, **settings)
    runtime = await Runtime.open(config, clock=clock)
    hub = StreamHub(runtime)
    await hub.start()
    try:
        yield runtime, hub
    finally:
        await hub.stop()
        await runtime.close()


@contextlib.asynccontextmanager
async def reading(hub: StreamHub, symbols: Symbols = None) -> AsyncIterator[Reader]:
    """A reader with its stream open, past its opening; it hangs up when the block ends."""
    reader = Reader()
    serving = asyncio.create_task(hub.serve(symbols, reader.receive, reader.send))
    try:
        await until(lambda: bool(reader.bodies))
        yield reader
    finally:
        reader.hang_up()
        await serving


async def publish(runtime: Runtime, *quotes: Quote) -> None:
    await runtime.bus.publish([quote_event(q, runtime.registry.get(q.symbol)) for q in quotes])


async def backed_up(runtime: Runtime, reader: Reader, quote: Quote) -> None:
    """Back ``reader`` up, and publish ``quote``: the hub finds it cannot write it now."""
    reader.back_up()
    tried = reader.attempts
    await publish(runtime, quote)
    await until(lambda: reader.attempts > tried)


async def test_a_reader_starts_with_the_market_status_and_the_stored_quotes(
    database_url: str,
) -> None:
    async with hub_on(database_url) as (runtime, hub):
        runtime.markets.save_quotes([spx(5900.0)])
        async with reading(hub, frozenset({"SPX"})) as reader:
            (market, market_data), (quote, quote_data) = reader.events()
    assert reader.text.startswith("retry: ")
    assert market == "market"
    assert market_data["data"]["banner"]["text"] == parts.banner(FRIDAY_MORNING).text
    assert quote == "quote" and quote_data["data"]["price"] == 5900.0


async def test_the_store_is_read_once_for_all_readers_then_kept_by_events(
    database_url: str,
) -> None:
    async with hub_on(database_url) as (runtime, hub):
        runtime.markets.save_quotes([spx(5900.0)])
        async with reading(hub, frozenset({"SPX"})):
            pass
        runtime.markets.save_quotes([spx(5950.0)])  # stored, never published
        async with reading(hub, frozenset({"SPX"})) as later:
            assert later.prices() == [5900.0]
        await publish(runtime, spx(5960.0))
        async with reading(hub, frozenset({"SPX"})) as latest:
            assert latest.prices() == [5960.0]


async def test_a_new_quote_goes_to_every_reader_as_the_same_bytes(database_url: str) -> None:
    async with (
        hub_on(database_url) as (runtime, hub),
        reading(hub) as first,
        reading(hub) as second,
    ):
        opened = len(first.bodies), len(second.bodies)
        await publish(runtime, spx(5901.0))
        await until(lambda: (len(first.bodies), len(second.bodies)) > opened)
    assert first.bodies[-1] is second.bodies[-1]
    assert first.prices()[-1] == 5901.0


async def test_a_reader_gets_only_the_symbols_it_asked_for(database_url: str) -> None:
    async with hub_on(database_url) as (runtime, hub), reading(hub, frozenset({"SPX"})) as spx_only:
        btc = runtime.registry.get("BTCUSD")
        btc_quote = Quote("BTCUSD", 90000.0, FRIDAY_MORNING, "test", previous_close=89000.0)
        await runtime.bus.publish([quote_event(btc_quote, btc)])
        await publish(runtime, spx(5902.0))
        await until(lambda: 5902.0 in spx_only.prices())
    assert {data["key"] for name, data in spx_only.events() if name == "quote"} == {"SPX"}


async def test_a_quote_identical_to_the_latest_is_not_sent_again(database_url: str) -> None:
    async with hub_on(database_url) as (runtime, hub), reading(hub) as reader:
        await publish(runtime, spx(5903.0))
        await until(lambda: 5903.0 in reader.prices())
        await publish(runtime, spx(5903.0))
        await publish(runtime, spx(5904.0))
        await until(lambda: 5904.0 in reader.prices())
    assert reader.prices().count(5903.0) == 1


async def test_malformed_events_and_unknown_symbols_are_dropped_and_the_stream_goes_on(
    database_url: str,
) -> None:
    async with hub_on(database_url) as (runtime, hub), reading(hub) as reader:
        unknown = Event("quote", "NOPE", {"symbol": "NOPE", "price": 1.0, "as_of": "x"})
        broken = Event("quote", "SPX", {"symbol": "SPX", "price": "NaN", "as_of": "x"})
        await runtime.bus.publish([unknown, broken])
        await publish(runtime, spx(5905.0))
        await until(lambda: 5905.0 in reader.prices())
    assert reader.prices()[-1] == 5905.0
    assert "NOPE" not in reader.text


async def test_a_backed_up_reader_gets_only_the_latest_quote_of_each_symbol(
    database_url: str,
) -> None:
    async with hub_on(database_url) as (runtime, hub), reading(hub) as reader:
        await backed_up(runtime, reader, spx(5906.0))
        await publish(runtime, spx(5907.0))
        await publish(runtime, spx(5908.0))
        reader.catch_up()
        await until(lambda: 5908.0 in reader.prices())
    assert 5906.0 in reader.prices()  # already on its way when the next ones came
    assert 5907.0 not in reader.prices()


async def test_a_reader_that_takes_nothing_from_one_heartbeat_to_the_next_is_dropped(
    database_url: str,
) -> None:
    async with hub_on(database_url) as (runtime, hub):
        reader = Reader()
        serving = asyncio.create_task(hub.serve(None, reader.receive, reader.send))
        await until(lambda: hub.client_count == 1 and bool(reader.bodies))
        await backed_up(runtime, reader, spx(5909.0))
        await hub.beat()
        assert hub.client_count == 1  # backed up, but not for a whole heartbeat yet
        await hub.beat()
        await until(serving.done)
        assert hub.client_count == 0
        assert not reader.complete  # cut short: its send never came back


async def test_a_slow_reader_that_keeps_taking_what_it_is_sent_is_kept(
    database_url: str,
) -> None:
    async with hub_on(database_url) as (runtime, hub), reading(hub) as reader:
        await backed_up(runtime, reader, spx(5910.0))
        await hub.beat()
        reader.catch_up()
        await until(lambda: 5910.0 in reader.prices())
        await hub.beat()
        assert hub.client_count == 1


async def test_a_heartbeat_is_a_comment_and_every_minute_the_market_status(
    database_url: str,
) -> None:
    async with hub_on(database_url) as (_, hub), reading(hub) as reader:
        opened = len(reader.events())
        await hub.beat()
        assert reader.bodies[-1] == b":\n\n"
        await hub.beat(market=True)
        assert [name for name, _ in reader.events()[opened:]] == ["market"]


async def test_the_clock_sends_heartbeats_on_its_own(database_url: str) -> None:
    async with (
        hub_on(database_url, stream={"heartbeat_seconds": 0.05}) as (_, hub),
        reading(hub) as reader,
    ):
        await until(lambda: b":\n\n" in reader.bodies)


async def test_closing_the_hub_completes_every_open_stream(database_url: str) -> None:
    async with hub_on(database_url) as (_, hub), reading(hub) as first, reading(hub) as second:
        await hub.close()
        assert first.complete and second.complete
        late = Reader()
        await hub.serve(None, late.receive, late.send)  # comes back later, elsewhere
        assert late.complete and late.text.startswith("retry: ")


async def test_a_new_reader_gets_the_market_status_of_its_own_minute(database_url: str) -> None:
    moments = [FRIDAY_MORNING]
    async with hub_on(database_url, clock=lambda: moments[-1]) as (_, hub):
        async with reading(hub) as early:
            (_, first), *_ = early.events()
        moments.append(FRIDAY_MORNING + timedelta(minutes=1))
        async with reading(hub) as later:
            (_, second), *_ = later.events()
    assert first["data"]["banner"]["text"] == parts.banner(FRIDAY_MORNING).text
    assert second["data"]["banner"]["text"] == parts.banner(moments[-1]).text
    assert second["data"]["banner"]["text"] != first["data"]["banner"]["text"]


async def test_the_latest_quotes_are_worded_anew_with_the_market_status(
    database_url: str,
) -> None:
    """A quote reads differently as time passes (stale, a date instead of a time): the
    opening a new reader gets is worded again once a minute."""
    moments = [FRIDAY_MORNING]
    async with hub_on(database_url, clock=lambda: moments[-1]) as (runtime, hub):
        runtime.markets.save_quotes([spx(5911.0)])
        async with reading(hub, frozenset({"SPX"})) as early:
            assert early.events()[-1][1]["shown"]["stale"] is False
        moments.append(FRIDAY_MORNING + timedelta(hours=2))
        await hub.beat(market=True)
        async with reading(hub, frozenset({"SPX"})) as late:
            assert late.events()[-1][1]["shown"]["stale"] is True
