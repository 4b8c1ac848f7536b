"""Prometheus metrics: how fast each route answers, and how the portal's moving parts are
doing, served at ``/metrics`` in the Prometheus text format (OpenMetrics when the scraper
asks for it) by the well-kept ``prometheus_client``.

Each app has its own registry, so two apps in one process (the tests) never mix counts.
Request latency is a histogram observed by :class:`RequestTimer`; everything else is read
at scrape time, by :class:`PortalCollector`, from the counts the parts already keep:

- ``tickerwire_render_cache_hits_total`` / ``..._renders_total``: pages served without
  rendering them, and renders (the misses); the hit ratio is hits / (hits + renders).
- ``tickerwire_stream_clients``: live streams open in this process.
- ``tickerwire_feed_refreshes_total{status}``: ok, not_modified, error, waiting.
- ``tickerwire_provider_failures_total{provider}``: each failed call to a provider.
- ``tickerwire_job_queue_depth``: jobs waiting for a worker; no sample while nothing
  queues them (the embedded default, :func:`tickerwire.jobs.queue.queue_depth`).

So the parts that count (the render cache, the failover chain, the news pipeline) do not
depend on this module, and a scrape costs nothing between scrapes. Counts are those of
this process: scrape every process (see docs/deploy.md about several workers on a port).
"""

from __future__ import annotations

from collections.abc import Iterator
from time import perf_counter

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Histogram,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.datastructures import State
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tickerwire.jobs.queue import queue_depth
from tickerwire.runtime import Runtime
from tickerwire.web.cache import RenderCache
from tickerwire.web.limits import ConnectionCaps

PATH = "/metrics"
#: The route label of a request no route matched, so stray paths make one series.
UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Cached pages answer in well under a millisecond, so the buckets start there.
LATENCY_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip
_NO_STORE = {"Cache-Control": "no-store"}


class PortalCollector:
    """The portal's counts, read from the app's state when Prometheus scrapes. Before the
    app has started (no runtime yet) the counts are zeros."""

    def __init__(self, state: State) -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        cache: RenderCache | None = getattr(self.state, "cache", None)
        caps: ConnectionCaps | None = getattr(self.state, "stream_caps", None)
        runtime: Runtime | None = getattr(self.state, "runtime", None)
        yield _counter(
            "tickerwire_render_cache_hits",
            "Pages served from the render cache without rendering them.",
            cache.hits if cache else 0,
        )
        yield _counter(
            "tickerwire_render_cache_renders",
            "Pages rendered because the render cache had no current copy (its misses).",
            cache.renders if cache else 0,
        )
        clients = GaugeMetricFamily(
            "tickerwire_stream_clients", "Live streams (Server-Sent Events) open in this process."
        )
        clients.add_metric([], caps.total if caps else 0)
        yield clients
        refreshes = CounterMetricFamily(
            "tickerwire_feed_refreshes",
            "Feed refreshes done by this process, by outcome.",
            labels=["status"],
        )
        failures = CounterMetricFamily(
            "tickerwire_provider_failures",
            "Calls to a market-data provider that failed, by provider.",
            labels=["provider"],
        )
        if runtime is not None:
            for status, count in runtime.pipeline.refreshes.items():
                refreshes.add_metric([status], count)
            for provider, count in runtime.chain.failures.items():
                failures.add_metric([provider], count)
        yield from (refreshes, failures)


def _counter(name: str, documentation: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, documentation, value=value)


def queue_family(depth: int | None) -> GaugeMetricFamily:
    """The job queue's depth, awaited before the scrape (reading it may be a query)."""
    family = GaugeMetricFamily(
        "tickerwire_job_queue_depth",
        "Background jobs waiting for a worker; no sample when nothing queues them.",
    )
    if depth is not None:
        family.add_metric([], depth)
    return family


class _Scrape:
    """What one scrape exposes: the registry, and the metrics that had to be awaited."""

    def __init__(self, registry: CollectorRegistry, *awaited: Metric) -> None:
        self.registry = registry
        self.awaited = awaited

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()
        yield from self.awaited


class Metrics:
    """One app's registry: the latency histogram, the portal's counts, and the process's
    own (CPU, memory, open files, garbage collection)."""

    def __init__(self, state: State) -> None:
        self.registry = CollectorRegistry()
        self.latency = RouteLatency(
            Histogram(
                "tickerwire_http_request_duration_seconds",
                "Time from a request's arrival to the start of its response, by route template.",
                ["method", "route", "status"],
                buckets=LATENCY_BUCKETS,
                registry=self.registry,
            )
        )
        collectors: tuple[Collector, ...] = (
            PortalCollector(state),
            PROCESS_COLLECTOR,
            PLATFORM_COLLECTOR,
            GC_COLLECTOR,
        )
        for collector in collectors:
            self.registry.register(collector)


class RouteLatency:
    """The latency histogram's series by method, route and status, observed by
    :class:`RequestTimer` and by the fast path (:mod:`tickerwire.web.ready`)."""

    def __init__(self, latency: Histogram) -> None:
        self.latency = latency
        #: The histogram's children by label values: ``labels()`` takes a lock and
        #: checks its arguments on every call, a dictionary lookup does not.
        self._series: dict[tuple[str, str, int], Histogram] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            label = method if method in _METHODS else "other"
            series = self._series[key] = self.latency.labels(label, route, str(status))
        series.observe(seconds)


class RequestTimer:
    """Pure ASGI middleware timing each HTTP request until its response starts: for a
    page that is when its ready bytes go out; for a live stream, when it opens (its
    length is how long the reader stays). The route label is the matched route's
    template (``/quote/{symbol}``), never the raw path, so the number of series stays
    bounded whatever paths clients make up."""

    def __init__(self, app: ASGIApp, *, latency: RouteLatency) -> None:
        self.app = app
        self.latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        answered = False

        async def timed_send(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
                self._observe(scope, message["status"], perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        except BaseException:
            if not answered:  # the server error middleware outside answers 500
                self._observe(scope, 500, perf_counter() - started)
            raise

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        self.latency.observe(scope["method"], route_template(scope), status, seconds)


def template_of(route: object) -> str | None:
    """A route's template (``/quote/{symbol}``), if it is a route that has one."""
    template = getattr(route, "path_format", None)
    return None if template is None else str(template)


def route_template(scope: Scope) -> str:
    """The template of the route that took the request, from what routing left in its
    scope: a route's own (``/quote/{symbol}``); for a mounted app (``/static``), which
    leaves no route there, the prefix it was mounted at; else :data:`UNMATCHED`."""
    template = template_of(scope.get("route"))
    if template is not None:
        return template
    if "app_root_path" in scope:
        return f"{scope['root_path'].removeprefix(scope['app_root_path'])}/{{path}}"
    return UNMATCHED


def router(metrics: Metrics) -> APIRouter:
    """``GET /metrics``, out of the API docs: it is for Prometheus, not for readers."""
    routes = APIRouter()

    @routes.get(PATH, include_in_schema=False)
    async def scrape(request: Request) -> Response:
        # On the event loop, as the parts that count run there: a scrape reads a
        # consistent picture, in well under a millisecond.
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        depth = await queue_depth(runtime) if runtime is not None else None
        encode, content_type = choose_encoder(request.headers.get("accept", ""))
        body = encode(_Scrape(metrics.registry, queue_family(depth)))
        return Response(body, headers=_NO_STORE, media_type=content_type)

    return routes
