"""Rendered pages, kept until their data changes, rendered once however many readers miss.

The version moves whenever the bus carries an event (a new quote, a new article), and the
minute is part of the key because the banner counts down in minutes. Nothing else is
re-rendered per request.

Page handlers run in the server's thread pool, so the cache is shared between threads:
one lock guards its tables, and when many requests miss the same page at the same moment
(right after an invalidation) the first renders it and the others wait for that render
instead of repeating it.

Each stored page also gets its ETag, computed once, and the address it was asked at, so
that :mod:`tickerwire.web.ready` can answer the next request for that address with the
stored bytes before any routing, validation or thread pool: the hot path of a page that
has not changed is a dictionary lookup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b

Slot = tuple[str, int, str]
ADDRESSES_PER_ENTRY = 4
"""Addresses remembered per stored page at most (``/``, ``/?page=1``, another host name)."""


@dataclass(frozen=True, slots=True)
class ReadyPage:
    """A stored page as the fast path sends it."""

    body: bytes
    etag: str
    media_type: str
    route: object
    """The route that rendered it, for the metrics to file the request under."""


def etag_of(body: bytes) -> str:
    """A strong validator: the same bytes give the same tag after a restart and on every
    replica, so a browser or proxy keeps its copy across both."""
    return f'"{blake2b(body, digest_size=12).hexdigest()}"'


class RenderCache:
    def __init__(self, max_entries: int = 256) -> None:
        self.version = 0
        self.max_entries = max_entries
        self.renders = 0
        #: Requests answered without rendering: from a stored entry, or by waiting for the
        #: render another request was doing. With ``renders``, the cache's hit ratio.
        self.hits = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[Slot, bytes] = OrderedDict()
        self._etags: dict[Slot, str] = {}
        self._pending: dict[Slot, Future[bytes]] = {}
        # Bounded: any query string is an address, and addresses are the reader's to make.
        self._addresses: OrderedDict[str, tuple[Slot, str, object]] = OrderedDict()

    def invalidate(self) -> None:
        with self._lock:
            self.version += 1
            self._addresses.clear()

    @staticmethod
    def _slot(key: str, version: int, now: datetime) -> Slot:
        return (key, version, now.strftime("%Y%m%d%H%M"))

    def remember(
        self, address: str, key: str, now: datetime, media_type: str, route: object
    ) -> str | None:
        """Let :meth:`ready` answer ``address`` (the URL as the request had it) with the
        page stored under ``key``, and give that page's ETag; None when it is not stored
        (a render that failed, or another minute already)."""
        with self._lock:
            slot = self._slot(key, self.version, now)
            etag = self._etags.get(slot)
            if etag is not None:
                self._addresses[address] = (slot, media_type, route)
                while len(self._addresses) > ADDRESSES_PER_ENTRY * self.max_entries:
                    self._addresses.popitem(last=False)
            return etag

    def ready(self, address: str, now: datetime) -> ReadyPage | None:
        """The stored page for ``address`` if it is still current, else None."""
        with self._lock:
            remembered = self._addresses.get(address)
            if remembered is None:
                return None
            slot, media_type, route = remembered
            body = self._entries.get(slot)
            if slot != self._slot(slot[0], self.version, now) or body is None:
                del self._addresses[address]
                return None
            self._entries.move_to_end(slot)
            self.hits += 1
            return ReadyPage(body, self._etags[slot], media_type, route)

    def get_or_render(self, key: str, now: datetime, render: Callable[[], bytes]) -> bytes:
        """The cached bytes for ``key`` at this version and minute, else ``render()``'s,
        computed once for all the callers that asked at the same time. A render that
        raises raises in every waiting caller and is not cached."""
        with self._lock:
            slot = self._slot(key, self.version, now)
            cached = self._entries.get(slot)
            if cached is not None:
                self._entries.move_to_end(slot)
                self.hits += 1
                return cached
            pending = self._pending.get(slot)
            owner = pending is None
            if pending is None:
                pending = self._pending[slot] = Future()
                self.renders += 1
            else:
                self.hits += 1
        if not owner:
            return pending.result()
        try:
            body = render()
        except BaseException as error:
            with self._lock:
                del self._pending[slot]
            pending.set_exception(error)
            raise
        etag = etag_of(body)
        with self._lock:
            del self._pending[slot]
            self._entries[slot] = body
            self._etags[slot] = etag
            while len(self._entries) > self.max_entries:
                evicted, _ = self._entries.popitem(last=False)
                del self._etags[evicted]
        pending.set_result(body)
        return body
