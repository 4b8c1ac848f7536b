"""The fast path: a page the render cache holds is sent before routing.

A request for a page that has not changed since it was last rendered needs none of the
framework: no route matching, parameter validation, dependencies or thread pool (the
page handlers are synchronous). This ASGI layer sits inside the security headers, the
request ids and the metrics timer, so what it sends gets all of them, and looks the
request's URL up in the render cache (:meth:`RenderCache.ready`); anything it does not
hold goes on to the app, which renders, stores and remembers the address for next time.

A stored page is sent with its validators (``ETag``, ``Last-Modified``), as a 304 when the
reader's copy is still current, and gzip-compressed (once, by the cache) when the reader
accepts it: :func:`send_page` is the one way a stored page goes out, here and from the
page routes.

A request with a session cookie is never answered here: a signed-in member's page carries
their own header, joined for them by the page route (:mod:`tickerwire.web.readers`).
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from starlette.datastructures import State
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tickerwire.runtime import Runtime
from tickerwire.web.cache import ReadyPage, RenderCache
from tickerwire.web.readers import carries_session

CACHE_CONTROL = b"no-cache"
"""Shared caches and browsers may keep a page but must ask again (with its ETag) each time:
the prices on it move."""


def address_of(scope: Scope) -> str:
    """The address a request asked for, as the cache remembers it: scheme, host, path and
    query as sent (it is a key, not a link, so it needs no rebuilding into a URL)."""
    host = next((v for k, v in scope["headers"] if k == b"host"), b"").decode("latin-1")
    query = scope.get("query_string", b"")
    address = f"{scope['scheme']}://{host}{scope.get('root_path', '')}{scope['path']}"
    return f"{address}?{query.decode('latin-1')}" if query else address


def _header(scope: Scope, name: bytes) -> str | None:
    value = next((v for k, v in scope["headers"] if k == name), None)
    return None if value is None else value.decode("latin-1")


def _accepts_gzip(scope: Scope) -> bool:
    accepted = _header(scope, b"accept-encoding") or ""
    for coding in accepted.split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() == "gzip":
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(scope: Scope, page: ReadyPage, etag: str) -> bool:
    wanted = _header(scope, b"if-none-match")
    if wanted is not None:  # when both are sent, the tag decides (RFC 9110, 13.1.3)
        tags = {tag.strip() for tag in wanted.split(",")}
        return bool(tags & {etag, page.etag, "*"})
    since = _header(scope, b"if-modified-since")
    if since is None:
        return False
    try:
        return page.modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC says


async def send_page(
    scope: Scope, send: Send, page: ReadyPage, cache: RenderCache, status: int = 200
) -> None:
    """Send a stored page: 304 for a current copy, else its bytes, compressed when the
    reader takes gzip; HEAD gets the headers alone."""
    compressed = _accepts_gzip(scope)
    etag = f'{page.etag[:-1]}-gzip"' if compressed else page.etag
    headers = [
        (b"etag", etag.encode()),
        (b"last-modified", page.modified_text),
        (b"cache-control", CACHE_CONTROL),
        (b"vary", b"Accept-Encoding"),
    ]
    if _not_modified(scope, page, etag):
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    body = cache.gzipped(page) if compressed else page.body
    if compressed:
        headers.append((b"content-encoding", b"gzip"))
    headers += [
        (b"content-type", page.media_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""})


class StoredPageResponse(Response):
    """A page route's answer when the page was stored: sent as the fast path sends it, so
    the first reader and the next get the same headers."""

    def __init__(self, page: ReadyPage, cache: RenderCache) -> None:
        super().__init__(media_type=page.media_type)
        self.page = page
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_page(scope, send, self.page, self.cache, self.status_code)


class ReadyPages:
    """ASGI middleware; ``state`` is the app's, where the lifespan puts cache and runtime."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or carries_session(scope)  # a member's page has their own header: never stored
        ):
            await self.app(scope, receive, send)
            return
        cache: RenderCache | None = getattr(self.state, "cache", None)
        runtime: Runtime | None = getattr(self.state, "runtime", None)
        page = cache.ready(address_of(scope), runtime.now()) if cache and runtime else None
        if page is None or cache is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = page.route  # as routing would have left it, for the metrics
        await send_page(scope, send, page, cache)
