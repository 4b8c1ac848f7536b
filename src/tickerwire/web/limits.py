"""Caps on long-lived connections: one client must not hold every live stream.

A stream connection costs a coroutine, a place in the stream hub and a socket for as long
as the client keeps it; without a cap one client can open thousands. :class:`ConnectionCaps`
counts open streams per client address and in total, and refuses past either cap, so the
endpoint can answer 429 with ``Retry-After``. Counting happens on the event loop, where
every stream opens and closes, so no lock is needed.
"""

from __future__ import annotations

from collections import Counter

from tickerwire.config import StreamSettings


class Slot:
    """One admitted connection; :meth:`release` gives it back, once, however often it is
    called (the stream's own cleanup and the response's background task both call it)."""

    def __init__(self, caps: ConnectionCaps, client: str) -> None:
        self._caps = caps
        self._client = client
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._caps._release(self._client)


class ConnectionCaps:
    def __init__(self, settings: StreamSettings) -> None:
        self.settings = settings
        self._open: Counter[str] = Counter()
        #: Kept beside the counter: summing it would cost every admission as many steps
        #: as there are addresses, which ten thousand readers' storm cannot pay.
        self._total = 0

    @property
    def total(self) -> int:
        return self._total

    def admit(self, client: str) -> Slot | None:
        """A slot for ``client``, or None when it or the process is at its cap."""
        if self._open[client] >= self.settings.max_per_client:
            return None
        if self.total >= self.settings.max_total:
            return None
        self._open[client] += 1
        self._total += 1
        return Slot(self, client)

    def refusal(self, client: str) -> str:
        """Why ``client`` was refused, as a sentence."""
        if self._open[client] >= self.settings.max_per_client:
            return (
                f"too many live streams from your address (at most "
                f"{self.settings.max_per_client}); close one or retry later"
            )
        return "the server has as many live streams open as it allows; retry later"

    def _release(self, client: str) -> None:
        self._total -= 1
        self._open[client] -= 1
        if self._open[client] <= 0:
            del self._open[client]
