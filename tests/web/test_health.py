"""Liveness and readiness: /healthz while the process serves, /readyz check by check, 503
naming what failed and why."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import redis
from fastapi.testclient import TestClient

from support.offline import DEFAULT_SOURCES, unreachable_sources
from support.ports import free_port
from support.runtimes import opened_runtime, refresh_quotes
from tickerwire.config import Settings
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

REDIS_URL = os.environ.get("TICKERWIRE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as error:
        message = f"Redis at {REDIS_URL} is not answering: {error}"
        if os.environ.get("TICKERWIRE_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


def test_healthz_answers_ok_without_looking_at_anything(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_ready_with_every_check_named(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["failed"] == []
    checks = body["checks"]
    assert list(checks) == ["database", "redis", "job_queue", "providers"]
    assert checks["database"]["status"] == "ok"
    assert checks["redis"] == {
        "status": "skipped",
        "detail": "not configured: the bus is in-process",
    }
    assert checks["job_queue"]["status"] == "ok"
    # SQLite runs the work in process; PostgreSQL has the job engine's queue, with no worker here.
    assert checks["job_queue"]["detail"].startswith(
        ("embedded (in-process)", "0 jobs waiting and no worker alive")
    )
    assert checks["providers"] == {"status": "ok", "detail": "no provider is failing"}
    assert response.headers["cache-control"] == "no-store"


@contextlib.contextmanager
def unmigrated_runtime(settings: Settings) -> Iterator[Runtime]:
    """A runtime that never touched its database: one whose server is not there."""
    with asyncio.Runner() as runner:
        runtime = runner.run(Runtime.open(settings, migrate=False))
        try:
            yield runtime
        finally:
            runner.run(runtime.close())


def test_readyz_is_503_naming_the_database_when_it_does_not_answer() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"
    settings = Settings(database_url=url, poller_enabled=False, default_feeds=[])
    with (
        unmigrated_runtime(settings) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    # The job queue lives in that database too, so it cannot be read either.
    assert body["failed"] == ["database", "job_queue"]
    assert body["checks"]["job_queue"]["detail"].startswith("cannot read the job queue: ")
    database = body["checks"]["database"]
    assert database["status"] == "failed"
    assert database["detail"].startswith("cannot reach postgresql: ")
    assert "Connection refused" in database["detail"]
    assert body["checks"]["providers"] == {"status": "skipped", "detail": "needs the database"}


def test_healthz_stays_ok_while_the_database_is_down() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"
    settings = Settings(database_url=url, poller_enabled=False, default_feeds=[])
    with (
        unmigrated_runtime(settings) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        assert client.get("/healthz").status_code == 200


def test_readyz_pings_redis_when_the_bus_runs_on_it(database_url: str, redis_url: str) -> None:
    settings = Settings(
        database_url=database_url, redis_url=redis_url, demo=True, poller_enabled=False
    )
    with (
        opened_runtime(settings) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"status": "ok", "detail": "Redis answers"}


def test_readyz_is_503_naming_redis_when_it_does_not_answer(
    settings: Settings, runtime: Runtime
) -> None:
    # As when Redis goes away after the process started: its bus was running on it.
    gone = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    with TestClient(create_app(gone, runtime=replace(runtime, settings=gone))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["redis"]
    assert body["checks"]["redis"]["status"] == "failed"
    assert body["checks"]["redis"]["detail"].startswith("cannot reach Redis: ")
    assert body["checks"]["database"]["status"] == "ok"


def _unreachable_providers(database_url: str) -> Settings:
    dead = f"http://127.0.0.1:{free_port()}"
    return Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        providers=unreachable_sources(dead),
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 2},
    )


async def _a_stored_quote(runtime: Runtime) -> None:
    quote = Quote("SPX", 5890.0, as_of=datetime(2026, 11, 20, 21, 0, tzinfo=UTC), provider="yahoo")
    await asyncio.to_thread(runtime.markets.save_quotes, [quote])


def test_failing_providers_with_stored_quotes_are_degraded_but_ready(database_url: str) -> None:
    settings = _unreachable_providers(database_url)
    with (
        opened_runtime(settings, _a_stored_quote, refresh_quotes) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        response = client.get("/readyz")
    assert response.status_code == 200
    providers = response.json()["checks"]["providers"]
    assert providers["status"] == "degraded"
    assert "yahoo is failing" in providers["detail"]
    assert "stored quotes of 1 instruments are shown" in providers["detail"]


def test_failing_providers_and_nothing_stored_are_not_ready(database_url: str) -> None:
    settings = _unreachable_providers(database_url)
    with (
        opened_runtime(settings, refresh_quotes) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["providers"]
    detail = body["checks"]["providers"]["detail"]
    for name in DEFAULT_SOURCES:
        assert f"{name} is failing" in detail
    assert detail.endswith("and there are no stored quotes to show")


def test_the_probes_are_in_the_api_docs_with_the_503(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/readyz"} <= set(paths)
    assert "503" in paths["/readyz"]["get"]["responses"]


def test_the_probes_never_go_through_the_render_cache(client: TestClient) -> None:
    client.get("/healthz")
    client.get("/readyz")
    cache = client.app.state.cache
    assert (cache.renders, cache.hits) == (0, 0)
