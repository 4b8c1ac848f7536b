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
has not changed is a dictionary lookup. When its data has changed, the first request goes
on to render it anew, and the readers who arrive meanwhile get the copy rendered before
(if it is at most :data:`MAX_STALE_SECONDS` old) instead of queueing behind that render:
a tick of the quotes then costs nobody a render's wait, and the live parts of the page
catch up over the stream.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b

Slot = tuple[str, int, str]
ADDRESSES_PER_ENTRY = 4
"""Addresses remembered per stored page at most (``/``, ``/?page=1``, another host name)."""
MAX_STALE_SECONDS = 30.0
"""The oldest copy sent while its page is rendered anew; older, readers wait for the render."""
RENDER_GRACE_SECONDS = 10.0
"""After this long without the new render arriving (it failed), another request tries."""


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
    def __init__(self, max_entries: int = 256, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.version = 0
        self.max_entries = max_entries
        self.renders = 0
        #: Requests answered without rendering: from a stored entry, or by waiting for the
        #: render another request was doing. With ``renders``, the cache's hit ratio.
        self.hits = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[Slot, bytes] = OrderedDict()
        self._etags: dict[Slot, str] = {}
        self._rendered_at: dict[Slot, float] = {}
        self._rendering: dict[str, float] = {}  # address -> when a request went to render it
        self._pending: dict[Slot, Future[bytes]] = {}
        # Bounded: any query string is an address, and addresses are the reader's to make.
        self._addresses: OrderedDict[str, tuple[Slot, str, object]] = OrderedDict()

    def invalidate(self) -> None:
        with self._lock:
            self.version += 1

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
            self._rendering.pop(address, None)
            if etag is not None:
                self._addresses[address] = (slot, media_type, route)
                self._addresses.move_to_end(address)
                while len(self._addresses) > ADDRESSES_PER_ENTRY * self.max_entries:
                    self._addresses.popitem(last=False)
            return etag

    def ready(self, address: str, now: datetime) -> ReadyPage | None:
        """The stored page for ``address`` if it is current, or if it is being rendered
        anew by another request and the stored copy is recent; else None, and the caller
        renders it."""
        with self._lock:
            remembered = self._addresses.get(address)
            if remembered is None:
                return None
            slot, media_type, route = remembered
            body = self._entries.get(slot)
            if body is None:
                del self._addresses[address]
                return None
            if slot != self._slot(slot[0], self.version, now):
                moment = self._clock()
                started = self._rendering.get(address)
                fresh_enough = moment - self._rendered_at[slot] <= MAX_STALE_SECONDS
                if not fresh_enough or started is None or moment - started > RENDER_GRACE_SECONDS:
                    self._rendering[address] = moment  # this request renders it anew
                    while len(self._rendering) > ADDRESSES_PER_ENTRY * self.max_entries:
                        self._rendering.pop(next(iter(self._rendering)))
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
            self._rendered_at[slot] = self._clock()
            while len(self._entries) > self.max_entries:
                evicted, _ = self._entries.popitem(last=False)
                del self._etags[evicted], self._rendered_at[evicted]
        pending.set_result(body)
        return body
