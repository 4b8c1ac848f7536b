"""How the job queue is doing, as /metrics and /readyz ask: jobs waiting, workers alive."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from procrastinate import App

from jobs.conftest import job_settings, postgres_only
from tickerwire.jobs import engine
from tickerwire.jobs.queue import queue_depth, queue_ready
from tickerwire.jobs.schema import ensure_schema
from tickerwire.runtime import Runtime
from tickerwire.store import db

pytestmark = pytest.mark.anyio


@pytest.fixture
async def app(runtime: Runtime) -> AsyncIterator[App]:
    ensure_schema(runtime.engine)
    app = engine.build_app(runtime.settings)
    async with app.open_async():
        yield app


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_on_sqlite_there_is_no_queue_and_nothing_to_wait_for(runtime: Runtime) -> None:
    assert await queue_depth(runtime) is None
    assert await queue_ready(runtime) == (
        True,
        "embedded (in-process): background work runs in this process, no job queue",
    )


@postgres_only
async def test_without_its_tables_the_queue_is_not_ready(database_url: str) -> None:
    runtime = await Runtime.open(job_settings(database_url), migrate=False)
    try:
        db.upgrade(runtime.engine)  # our own tables only, not the job engine's
        assert await queue_depth(runtime) is None
        ready, why = await queue_ready(runtime)
        assert not ready and "tickerwire db upgrade" in why
    finally:
        await runtime.close()


@postgres_only
async def test_the_depth_counts_the_jobs_whose_time_has_come(runtime: Runtime, app: App) -> None:
    refresh = app.tasks[engine.REFRESH_FEED]
    await refresh.defer_async(feed_id=1)
    await refresh.configure(schedule_in={"hours": 1}).defer_async(feed_id=2)
    assert await queue_depth(runtime) == 1
    assert await queue_ready(runtime) == (
        True,
        "1 jobs waiting and no worker alive: start `tickerwire worker`",
    )


@postgres_only
async def test_ready_names_the_workers_alive(runtime: Runtime, app: App) -> None:
    await app.job_manager.register_worker()
    assert await queue_ready(runtime) == (True, "0 jobs waiting, 1 job workers alive")


async def test_a_database_that_does_not_answer_makes_the_queue_unready() -> None:
    settings = job_settings("postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=2")
    runtime = await Runtime.open(settings, migrate=False)
    try:
        assert await queue_depth(runtime) is None
        ready, why = await queue_ready(runtime)
    finally:
        await runtime.close()
    assert not ready and why.startswith("cannot read the job queue: ")
