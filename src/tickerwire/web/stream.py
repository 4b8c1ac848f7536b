"""Server-Sent Events: live quotes for the ribbon and quote pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sse_starlette.sse import EventSourceResponse

from tickerwire.runtime import Runtime
from tickerwire.web.deps import get_runtime

router = APIRouter(prefix="/api/v1", tags=["stream"])


def _same_origin(request: Request) -> bool:
    """Browsers send Origin on cross-site EventSource requests; only our own pages may
    subscribe. Clients with no Origin (curl, server-side) are allowed."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


@router.get("/stream")
async def quote_stream(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    symbols: Annotated[str | None, Query(description="comma-separated; all when omitted")] = None,
) -> EventSourceResponse:
    """One `quote` event per new quote; a slow client sees only the latest per symbol."""
    if not _same_origin(request):
        raise HTTPException(403, "cross-origin stream subscriptions are not allowed")
    wanted = None
    if symbols:
        wanted = {s.strip().upper() for s in symbols.split(",") if s.strip()}
        unknown = sorted(s for s in wanted if s not in runtime.registry)
        if unknown:
            raise HTTPException(404, f"unknown symbols: {', '.join(unknown)}")
    subscription = runtime.bus.subscribe(wanted)

    async def events() -> AsyncIterator[dict[str, str]]:
        try:
            async for event in subscription:
                yield {"event": event.topic, "data": event.to_json()}
        finally:
            runtime.bus.unsubscribe(subscription)

    return EventSourceResponse(events(), ping=15)
