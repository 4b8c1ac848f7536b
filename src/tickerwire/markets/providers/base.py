"""The small interface every market-data provider implements.

A provider turns our instruments into its own symbols, asks its source, and turns the
answer back into :class:`Quote` and :class:`Bar`. Anything that goes wrong on the way
(network, HTTP status, malformed payload, deadline) surfaces as :class:`ProviderError`, so
the failover chain and the poller have one thing to catch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from tickerwire.instruments import Instrument
from tickerwire.markets.quotes import Bar, Interval, Quote
from tickerwire.net.redact import redact


class ProviderError(Exception):
    """A provider could not answer; the message says which and why, for people to read."""

    def __init__(self, provider: str, message: str, *, retry_after: float | None = None):
        message = redact(message)  # base URLs may carry keys; see tickerwire.net.redact
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.reason = message
        self.retry_after = retry_after


@runtime_checkable
class Provider(Protocol):
    """A source of quotes and history.

    ``quotes`` returns what it could get, keyed by our symbol; symbols it has no answer for
    are simply absent (the failover chain then asks the next provider). It raises
    :class:`ProviderError` only when the whole call failed.
    """

    name: str
    simulated: bool

    def supports(self, instrument: Instrument) -> bool: ...

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]: ...

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]: ...

    async def aclose(self) -> None: ...
