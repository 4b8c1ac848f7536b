"""``GET /api/v1/stream``: live quotes and market status as Server-Sent Events, for the
ribbon and the quote pages.

The route checks what a request may have (same origin, known symbols, a free slot under
the caps) and hands the connection to the process's :class:`StreamHub`, which serves every
stream from one subscription; see :mod:`tickerwire.web.stream_hub` for what a reader is
sent, and :mod:`tickerwire.web.stream_messages` for how each event is worded.

A stream outlives the routing that opened it. Its response starts as any other, through
every middleware (security headers, request id, timing), and then, with
:class:`StreamHandoff` outside every middleware (FastAPI's own three too), routing and the
middlewares return and the stream goes on
from there: what an open stream holds is that layer's frame and the hub's record of it, not
a chain of some thirty frames, closures and exit stacks for as long as the reader stays
(about half of its memory), and the hub's writes go to the server without passing through
any middleware (none of them looks at a stream's body).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tickerwire.runtime import Runtime
from tickerwire.web.deps import get_runtime
from tickerwire.web.limits import ConnectionCaps, Slot
from tickerwire.web.stream_client import Symbols
from tickerwire.web.stream_hub import StreamHub

router = APIRouter(prefix="/api/v1", tags=["stream"])
PATH = f"{router.prefix}/stream"
#: The scope key under which :class:`StreamHandoff` takes streams to carry on.
HANDOFF = "tickerwire.stream_handoff"


@dataclass(frozen=True, slots=True)
class OpenStream:
    """What a stream needs once its response has started: all it keeps while it is open."""

    hub: StreamHub
    symbols: Symbols
    slot: Slot

    async def run(self, receive: Receive, send: Send) -> None:
        """The stream, until the reader goes away; then its slot is free."""
        try:
            await self.hub.serve(self.symbols, receive, send)
        finally:
            self.slot.release()


class EventStreamResponse(Response):
    """A live stream, written by the hub: a plain ASGI response of its own, costing no
    task, queue or wake-up per reader, only the coroutine uvicorn runs for the request,
    which waits for the reader to hang up while the hub writes to it."""

    media_type = "text/event-stream"

    def __init__(self, stream: OpenStream) -> None:
        self.stream = stream
        self.status_code = 200
        self.background = None
        # No store: a stream is nobody's to keep. No proxy buffering (nginx's header).
        self.init_headers({"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = {"type": "http.response.start", "status": 200, "headers": self.raw_headers}
        try:
            await send(start)
        except BaseException:
            self.stream.slot.release()
            raise
        handoff: list[OpenStream] | None = scope.get(HANDOFF)
        if handoff is None:  # no StreamHandoff outside: stream from here
            await self.stream.run(receive, send)
        else:
            handoff.append(self.stream)


class StreamHandoff:
    """Pure ASGI middleware, outside every layer but the fast path (FastAPI's own three
    included, so a write to a reader goes straight to the server): carries on the streams
    the app started once the app has returned (see the module's docstring). The app gets
    a copy of the scope, so what routing leaves in it (the request's exit stacks, its
    route, its path parameters) goes with the app's frames."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith(PATH):
            await self.app(scope, receive, send)
            return
        handed: list[OpenStream] = []
        try:
            await self.app({**scope, HANDOFF: handed}, receive, send)
        except BaseException:
            for stream in handed:
                stream.slot.release()
            raise
        for stream in handed:
            await stream.run(receive, send)


def _same_origin(request: Request) -> bool:
    """Browsers send Origin on cross-site EventSource requests; only our own pages may
    subscribe. Clients with no Origin (curl, server-side) are allowed."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def stream_caps(request: Request, runtime: Runtime) -> ConnectionCaps:
    """The app's one set of stream caps, made on first use from the runtime's settings."""
    caps: ConnectionCaps | None = getattr(request.app.state, "stream_caps", None)
    if caps is None:
        caps = request.app.state.stream_caps = ConnectionCaps(runtime.settings.stream)
    return caps


@router.get("/stream", response_class=EventStreamResponse, status_code=200)
async def quote_stream(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    symbols: Annotated[str | None, Query(description="comma-separated; all when omitted")] = None,
) -> EventStreamResponse:
    """The market status, the latest quote of each symbol, then one `quote` event per new
    quote (a slow client sees only the latest per symbol; one that stops reading is
    dropped, and its browser reconnects) and the market status once a minute. Past the
    per-address or the global cap on open streams (settings ``stream.*``) the answer is
    429 with ``Retry-After``."""
    if not _same_origin(request):
        raise HTTPException(403, "cross-origin stream subscriptions are not allowed")
    wanted = None
    if symbols:
        wanted = frozenset(s.strip().upper() for s in symbols.split(",") if s.strip())
        unknown = sorted(s for s in wanted if s not in runtime.registry)
        if unknown:
            raise HTTPException(404, f"unknown symbols: {', '.join(unknown)}")
    caps = stream_caps(request, runtime)
    client = request.client.host if request.client else ""
    slot = caps.admit(client)
    if slot is None:
        retry = str(caps.settings.retry_after_seconds)
        raise HTTPException(429, caps.refusal(client), headers={"Retry-After": retry})
    hub: StreamHub = request.app.state.stream_hub
    return EventStreamResponse(OpenStream(hub, wanted, slot))
