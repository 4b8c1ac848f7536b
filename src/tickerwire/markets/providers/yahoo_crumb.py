"""Yahoo's cookie-and-crumb handshake, for the endpoints that refuse requests without it.

Yahoo's batched quote endpoint (``/v7/finance/quote``) wants a session cookie and a
"crumb" token tied to it: first a request to the cookie URL (``fc.yahoo.com``) that sets
the cookie, then ``/v1/test/getcrumb`` with that cookie, which answers the crumb as plain
text. Both are sent with every later request; when Yahoo answers 401 ("Invalid Crumb"), the
pair has expired and the handshake starts again. A handshake that fails is not retried for
``retry_seconds``, so a Yahoo that refuses us costs two requests a half hour, not two a poll.

The shared fetcher keeps no cookies (one fetcher serves every site), so the cookie is kept
here, for Yahoo only, and sent by hand in a ``Cookie`` header: the fetcher drops that
header on any redirect to another origin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from tickerwire.markets.providers.base import ProviderError
from tickerwire.net.errors import HTTPStatusError
from tickerwire.net.fetch import FetchResponse
from tickerwire.types import Clock, utc_now

Get = Callable[[str, dict[str, str] | None, Mapping[str, str] | None], Awaitable[FetchResponse]]


@dataclass(frozen=True, slots=True)
class Credentials:
    cookie: str
    crumb: str


class CrumbSession:
    """One cookie and crumb pair at a time, fetched when first needed."""

    def __init__(
        self,
        get: Get,
        cookie_url: str,
        crumb_url: str,
        *,
        retry_seconds: float = 1800.0,
        clock: Clock = utc_now,
    ) -> None:
        self._get = get
        self._cookie_url = cookie_url
        self._crumb_url = crumb_url
        self._retry = timedelta(seconds=retry_seconds)
        self._clock = clock
        self._credentials: Credentials | None = None
        self._failed_at: datetime | None = None
        self.last_failure: str | None = None

    async def credentials(self) -> Credentials | None:
        """The current pair, a fresh one, or None while a failed handshake cools down."""
        if self._credentials is not None:
            return self._credentials
        if self._failed_at is not None and self._clock() < self._failed_at + self._retry:
            return None
        try:
            self._credentials = await self._handshake()
        except ProviderError as error:
            self._failed_at, self.last_failure = self._clock(), error.reason
            return None
        self._failed_at = self.last_failure = None
        return self._credentials

    def expire(self) -> None:
        """Forget the pair (Yahoo said "Invalid Crumb"); the next call shakes hands again."""
        self._credentials = None

    async def _handshake(self) -> Credentials:
        try:
            cookie = session_cookie((await self._get(self._cookie_url, None, None)).headers)
        except ProviderError as error:
            # fc.yahoo.com answers 404 and sets the cookie all the same
            if not isinstance(error.__cause__, HTTPStatusError):
                raise
            cookie = session_cookie(error.__cause__.headers)
        if cookie is None:
            raise ProviderError("yahoo", f"no session cookie from {self._cookie_url}")
        answer = await self._get(self._crumb_url, None, {"Cookie": cookie})
        crumb = answer.text().strip()
        if not crumb or len(crumb) > 64 or any(c.isspace() or c in "<>{}" for c in crumb):
            raise ProviderError("yahoo", f"no crumb from {self._crumb_url}")
        return Credentials(cookie, crumb)


def session_cookie(headers: httpx.Headers | Mapping[str, str]) -> str | None:
    """The ``name=value`` pairs of every Set-Cookie, joined as a Cookie header, or None."""
    values = (
        headers.get_list("set-cookie")
        if isinstance(headers, httpx.Headers)
        else [v for k, v in headers.items() if k.lower() == "set-cookie"]
    )
    pairs = [value.split(";", 1)[0].strip() for value in values]
    pairs = [pair for pair in pairs if "=" in pair and not pair.startswith("=")]
    return "; ".join(pairs) or None
