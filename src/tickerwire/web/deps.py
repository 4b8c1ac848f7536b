"""Request-scoped access to the runtime and the render cache.

Both are ``async def`` though they await nothing: FastAPI runs a plain ``def`` dependency
in its thread pool, a hop to a thread and back for every request that only reads an
attribute, and thousands of streams connecting at once queue on that pool."""

from __future__ import annotations

from fastapi import Request

from tickerwire.runtime import Runtime
from tickerwire.web.cache import RenderCache


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_cache(request: Request) -> RenderCache:
    cache: RenderCache = request.app.state.cache
    return cache
