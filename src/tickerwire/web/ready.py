"""The fast path: a page the render cache holds is sent before anything else runs.

A request for a page that has not changed since it was last rendered needs none of the
framework: no route matching, parameter validation, dependencies or thread pool (the
page handlers are synchronous), and none of the middleware chain either. This ASGI layer
is the outermost one: it reads the request's headers in one pass, looks its URL up in the
render cache (:meth:`RenderCache.ready`) and sends the stored page with the header lines
written when it was stored, adding what the layers it skips would have added: the
security headers, the request id, and the request's latency in the metrics. Anything the
cache does not hold goes on to the app, which renders, stores and remembers the address
for next time.

A stored page is sent with its validators (``ETag``, ``Last-Modified``), as a 304 when the
reader's copy is still current, and gzip-compressed (once, by the cache) when the reader
accepts it: :func:`send_page` is the one way a stored page goes out, here and from the
page routes.

Not answered here: a request with a session cookie (a signed-in member's page carries
their own header, joined for them by the page route, :mod:`tickerwire.web.readers`), and
every request of a private site, which :mod:`tickerwire.web.private_site` checks first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from time import perf_counter

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tickerwire import logs
from tickerwire.runtime import Runtime
from tickerwire.web.cache import ReadyPage, RenderCache
from tickerwire.web.metrics import RouteLatency
from tickerwire.web.readers import SESSION_MARK

_READS = frozenset({"GET", "HEAD"})
_REQUEST_ID = logs.HEADER.lower().encode()
_GZIP_OFF = frozenset({"q=0", "q=0.0", "q=0.00", "q=0.000"})


@dataclass(slots=True)
class Asked:
    """What a request's headers say that a stored page's answer depends on, read in one
    pass over them."""

    host: bytes = b""
    session: bool = False
    accept_encoding: str = ""
    if_none_match: str | None = None
    if_modified_since: str | None = None
    request_id: str | None = None

    @classmethod
    def of(cls, scope: Scope) -> Asked:
        asked = cls()
        for name, value in scope["headers"]:
            if name == b"host":
                asked.host = value
            elif name == b"cookie":
                asked.session = asked.session or SESSION_MARK in value
            elif name == b"accept-encoding":
                asked.accept_encoding = value.decode("latin-1")
            elif name == b"if-none-match":
                asked.if_none_match = value.decode("latin-1")
            elif name == b"if-modified-since":
                asked.if_modified_since = value.decode("latin-1")
            elif name == _REQUEST_ID:
                asked.request_id = value.decode("latin-1")
        return asked

    def takes_gzip(self) -> bool:
        for coding in self.accept_encoding.split(","):
            name, _, params = coding.strip().partition(";")
            if name.strip().lower() == "gzip":
                return params.replace(" ", "").lower() not in _GZIP_OFF
        return False

    def has_current(self, page: ReadyPage, etag: str) -> bool:
        """Whether the reader's copy is ``page`` still (a 304 will do)."""
        if self.if_none_match is not None:  # when both are sent, the tag decides (RFC 9110)
            tags = {tag.strip() for tag in self.if_none_match.split(",")}
            return bool(tags & {etag, page.etag, "*"})
        if self.if_modified_since is None:
            return False
        try:
            return page.modified.replace(microsecond=0) <= parsedate_to_datetime(
                self.if_modified_since
            )
        except (TypeError, ValueError):
            return False  # an unreadable date is ignored, as the RFC says


def address_of(scope: Scope, host: bytes | None = None) -> str:
    """The address a request asked for, as the cache remembers it: scheme, host, path and
    query as sent (it is a key, not a link, so it needs no rebuilding into a URL)."""
    if host is None:
        host = next((v for k, v in scope["headers"] if k == b"host"), b"")
    query = scope.get("query_string", b"")
    address = f"{scope['scheme']}://{host.decode('latin-1')}{scope.get('root_path', '')}"
    address += scope["path"]
    return f"{address}?{query.decode('latin-1')}" if query else address


async def send_page(
    scope: Scope,
    send: Send,
    page: ReadyPage,
    cache: RenderCache,
    *,
    asked: Asked | None = None,
    status: int = 200,
    extra: Sequence[tuple[bytes, bytes]] = (),
) -> int:
    """Send a stored page: 304 for a current copy, else its bytes, compressed when the
    reader takes gzip; HEAD gets the headers alone. ``extra`` lines are added to its own.
    Gives the status sent."""
    asked = asked or Asked.of(scope)
    compressed = asked.takes_gzip()
    validators = page.packed_validators if compressed else page.validators
    if asked.has_current(page, page.packed_etag if compressed else page.etag):
        await send({"type": "http.response.start", "status": 304, "headers": [*validators, *extra]})
        await send({"type": "http.response.body", "body": b""})
        return 304
    if compressed:
        body = cache.gzipped(page)
        headers = [
            *validators,
            (b"content-encoding", b"gzip"),
            (b"content-type", page.media_type.encode()),
            (b"content-length", str(len(body)).encode()),
            *extra,
        ]
    else:
        body, headers = page.body, [*page.headers, *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""})
    return status


class StoredPageResponse(Response):
    """A page route's answer when the page was stored: sent as the fast path sends it, so
    the first reader and the next get the same headers."""

    def __init__(self, page: ReadyPage, cache: RenderCache) -> None:
        super().__init__(media_type=page.media_type)
        self.page = page
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_page(scope, send, self.page, self.cache, status=self.status_code)


@dataclass(slots=True)
class Serving:
    """What the lifespan opened, for the fast path to read: the app's ``State`` would do,
    but each attribute read there is a failed lookup and an exception before it finds the
    value, a microsecond or more on every request this layer answers."""

    cache: RenderCache | None = None
    runtime: Runtime | None = None


class ReadyPages:
    """ASGI middleware, outermost; ``serving`` is filled in by the lifespan. ``headers``
    are the security headers every page gets, ``latency`` the metrics' timing (None with
    metrics off)."""

    def __init__(
        self,
        app: ASGIApp,
        serving: Serving,
        *,
        headers: Sequence[tuple[bytes, bytes]],
        latency: RouteLatency | None,
    ) -> None:
        self.app = app
        self.serving = serving
        self.headers = tuple(headers)
        self.latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = perf_counter()
        if scope["type"] != "http" or scope["method"] not in _READS:
            await self.app(scope, receive, send)
            return
        cache, runtime = self.serving.cache, self.serving.runtime
        if cache is None or runtime is None or runtime.settings.accounts.private_site:
            await self.app(scope, receive, send)
            return
        asked = Asked.of(scope)
        page = None if asked.session else cache.ready(address_of(scope, asked.host), runtime.now())
        if page is None:
            await self.app(scope, receive, send)
            return
        request_id = logs.incoming_or_new(asked.request_id)
        token = logs.serving(request_id)  # for the access log's line, written as it starts
        try:
            status = await send_page(
                scope,
                send,
                page,
                cache,
                asked=asked,
                extra=(*self.headers, (_REQUEST_ID, request_id.encode())),
            )
        finally:
            logs.served(token)
        if self.latency is not None:
            self.latency.observe(scope["method"], page.route, status, perf_counter() - started)
