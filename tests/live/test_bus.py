"""The bus: every subscriber sees events, conflated per key; slow readers are bounded."""

from __future__ import annotations

import os

import pytest
import redis

from tickerwire.live.bus import Event, LocalBus
from tickerwire.live.redis_bus import RedisBus

pytestmark = pytest.mark.anyio
REDIS_URL = os.environ.get("TICKERWIRE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def quote(symbol: str, price: float) -> Event:
    return Event("quote", symbol, {"symbol": symbol, "price": price})


async def drain(subscription: object, count: int) -> list[Event]:
    received = []
    async for event in subscription:  # type: ignore[attr-defined]
        received.append(event)
        if len(received) == count:
            break
    return received


async def test_every_subscriber_receives_a_published_event() -> None:
    bus = LocalBus()
    first, second = bus.subscribe(), bus.subscribe()
    await bus.publish([quote("SPX", 1.0)])
    assert [e.data["price"] for e in await drain(first, 1)] == [1.0]
    assert [e.data["price"] for e in await drain(second, 1)] == [1.0]


async def test_a_reader_that_falls_behind_gets_only_the_latest_per_symbol() -> None:
    bus = LocalBus()
    subscription = bus.subscribe()
    await bus.publish([quote("SPX", 1.0), quote("DJI", 2.0), quote("SPX", 3.0)])
    received = await drain(subscription, 2)
    assert {e.key: e.data["price"] for e in received} == {"SPX": 3.0, "DJI": 2.0}


async def test_a_reader_of_batches_gets_everything_pending_at_once() -> None:
    bus = LocalBus()
    subscription = bus.subscribe()
    await bus.publish([quote("SPX", 1.0), quote("DJI", 2.0), quote("SPX", 3.0)])
    batch = await anext(subscription.batches())
    assert {e.key: e.data["price"] for e in batch} == {"SPX": 3.0, "DJI": 2.0}


async def test_batches_end_when_the_subscription_closes() -> None:
    bus = LocalBus()
    subscription = bus.subscribe()
    bus.unsubscribe(subscription)
    assert [batch async for batch in subscription.batches()] == []


async def test_a_subscription_filtered_by_symbol_ignores_others() -> None:
    bus = LocalBus()
    subscription = bus.subscribe({"BTCUSD"})
    await bus.publish([quote("SPX", 1.0), quote("BTCUSD", 9.0)])
    assert [e.key for e in await drain(subscription, 1)] == ["BTCUSD"]


async def test_a_reader_with_too_many_distinct_keys_pending_is_dropped() -> None:
    bus = LocalBus(max_keys=3)
    subscription = bus.subscribe()
    await bus.publish([quote(f"S{i}", 1.0) for i in range(5)])
    assert subscription.dropped
    assert [e async for e in subscription] == []
    assert bus.subscriber_count == 0


async def test_stopping_the_bus_ends_every_subscription() -> None:
    bus = LocalBus()
    subscription = bus.subscribe()
    await bus.stop()
    assert [e async for e in subscription] == []


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as error:
        message = f"Redis at {REDIS_URL} is not answering: {error}"
        if os.environ.get("TICKERWIRE_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


async def test_events_cross_processes_through_redis(redis_url: str) -> None:
    channel = f"tickerwire:test:{os.getpid()}"
    publisher, listener = RedisBus(redis_url, channel=channel), RedisBus(redis_url, channel=channel)
    await publisher.start()
    await listener.start()
    try:
        subscription = listener.subscribe({"SPX"})
        await publisher.publish([quote("DJI", 1.0), quote("SPX", 5900.0)])
        (event,) = await drain(subscription, 1)
        assert (event.key, event.data["price"]) == ("SPX", 5900.0)
    finally:
        await publisher.stop()
        await listener.stop()
