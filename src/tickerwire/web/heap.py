"""Keeping the garbage collector's full passes short while thousands of streams are open.

An open stream holds some 140 objects the collector tracks (uvicorn's connection, the
request's chain of coroutines through every middleware, the hub's record of it), and a
full collection walks every tracked object: at ten thousand streams, most of a second in
which the event loop does nothing else. CPython starts one whenever the objects that
survived since the last exceed a quarter of those that survived it, so a growing crowd of
readers sets one off again and again, each longer than the one before.

What a stream holds lives as long as the stream, and reference counting frees it when the
stream ends (it makes no reference cycles), so it may be frozen (``gc.freeze()``): moved
out of the collector's sight, as ``app.py`` does with what start-up made. Every
:data:`EVERY` streams opened, :meth:`Freezer.opened` collects what is not frozen yet (a
pass over about that many streams' objects and whatever else came meanwhile: a short one)
and then freezes what survived.
"""

from __future__ import annotations

import gc

#: Streams opened between two freezes: a full pass over this many streams' objects takes
#: a few tens of milliseconds.
EVERY = 256


class Freezer:
    def __init__(self, every: int = EVERY) -> None:
        self.every = every
        self._opened = 0

    def opened(self) -> None:
        """Note a stream opened; every ``every``-th, collect and freeze."""
        self._opened += 1
        if self._opened >= self.every:
            self._opened = 0
            gc.collect()
            gc.freeze()
