"""What the HTTP providers share: symbol lookup and the one way they talk to the network.

Every request goes through the guarded :class:`~tickerwire.net.fetch.Fetcher`, so each call
has the fetcher's hard deadline, size cap and address guard. Whatever the fetcher raises
becomes a :class:`ProviderError` here (keeping Retry-After), which is the only error the
failover chain expects from a provider.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from tickerwire.instruments import Instrument
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.symbols import symbol_for
from tickerwire.net.errors import FetchError, HTTPStatusError
from tickerwire.net.fetch import Fetcher, FetchResponse


class SymbolNotFound(ProviderError):
    """The provider has nothing for this symbol or range (HTTP 404 or 422).

    Nothing failed, so this is no reason to back off: callers turn it into an absent quote
    or empty history, and the chain asks the next provider.
    """


class HttpProvider:
    """Base of the providers that fetch over HTTP; subclasses set ``name``.

    The fetcher belongs to whoever built it (one fetcher is shared by every provider, so
    its per-host limits hold across them); ``aclose`` therefore leaves it open.
    """

    name: str = ""
    simulated: bool = False
    reuse_seconds: ClassVar[float] = 0.0
    """How long an answer is reused for the same request instead of asking again: sources
    that publish once a day set it, so a poll every 15 s does not fetch their file each time."""

    def __init__(
        self,
        base_url: str,
        fetcher: Fetcher,
        *,
        max_bytes: int,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._fetcher = fetcher
        self._max_bytes = max_bytes
        self._headers = dict(headers or {})
        self._recent: dict[str, tuple[float, FetchResponse]] = {}
        self.monotonic: Callable[[], float] = time.monotonic

    def supports(self, instrument: Instrument) -> bool:
        return self.symbol(instrument) is not None

    def symbol(self, instrument: Instrument) -> str | None:
        """This provider's name for ``instrument`` (see :mod:`.symbols`)."""
        return symbol_for(self.name, instrument)

    def symbols(self, instruments: Iterable[Instrument]) -> dict[str, Instrument]:
        """Our instruments this provider knows, keyed by the provider's own symbol."""
        known: dict[str, Instrument] = {}
        for instrument in instruments:
            symbol = self.symbol(instrument)
            if symbol is not None:
                known[symbol] = instrument
        return known

    async def aclose(self) -> None:
        """Nothing to release: the shared fetcher is closed by its owner."""

    async def get(
        self,
        url: str,
        params: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResponse:
        key = f"{url}?{sorted((params or {}).items())!r}"
        recent = self._recent.get(key)
        if recent is not None and self.monotonic() - recent[0] < self.reuse_seconds:
            return recent[1]
        try:
            response = await self._fetcher.get(
                url,
                max_bytes=self._max_bytes,
                params=params,
                headers={**self._headers, **(headers or {})},
            )
        except HTTPStatusError as error:
            kind = SymbolNotFound if error.status in (404, 422) else ProviderError
            raise kind(
                self.name, f"HTTP {error.status} from {url}", retry_after=error.retry_after
            ) from error
        except FetchError as error:
            raise ProviderError(self.name, f"{type(error).__name__}: {error}") from error
        if self.reuse_seconds > 0 and not looks_like_html(response.content):
            self._recent[key] = (self.monotonic(), response)
        return response

    async def get_json(self, url: str, params: dict[str, str] | None = None) -> Any:
        return self.json_of(await self.get(url, params), url)

    def json_of(self, response: FetchResponse, url: str) -> Any:
        """The JSON body of ``response``, or a ProviderError saying what came instead."""
        if looks_like_html(response.content):
            raise self.html_page(url)
        try:
            return response.json()
        except ValueError as error:  # also covers bytes that are not UTF-8/16/32
            raise ProviderError(self.name, f"malformed JSON from {url}: {error}") from error

    async def get_text(self, url: str, params: dict[str, str] | None = None) -> str:
        response = await self.get(url, params)
        if looks_like_html(response.content):
            raise self.html_page(url)
        return response.text()

    def malformed(self, what: str) -> ProviderError:
        return ProviderError(self.name, f"malformed answer: {what}")

    def html_page(self, url: str) -> ProviderError:
        """A web page where data was expected: a maintenance, consent or block page."""
        return ProviderError(
            self.name,
            f"answered with an HTML page instead of data from {url} "
            "(maintenance, consent or block page?)",
        )


def service_said(message: object, limit: int = 160) -> str:
    """A service's own error text, fit for our error line: one line of printable
    characters, clipped. The service controls it, so it is quoted, never trusted."""
    text = " ".join("".join(c if c.isprintable() else " " for c in str(message)).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def looks_like_html(content: bytes) -> bool:
    """Whether a body is a web page: what services serve in maintenance or when blocking."""
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))
