"""Rendered pages, kept until their data changes, rendered once however many readers miss.

The version moves whenever the bus carries an event (a new quote, a new article), and the
minute is part of the key because the banner counts down in minutes. Nothing else is
re-rendered per request.

Page handlers run in the server's thread pool, so the cache is shared between threads:
one lock guards its tables, and when many requests miss the same page at the same moment
(right after an invalidation) the first renders it and the others wait for that render
instead of repeating it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime

Slot = tuple[str, int, str]


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
        self._pending: dict[Slot, Future[bytes]] = {}

    def invalidate(self) -> None:
        with self._lock:
            self.version += 1

    def get_or_render(self, key: str, now: datetime, render: Callable[[], bytes]) -> bytes:
        """The cached bytes for ``key`` at this version and minute, else ``render()``'s,
        computed once for all the callers that asked at the same time. A render that
        raises raises in every waiting caller and is not cached."""
        with self._lock:
            slot = (key, self.version, now.strftime("%Y%m%d%H%M"))
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
        with self._lock:
            del self._pending[slot]
            self._entries[slot] = body
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        pending.set_result(body)
        return body
