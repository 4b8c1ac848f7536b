"""The ASGI app: pages, their JSON twins, the API, the stream, and the background poller."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp

from tickerwire import __version__, actions, logs
from tickerwire.config import Settings
from tickerwire.jobs.runner import BACKGROUND_STOP_SECONDS, run_background
from tickerwire.jobs.stopping import cancel_within
from tickerwire.runtime import Runtime
from tickerwire.web import (
    api,
    api_alerts,
    api_providers,
    api_watchlists,
    health,
    media,
    metrics,
    pages,
    stream,
)
from tickerwire.web.cache import RenderCache, sources_of
from tickerwire.web.pages import account, admin, alerts, export, follows, tokens, watchlists
from tickerwire.web.private_site import PrivateSite
from tickerwire.web.ready import ReadyPages, Serving
from tickerwire.web.security import SecurityHeaders, page_headers
from tickerwire.web.stream_hub import StreamHub

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


async def _invalidate_on_events(runtime: Runtime, cache: RenderCache) -> None:
    subscription = runtime.bus.subscribe()
    try:
        async for event in subscription:
            cache.changed(sources_of(event))
    finally:
        runtime.bus.unsubscribe(subscription)


async def _background(runtime: Runtime, stop: asyncio.Event) -> None:
    try:
        await run_background(runtime, stop)
    except Exception:
        log.exception("background work stopped; this process serves stored data until restarted")


def _freeze_startup_objects() -> None:
    """Move what start-up made (modules, the registry, calendars, templates: most of the
    heap) out of the collector's sight: a full collection then walks only what serving
    made, not a few hundred milliseconds of long-lived objects every few seconds, which a
    reader waiting on a page would feel."""
    gc.collect()
    gc.freeze()


def _outside_the_framework(app: FastAPI, wrap: Callable[[ASGIApp], ASGIApp]) -> None:
    """Put ``wrap``'s layers around the whole app, outside the three that FastAPI keeps
    outermost (its server-error handler, exception telemetry and request-body limit), which
    every ``add_middleware`` layer sits inside. Each of the three wraps ``send``: a stored
    page's two messages and a live stream's every write would pass through three more
    functions, 10,000 of them per quote event for 10,000 readers. What goes outside must
    not raise: nothing outside it would answer 500 for it."""
    build = app.build_middleware_stack

    def build_with_outer_layers() -> ASGIApp:
        return wrap(build())

    app.build_middleware_stack = build_with_outer_layers  # type: ignore[method-assign]


def create_app(settings: Settings, *, runtime: Runtime | None = None) -> FastAPI:
    """The app for ``settings``. With ``runtime`` given (tests), the caller owns it and no
    poller starts; otherwise the app opens one and polls while it serves."""

    serving = Serving()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        active = runtime or await Runtime.open(settings)
        cache = RenderCache()
        app.state.runtime = active
        app.state.cache = cache
        serving.cache, serving.runtime = cache, active
        app.state.stream_hub = hub = StreamHub(active)
        await hub.start()
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_invalidate_on_events(active, cache), name="invalidation")]
        if owned and settings.poller_enabled:
            await actions.seed(active)
            tasks.append(asyncio.create_task(_background(active, stop), name="background"))
        if owned:
            _freeze_startup_objects()
        try:
            yield
        finally:
            serving.cache = serving.runtime = None
            await hub.stop()
            stop.set()
            for error in await cancel_within(tasks, BACKGROUND_STOP_SECONDS, "shutdown"):
                log.error("a background task had failed: %r", error, exc_info=error)
            if owned:
                await active.close()

    app = FastAPIOffline(
        title="Tickerwire",
        version=__version__,
        description="Markets and the news that moves them, self-hosted.",
        lifespan=lifespan,
        # No OpenTelemetry here (metrics are Prometheus'): FastAPI's own hook would look
        # for providers on every request, a sixth of what a page from the cache costs.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.add_middleware(PrivateSite, state=app.state)  # innermost: members only
    app.add_middleware(SecurityHeaders, images_from_publishers=not settings.media.enabled)
    latency = None
    if settings.metrics.enabled:
        measured = metrics.Metrics(app.state)
        latency = measured.latency
        app.add_middleware(metrics.RequestTimer, latency=latency)
        app.include_router(metrics.router(measured))
    app.add_middleware(logs.RequestIds, quiet_paths=(*health.PATHS, metrics.PATH))
    headers = page_headers(images_from_publishers=not settings.media.enabled)
    _outside_the_framework(
        app,
        lambda framework: ReadyPages(  # a stored page skips every other layer
            stream.StreamHandoff(framework),  # streams outlive the app's frames
            serving,
            headers=headers,
            latency=latency,
        ),
    )
    app.include_router(health.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(stream.router)
    app.include_router(media.router)
    app.include_router(pages.router())
    app.include_router(account.router)
    app.include_router(admin.router())
    app.include_router(api_watchlists.router)
    app.include_router(api_alerts.router)
    app.include_router(api_providers.router)
    app.include_router(watchlists.router)
    app.include_router(follows.router)
    app.include_router(tokens.router)
    app.include_router(alerts.router)
    app.include_router(export.router)
    return app
