"""Rendered pages, kept until their data changes.

The version moves whenever the bus carries an event (a new quote, a new article), and the
minute is part of the key because the banner counts down in minutes. Nothing else is
re-rendered per request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime


class RenderCache:
    def __init__(self, max_entries: int = 256) -> None:
        self.version = 0
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, int, str], bytes] = OrderedDict()

    def invalidate(self) -> None:
        self.version += 1

    def get_or_render(self, key: str, now: datetime, render: Callable[[], bytes]) -> bytes:
        slot = (key, self.version, now.strftime("%Y%m%d%H%M"))
        cached = self._entries.get(slot)
        if cached is not None:
            self._entries.move_to_end(slot)
            return cached
        body = render()
        self._entries[slot] = body
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return body
