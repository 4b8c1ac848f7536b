"""Fan-out of events to subscribers, conflated per key so a slow reader never piles up.

A subscriber holds at most one pending event per key (the latest quote for a symbol
replaces the one it has not read yet). A subscriber that lets more than ``max_keys``
distinct keys pile up is dropped: its iterator ends and the stream closes, rather than
letting one slow client grow memory without bound.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Event:
    topic: str
    key: str
    data: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps({"topic": self.topic, "key": self.key, "data": self.data})

    @classmethod
    def from_json(cls, text: str | bytes) -> Event:
        raw = json.loads(text)
        return cls(topic=str(raw["topic"]), key=str(raw["key"]), data=dict(raw["data"]))


@dataclass(eq=False)
class Subscription:
    """One reader's mailbox. Iterate it to receive events; ``close`` ends the iteration."""

    keys: frozenset[str] | None
    max_keys: int
    _pending: dict[tuple[str, str], Event] = field(default_factory=dict)
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False
    closed: bool = False

    def offer(self, event: Event) -> None:
        if self.closed or (self.keys is not None and event.key not in self.keys):
            return
        slot = (event.topic, event.key)
        self._pending.pop(slot, None)
        self._pending[slot] = event
        if len(self._pending) > self.max_keys:
            self.dropped = True
            self.close()
        self._wakeup.set()

    def close(self) -> None:
        self.closed = True
        self._wakeup.set()

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._events()

    async def batches(self) -> AsyncIterator[list[Event]]:
        """Everything pending, each time the reader comes back for more: a reader that
        does the same work for any number of events (the stream hub, writing to every
        client) does it once per batch rather than once per event."""
        while True:
            if self._pending and not self.dropped:
                batch = list(self._pending.values())
                self._pending.clear()
                yield batch
                continue
            if self.closed:
                return
            self._wakeup.clear()
            await self._wakeup.wait()

    async def _events(self) -> AsyncIterator[Event]:
        while True:
            while self._pending and not self.dropped:
                slot = next(iter(self._pending))
                yield self._pending.pop(slot)
            if self.closed:
                return
            self._wakeup.clear()
            await self._wakeup.wait()


class Bus(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def publish(self, events: Iterable[Event]) -> None: ...
    def subscribe(self, keys: Iterable[str] | None = None) -> Subscription: ...
    def unsubscribe(self, subscription: Subscription) -> None: ...


class LocalBus:
    """The single-process bus: publishing hands events straight to local subscribers."""

    def __init__(self, *, max_keys: int = 1000) -> None:
        self.max_keys = max_keys
        self._subscriptions: set[Subscription] = set()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.close()
        self._subscriptions.clear()

    def deliver(self, events: Iterable[Event]) -> None:
        for event in events:
            for subscription in list(self._subscriptions):
                subscription.offer(event)
                if subscription.closed:
                    self._subscriptions.discard(subscription)

    async def publish(self, events: Iterable[Event]) -> None:
        self.deliver(events)

    def subscribe(self, keys: Iterable[str] | None = None) -> Subscription:
        subscription = Subscription(
            keys=frozenset(keys) if keys is not None else None, max_keys=self.max_keys
        )
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.close()
        self._subscriptions.discard(subscription)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)
