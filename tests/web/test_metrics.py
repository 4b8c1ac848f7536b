"""/metrics: request latency by route template, the render cache, live streams, feed
refreshes, provider failures and the job queue, in the Prometheus text format."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from support.feedkit import RSS_HEADERS, Item, rss
from support.http_server import LocalServer, Reply
from support.moments import FRIDAY_MORNING
from support.offline import unreachable_sources
from support.portal import shared_portal
from support.ports import free_port
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.config import MetricsSettings, Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app
from tickerwire.web.cache import EVERYTHING

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
LATENCY = "tickerwire_http_request_duration_seconds_count"


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client: TestClient) -> Samples:
    return parse(client.get("/metrics").text)


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def counted(client: TestClient, *requests: tuple[str, str]) -> Samples:
    """How much each sample grew while ``client`` made ``requests`` (method, path): the
    portal is shared by this module's tests, so only changes say what a request did."""
    before = scrape(client)
    for method, path in requests:
        client.request(method, path)
    return {key: count - before.get(key, 0) for key, count in scrape(client).items()}


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Runtime]]:
    with shared_portal(tmp_path_factory.mktemp("metrics")) as portal:
        yield portal


@pytest.fixture
def client(portal: tuple[TestClient, Runtime]) -> TestClient:
    return portal[0]


def test_metrics_are_served_in_the_prometheus_text_format(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert response.headers["cache-control"] == "no-store"
    families = {f.name for f in text_string_to_metric_families(response.text)}
    assert {
        "tickerwire_http_request_duration_seconds",
        "tickerwire_render_cache_hits",
        "tickerwire_render_cache_renders",
        "tickerwire_stream_clients",
        "tickerwire_feed_refreshes",
        "tickerwire_provider_failures",
        "tickerwire_job_queue_depth",
        "process_resident_memory_bytes",
    } <= families


def test_openmetrics_is_served_to_a_scraper_that_asks_for_it(client: TestClient) -> None:
    accept = "application/openmetrics-text; version=1.0.0"
    response = client.get("/metrics", headers={"accept": accept})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


def test_latency_is_labelled_by_route_template_never_by_path(client: TestClient) -> None:
    grown = counted(client, ("GET", "/quote/SPX"), ("GET", "/quote/BTCUSD"))
    assert value(grown, LATENCY, method="GET", route="/quote/{symbol}", status="200") == 2
    labels = {v for _, pairs in grown for _, v in pairs}
    assert not {"/quote/SPX", "/quote/BTCUSD"} & labels


def test_paths_no_route_matches_share_one_label(client: TestClient) -> None:
    grown = counted(client, ("GET", "/no/such/page"), ("GET", "/nor-this-one.php"))
    assert value(grown, LATENCY, method="GET", route="unmatched", status="404") == 2


def test_a_mounted_app_is_labelled_by_its_prefix(client: TestClient) -> None:
    grown = counted(client, ("GET", "/static/tickerwire.css"))
    assert value(grown, LATENCY, method="GET", route="/static/{path}", status="200") == 1


def test_an_unknown_method_is_labelled_other(client: TestClient) -> None:
    grown = counted(client, ("BREW", "/"))
    assert value(grown, LATENCY, method="other", route="/", status="405") == 1


def test_render_cache_hits_and_renders_are_counted(portal: tuple[TestClient, Runtime]) -> None:
    client, _ = portal
    client.app.state.cache.changed([EVERYTHING])
    rendered = counted(client, ("GET", "/"))
    assert value(rendered, "tickerwire_render_cache_renders_total") >= 1
    again = counted(client, ("GET", "/"))
    assert value(again, "tickerwire_render_cache_renders_total") == 0
    assert value(again, "tickerwire_render_cache_hits_total") == 1


def test_the_job_queue_has_no_depth_on_the_embedded_default(client: TestClient) -> None:
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    assert families["tickerwire_job_queue_depth"].samples == []


def test_metrics_can_be_turned_off(portal: tuple[TestClient, Runtime]) -> None:
    _, runtime = portal
    off = runtime.settings.model_copy(update={"metrics": MetricsSettings(enabled=False)})
    with TestClient(create_app(off, runtime=runtime)) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/").status_code == 200


def test_feed_refreshes_are_counted_by_outcome(database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )
    with LocalServer() as server:
        server.route("/feed.xml", Reply(body=rss([Item("Copper rises")]), headers=RSS_HEADERS))

        async def subscribe(runtime: Runtime) -> None:
            await actions.subscribe(runtime, server.url("/feed.xml"))
            await actions.subscribe(runtime, f"http://127.0.0.1:{free_port()}/gone.xml")

        with (
            opened_runtime(settings, subscribe) as runtime,
            TestClient(create_app(settings, runtime=runtime)) as client,
        ):
            samples = scrape(client)
    refreshes = "tickerwire_feed_refreshes_total"
    assert value(samples, refreshes, status="ok") == 1
    assert value(samples, refreshes, status="error") == 1
    assert value(samples, refreshes, status="not_modified") == 0


def test_provider_failures_are_counted_by_provider(database_url: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        providers=unreachable_sources(dead),
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 2},
    )

    async def refresh(runtime: Runtime) -> None:
        await actions.refresh_quotes(runtime, ["SPX"])

    with (
        opened_runtime(settings, refresh) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        samples = scrape(client)
    failures = "tickerwire_provider_failures_total"
    assert value(samples, failures, provider="yahoo") == 1
    assert value(samples, failures, provider="stooq") == 1
    assert value(samples, failures, provider="coingecko") == 0  # it has no SPX to be asked


@contextlib.asynccontextmanager
async def served(settings: Settings, runtime: Runtime) -> AsyncIterator[str]:
    """The app on a loopback port, for what needs a real socket: a stream held open."""
    port = free_port()
    # log_config=None: uvicorn's own would stop its loggers reaching the root's handlers
    # for the rest of the run, and tests/test_logs.py reads them there.
    config = uvicorn.Config(
        create_app(settings, runtime=runtime), port=port, log_level="warning",
        timeout_graceful_shutdown=1, log_config=None,
    )  # fmt: skip
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(250):  # uvicorn offers no event for "started"; poll its flag
            if server.started:
                break
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=10)


async def stream_clients(http: httpx.AsyncClient, base: str) -> float | None:
    samples = parse((await http.get(f"{base}/metrics")).text)
    return value(samples, "tickerwire_stream_clients")


@pytest.mark.anyio
async def test_open_live_streams_are_counted(database_url: str) -> None:
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    runtime = await Runtime.open(settings, clock=lambda: FRIDAY_MORNING)
    try:
        async with served(settings, runtime) as base, httpx.AsyncClient(timeout=30) as http:
            assert await stream_clients(http, base) == 0
            async with http.stream("GET", f"{base}/api/v1/stream?symbols=SPX") as stream:
                # Keep the line iterator: one dropped and collected closes the stream.
                lines = stream.aiter_lines()
                await anext(lines)
                assert await stream_clients(http, base) == 1
            for _ in range(100):  # until the server has seen the hang-up
                if await stream_clients(http, base) == 0:
                    break
                await asyncio.sleep(0.05)
            assert await stream_clients(http, base) == 0
    finally:
        await runtime.close()
