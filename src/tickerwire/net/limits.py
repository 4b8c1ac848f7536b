"""Per-host concurrency: at most N requests in flight to one host, across every caller.

One fetcher is shared by providers, feeds and article pages, so a burst of refreshes for
feeds on one publisher queues here instead of hammering that publisher. A host's
semaphore exists only while someone uses it, so thousands of feed hosts cost nothing idle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio


@dataclass
class _Slots:
    semaphore: anyio.Semaphore
    users: int = 0


class HostLimiter:
    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._hosts: dict[str, _Slots] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s slots for the duration of the block."""
        key = host.lower()
        slots = self._hosts.get(key)
        if slots is None:
            slots = self._hosts[key] = _Slots(anyio.Semaphore(self._per_host))
        slots.users += 1
        try:
            async with slots.semaphore:
                yield
        finally:
            slots.users -= 1
            if slots.users == 0:
                del self._hosts[key]

    def in_use(self) -> int:
        """How many hosts currently have a request in flight or queued."""
        return len(self._hosts)
