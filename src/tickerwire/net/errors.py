"""What the fetcher raises: one base class, one subclass per way a fetch can fail.

Callers catch :class:`FetchError` for "this URL did not give us a body" and a subclass when
they act differently (a scheduler backs off on :class:`HTTPStatusError`, a feed is marked
broken on :class:`BlockedURL`). Messages are for people and never echo the response body,
which a hostile server controls, nor a URL's secrets: message and ``url`` both go through
:func:`~tickerwire.net.redact.redact` here, where every URL enters an error text, so logs,
the CLI, the feeds page and the API only ever see the redacted form.
"""

from __future__ import annotations

import httpx

from tickerwire.net.redact import redact, redact_url


class FetchError(Exception):
    """A fetch failed; ``url`` is the hop that failed (redacted), which after redirects may
    differ from the URL the caller asked for."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(redact(message))
        self.url = redact_url(url)


class BlockedURL(FetchError):
    """The scheme, port or address is refused by policy: the guard against requests that
    turn inward (SSRF). Retrying will not help; only the admin allowlist changes it."""


class TooLarge(FetchError):
    """The body, counted after decompression, went past the caller's cap."""


class TooManyRedirects(FetchError):
    """More redirects than the settings allow, or a redirect back to a URL already visited."""


class Timeout(FetchError):
    """A connect or read timeout, or the whole-request deadline, ran out."""


class ConnectError(FetchError):
    """The host could not be resolved or reached, or the connection broke mid-way."""


class HTTPStatusError(FetchError):
    """The server answered with a status that carries no usable body (4xx, 5xx, odd 3xx).

    ``retry_after`` is the server's Retry-After, already clamped to the bounds in
    SECURITY.md, so a scheduler can use it as it is. ``headers`` are the answer's own, for
    the rare caller that needs one from an error (Yahoo sets its session cookie on a 404).
    """

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int,
        retry_after: float | None,
        headers: httpx.Headers | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after
        self.headers = headers if headers is not None else httpx.Headers()
