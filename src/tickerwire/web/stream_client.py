"""One open stream as the hub writes to it: at once, or, while it is behind, from a backlog.

The hub hands every reader the same message. :meth:`StreamClient.write` sends it at once
when the server takes it without waiting (see :func:`~tickerwire.web.sse.write_now`);
when it would wait, the reader is *backed up*: what the message carries goes into the
reader's backlog, which keeps the latest message per key (a symbol, or the market topic),
and a task of the reader's own writes the backlog, awaiting each write, until nothing is
owed. While it does, newer messages replace the ones of their key that wait: a reader
that falls behind gets the newest quote of each symbol, never a queue of old ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from starlette.types import Message, Send

from tickerwire.web import sse

log = logging.getLogger(__name__)

Symbols = frozenset[str] | None
"""The symbols a reader wants; None for all of them."""


@dataclass(eq=False, slots=True)
class StreamClient:
    """One open stream: where its bytes go and what it is owed."""

    send: Send
    symbols: Symbols
    calendars: tuple[str, ...]
    dropper: asyncio.Timeout
    """Rescheduled to now, it ends the stream wherever the stream's coroutine waits."""
    backlog: dict[str, bytes] | None = None
    """While the reader is backed up, what it is owed by key; None while it is not."""
    flusher: asyncio.Task[None] | None = None
    stalled: bool = False
    """Backed up at the last heartbeat, and nothing written since."""
    ended: bool = False

    def write(self, owed: dict[str, bytes], message: Message) -> None:
        """``message`` to the reader now, or, when that would wait, ``owed`` (what the
        message carries, by key) into the backlog, for the reader's own task to write."""
        if self.backlog is not None:
            self.backlog.update(owed)
            return
        try:
            if sse.write_now(self.send, message):
                return
        except Exception as error:  # the server refused the write: this stream is over
            log.info("ended a live stream the server would not write to: %r", error)
            self.end()
            return
        self.backlog = dict(owed)
        self.flusher = asyncio.create_task(self._flush())

    async def catch_up(self, data: bytes) -> None:
        """Write ``data`` and then the backlog, awaiting each write, until nothing is owed;
        then the reader is no longer backed up. Call with a backlog (``{}`` for none)."""
        assert self.backlog is not None
        while True:
            data += b"".join(self.backlog.values())
            self.backlog.clear()
            if not data:
                break
            await self.send(sse.body(data))
            self.stalled = False  # slow, maybe, but taking what it is sent
            data = b""
        self.backlog = None

    def beat(self) -> bool:
        """Note a heartbeat; whether the reader has been backed up since the last one and
        has taken nothing meanwhile (it is not reading: drop it)."""
        if self.backlog is None:
            return False
        if self.stalled:
            return True
        self.stalled = True
        return False

    def end(self) -> None:
        """End the stream from outside: completed, when the server takes the last message
        at once; otherwise cut short wherever its coroutine waits (uvicorn then closes the
        connection, saying the response was not complete)."""
        if self.ended:
            return
        self.close()
        with contextlib.suppress(Exception):
            if self.backlog is None and sse.write_now(self.send, sse.body(b"", last=True)):
                return
        self.dropper.reschedule(asyncio.get_running_loop().time())

    def close(self) -> None:
        """Write nothing more: the stream is over."""
        self.ended = True
        if self.flusher is not None and self.flusher is not asyncio.current_task():
            self.flusher.cancel()

    async def _flush(self) -> None:
        try:
            await self.catch_up(b"")
        except Exception as error:
            log.info("ended a live stream the server would not write to: %r", error)
            self.end()
        finally:
            self.flusher = None
