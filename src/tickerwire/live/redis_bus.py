"""The bus across processes: pollers publish to a Redis channel, every web process listens
and fans events out to its own stream clients through a :class:`LocalBus`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

import redis.asyncio as redis

from tickerwire.live.bus import Event, LocalBus, Subscription

CHANNEL = "tickerwire:events"


class RedisBus:
    def __init__(self, url: str, *, channel: str = CHANNEL, max_keys: int = 1000) -> None:
        self.url = url
        self.channel = channel
        self._local = LocalBus(max_keys=max_keys)
        self._client: redis.Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._client = redis.Redis.from_url(self.url)
        await self._client.ping()
        self._listener = asyncio.create_task(self._listen(), name="redis-bus-listener")
        await self._ready.wait()

    async def _listen(self) -> None:
        assert self._client is not None
        pubsub = self._client.pubsub()
        await pubsub.subscribe(self.channel)
        self._ready.set()
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    self._local.deliver([Event.from_json(message["data"])])
        finally:
            await pubsub.aclose()

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._local.stop()
        if self._client is not None:
            await self._client.aclose()

    async def publish(self, events: Iterable[Event]) -> None:
        assert self._client is not None, "start() the bus before publishing"
        async with self._client.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(self.channel, event.to_json())
            await pipe.execute()

    def subscribe(self, keys: Iterable[str] | None = None) -> Subscription:
        return self._local.subscribe(keys)

    def unsubscribe(self, subscription: Subscription) -> None:
        self._local.unsubscribe(subscription)
