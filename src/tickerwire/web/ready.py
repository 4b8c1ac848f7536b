"""The fast path: a page the render cache holds is sent before routing.

A request for a page that has not changed since it was last rendered needs none of the
framework: no route matching, parameter validation, dependencies or thread pool (the
page handlers are synchronous). This ASGI layer sits inside the security headers, the
request ids and the metrics timer, so what it sends gets all of them, and looks the
request's URL up in the render cache (:meth:`RenderCache.ready`); anything it does not
hold goes on to the app, which renders, stores and remembers the address for next time.

It answers ``If-None-Match`` with a 304 when the tag still matches: the page's bytes are
the same, so a browser or proxy may keep showing its copy.
"""

from __future__ import annotations

from starlette.datastructures import URL, State
from starlette.types import ASGIApp, Receive, Scope, Send

from tickerwire.runtime import Runtime
from tickerwire.web.cache import ReadyPage, RenderCache

CACHE_CONTROL = b"no-cache"
"""Shared caches and browsers may keep a page but must ask again (with its ETag) each time:
the prices on it move."""


def address_of(scope: Scope) -> str:
    """The URL a request asked for, as the cache remembers it."""
    return str(URL(scope=scope))


def _not_modified(scope: Scope, page: ReadyPage) -> bool:
    wanted = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
    if wanted is None:
        return False
    tags = {tag.strip() for tag in wanted.decode("latin-1").split(",")}
    return page.etag in tags or "*" in tags


class ReadyPages:
    """ASGI middleware; ``state`` is the app's, where the lifespan puts cache and runtime."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        cache: RenderCache | None = getattr(self.state, "cache", None)
        runtime: Runtime | None = getattr(self.state, "runtime", None)
        page = cache.ready(address_of(scope), runtime.now()) if cache and runtime else None
        if page is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = page.route  # as routing would have left it, for the metrics
        headers = [
            (b"etag", page.etag.encode()),
            (b"cache-control", CACHE_CONTROL),
        ]
        if _not_modified(scope, page):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [
            (b"content-type", page.media_type.encode()),
            (b"content-length", str(len(page.body)).encode()),
        ]
        body = page.body if scope["method"] == "GET" else b""
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
