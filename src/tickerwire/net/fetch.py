"""The one guarded outbound HTTP fetcher: every provider, feed, page, image and OPML fetch.

What it guarantees, per call (SECURITY.md, bug classes A and B):

- only the allowed schemes, and ports 80/443 unless the host is on the admin allowlist;
- no connection to a non-public address, checked when each connection is opened, on every
  redirect hop (:mod:`tickerwire.net.transport`);
- redirects followed here, at most ``max_redirects``, each re-checked; loops named as such;
- the body capped at ``max_bytes`` after decompression, while it streams;
- connect and read timeouts, plus one deadline over the whole request, redirects included;
- at most ``per_host_concurrency`` requests in flight to one host;
- conditional GET, and Retry-After / Cache-Control parsed for schedulers.

No cookies are kept between requests: one fetcher serves every site, and a cookie set by one
feed must not follow us anywhere.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType

import anyio
import httpx

from tickerwire.config import FetchSettings
from tickerwire.net.decode import ACCEPT_ENCODING, BodyDecoder, Overflow, UnsupportedEncoding
from tickerwire.net.errors import (
    BlockedURL,
    ConnectError,
    FetchError,
    HTTPStatusError,
    Timeout,
    TooLarge,
    TooManyRedirects,
)
from tickerwire.net.guard import AddressPolicy, Refused, StoredAllowlist
from tickerwire.net.limits import HostLimiter
from tickerwire.net.response import FetchResponse, parse_max_age, parse_retry_after
from tickerwire.net.transport import GuardedTransport, Resolver, system_resolver
from tickerwire.types import Clock, utc_now

__all__ = [
    "BlockedURL",
    "ConnectError",
    "FetchError",
    "FetchResponse",
    "Fetcher",
    "HTTPStatusError",
    "Resolver",
    "Timeout",
    "TooLarge",
    "TooManyRedirects",
]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Credentials meant for one origin must not be handed to wherever it redirects.
_ORIGIN_BOUND_HEADERS = ("authorization", "proxy-authorization", "cookie")


class Fetcher:
    """Shared by the whole process (its per-host limits only hold if it is); close it once."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        resolver: Resolver | None = None,
        clock: Clock = utc_now,
        allowlist: StoredAllowlist | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._policy = AddressPolicy(settings, allowlist)
        self._limiter = HostLimiter(settings.per_host_concurrency)
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(self._policy, resolver or system_resolver),
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            headers={"User-Agent": settings.user_agent},
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            follow_redirects=False,
            trust_env=False,
        )

    @property
    def limiter(self) -> HostLimiter:
        return self._limiter

    @property
    def allowlist(self) -> StoredAllowlist | None:
        """The admin's stored allowlist this fetcher consults, if any."""
        return self._policy.stored

    async def get(
        self,
        url: str,
        *,
        max_bytes: int,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResponse:
        """GET ``url`` and return its body, or raise a :class:`FetchError` subclass.

        2xx and 304 return; redirects are followed; any other status raises
        :class:`HTTPStatusError`. ``etag`` and ``last_modified`` make the request
        conditional.
        """
        target = _parse_url(url, params)
        sent = httpx.Headers(headers)
        if etag:
            sent["If-None-Match"] = etag
        if last_modified:
            sent["If-Modified-Since"] = last_modified
        sent["Accept-Encoding"] = ACCEPT_ENCODING
        visited = {str(target)}
        started: float | None = None
        while True:
            self._check_url(target)
            async with self._limiter.slot(target.host):
                started = anyio.current_time() if started is None else started
                outcome = await self._within_deadline(started, target, sent, max_bytes)
            if isinstance(outcome, FetchResponse):
                return outcome
            if len(visited) > self._settings.max_redirects:
                raise TooManyRedirects(
                    f"{url}: more than {self._settings.max_redirects} redirects", url=str(outcome)
                )
            if str(outcome) in visited:
                raise TooManyRedirects(f"{url}: redirect loop back to {outcome}", url=str(outcome))
            visited.add(str(outcome))
            if outcome.scheme != target.scheme or outcome.netloc != target.netloc:
                for name in _ORIGIN_BOUND_HEADERS:
                    sent.pop(name, None)
            target = outcome

    async def post(
        self,
        url: str,
        *,
        body: bytes,
        max_bytes: int,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResponse:
        """POST ``body`` to ``url`` (webhooks, ntfy) under the same guard, per-host limit
        and deadline as :meth:`get`, and return the answer, or raise a :class:`FetchError`.

        Only 2xx returns. Redirects are not followed: a 3xx raises
        :class:`HTTPStatusError`, so a body meant for one address is never re-sent to
        another that the receiver names.
        """
        target = _parse_url(url, None)
        sent = httpx.Headers(headers)
        sent["Accept-Encoding"] = ACCEPT_ENCODING
        self._check_url(target)
        async with self._limiter.slot(target.host):
            outcome = await self._within_deadline(
                anyio.current_time(), target, sent, max_bytes, method="POST", content=body
            )
        assert isinstance(outcome, FetchResponse)  # a POST's redirect raises in _hop
        return outcome

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _check_url(self, target: httpx.URL) -> None:
        try:
            self._policy.check_scheme(target.scheme)
        except Refused as error:
            raise BlockedURL(f"{target}: {error}", url=str(target)) from error
        if not target.host:
            raise BlockedURL(f"{target}: no host to fetch from", url=str(target))
        if target.port is not None and not 0 < target.port < 65536:
            raise FetchError(f"{target} is not a valid URL: no port {target.port}", url=str(target))

    async def _within_deadline(
        self,
        started: float,
        target: httpx.URL,
        sent: httpx.Headers,
        max_bytes: int,
        *,
        method: str = "GET",
        content: bytes | None = None,
    ) -> FetchResponse | httpx.URL:
        deadline = self._settings.deadline
        try:
            with anyio.fail_after(started + deadline - anyio.current_time()):
                return await self._hop(target, sent, max_bytes, method=method, content=content)
        except TimeoutError as error:
            message = f"{target}: no complete answer within the {deadline:g} s deadline"
            raise Timeout(message, url=str(target)) from error

    async def _hop(
        self,
        target: httpx.URL,
        sent: httpx.Headers,
        max_bytes: int,
        *,
        method: str = "GET",
        content: bytes | None = None,
    ) -> FetchResponse | httpx.URL:
        """One request: a finished response, or the URL a GET's redirect points to."""
        request = self._client.build_request(method, target, headers=sent, content=content)
        response = await self._client.send(request, stream=True)
        try:
            status = response.status_code
            if status in REDIRECT_STATUSES and method == "GET":
                return _redirect_target(response)
            if status == 304 or 200 <= status < 300:
                content = b"" if status == 304 else await _read_body(response, max_bytes)
                return _finished(response, content, sent, self._clock())
            retry_after = parse_retry_after(response.headers.get("retry-after"), self._clock())
            wait = f" (retry after {retry_after:g} s)" if retry_after is not None else ""
            raise HTTPStatusError(
                f"HTTP {status} from {target}{wait}",
                url=str(target),
                status=status,
                retry_after=retry_after,
                headers=response.headers,
            )
        finally:
            await response.aclose()


def _parse_url(url: str, params: Mapping[str, str] | None) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise FetchError(f"{url!r} is not a valid URL: {error}", url=str(url)) from error
    return parsed.copy_merge_params(dict(params)) if params else parsed


def _redirect_target(response: httpx.Response) -> httpx.URL:
    url = str(response.url)
    location = response.headers.get("location", "").strip()
    if not location:
        raise FetchError(f"{url}: redirect without a Location header", url=url)
    try:
        return response.url.join(location)
    except httpx.InvalidURL as error:
        raise FetchError(f"{url}: redirect to an invalid URL", url=url) from error


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    url = str(response.url)
    try:
        decoder = BodyDecoder(response.headers.get("content-encoding"))
    except UnsupportedEncoding as error:
        raise FetchError(f"{url}: {error}", url=url) from error
    declared = response.headers.get("content-length", "")
    if decoder.identity and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"{url}: {declared} bytes announced, cap is {max_bytes}", url=url)
    parts: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        try:
            part = decoder.decode(raw, max_bytes - size)
        except Overflow as error:
            raise TooLarge(f"{url}: body larger than the {max_bytes}-byte cap", url=url) from error
        except zlib.error as error:
            raise FetchError(f"{url}: corrupt compressed body ({error})", url=url) from error
        size += len(part)
        parts.append(part)
    return b"".join(parts)


def _finished(
    response: httpx.Response, content: bytes, sent: httpx.Headers, now: datetime
) -> FetchResponse:
    headers = response.headers
    not_modified = response.status_code == 304
    # A 304 may omit the validators; then the ones we sent are still the current ones.
    etag = headers.get("etag") or (sent.get("if-none-match") if not_modified else None)
    last_modified = headers.get("last-modified") or (
        sent.get("if-modified-since") if not_modified else None
    )
    return FetchResponse(
        url=str(response.url),
        status=response.status_code,
        headers=headers,
        content=content,
        etag=etag,
        last_modified=last_modified,
        not_modified=not_modified,
        retry_after=parse_retry_after(headers.get("retry-after"), now),
        max_age=parse_max_age(headers.get("cache-control")),
    )
