"""Request-scoped access to the runtime and the render cache."""

from __future__ import annotations

from fastapi import Request

from tickerwire.runtime import Runtime
from tickerwire.web.cache import RenderCache


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_cache(request: Request) -> RenderCache:
    cache: RenderCache = request.app.state.cache
    return cache
