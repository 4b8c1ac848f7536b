"""The job engine on PostgreSQL: workers that take the tasks as jobs, share them, and run
again what a dead worker left."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import croniter
import pytest
import sqlalchemy as sa
from procrastinate import App, JobContext
from procrastinate.jobs import Job, Status

from jobs.conftest import TRACKED, postgres_only
from support.http_server import LocalServer
from support.newsroom import Newsroom
from tickerwire.jobs import engine
from tickerwire.jobs.schema import ensure_schema
from tickerwire.runtime import Runtime

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]


@contextlib.asynccontextmanager
async def opened_app(runtime: Runtime) -> AsyncIterator[App]:
    ensure_schema(runtime.engine)
    app = engine.build_app(runtime.settings)
    async with app.open_async():
        yield app


@contextlib.asynccontextmanager
async def workers(runtime: Runtime) -> AsyncIterator[asyncio.Event]:
    """Workers taking jobs while the block runs; the event stops them early."""
    stop = asyncio.Event()
    running = asyncio.create_task(engine.run_workers(runtime, stop))
    try:
        yield stop
    finally:
        stop.set()
        await running


async def eventually(check: Callable[[], bool], *, tries: int = 300) -> bool:
    for _ in range(tries):
        if check():
            return True
        await asyncio.sleep(0.1)
    return check()


def context(app: App, runtime: Runtime) -> JobContext:
    """What a worker hands a task, for calling one directly."""
    job = Job(id=None, queue="test", lock=None, queueing_lock=None, task_name="test")
    return JobContext(
        app=app,
        job=job,
        start_timestamp=0.0,
        abort_reason=lambda: None,
        additional_context={"runtime": runtime},
    )


def jobs_of(runtime: Runtime, task: str) -> list[sa.Row[tuple[int, str, int]]]:
    query = sa.text(
        "SELECT id, status, attempts FROM procrastinate_jobs WHERE task_name = :task ORDER BY id"
    )
    with runtime.engine.connect() as connection:
        return list(connection.execute(query, {"task": task}))  # type: ignore[arg-type]


def test_the_job_engine_connects_where_the_store_does() -> None:
    url = "postgresql+psycopg://tw:secret@db.example:5433/news?options=-csearch_path%3Dt_1"
    assert engine.conninfo(url) == (
        "postgresql://tw:secret@db.example:5433/news?options=-csearch_path%3Dt_1"
    )


def test_a_tick_comes_every_few_seconds_all_minute_long() -> None:
    schedule = croniter.croniter(engine.tick_cron(5), 0)
    assert [schedule.get_next(float) for _ in range(13)] == [5.0 * n for n in range(1, 14)]


@postgres_only
async def test_workers_refresh_the_feeds_that_are_due_poll_the_quotes_and_stop_when_told(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    async with workers(runtime):
        runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
        stored = await eventually(
            lambda: (
                runtime.news.article_count() == 2
                and set(runtime.markets.latest_quotes()) == set(TRACKED)
            )
        )
    assert stored
    (feed,) = runtime.news.feeds()
    assert feed.last_success_at is not None and feed.next_fetch_at > runtime.now()
    with runtime.engine.connect() as connection:
        registered = connection.execute(sa.text("SELECT count(*) FROM procrastinate_workers"))
        assert registered.scalar_one() == 0  # each worker unregistered on its way out


@postgres_only
async def test_a_feed_waiting_in_the_queue_is_not_queued_again(
    runtime: Runtime, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    async with opened_app(runtime) as app:
        enqueue = app.tasks[engine.ENQUEUE_DUE_FEEDS]
        first = await enqueue(context(app, runtime), timestamp=0)
        second = await enqueue(context(app, runtime), timestamp=1)
    assert (first, second) == (1, 0)
    (job,) = jobs_of(runtime, engine.REFRESH_FEED)
    assert job.status == "todo"
    with runtime.engine.connect() as connection:
        lock = connection.execute(
            sa.text("SELECT lock FROM procrastinate_jobs WHERE id = :id"), {"id": job.id}
        ).scalar_one()
    assert lock == engine.feed_lock(feed.id)


async def stall(app: App, runtime: Runtime, feed_id: int) -> int:
    """A refresh of ``feed_id`` taken by a worker that then died holding the feed's lease:
    what SIGKILL leaves behind. Returns the job's id."""
    manager = app.job_manager
    job_id = await app.tasks[engine.REFRESH_FEED].defer_async(feed_id=feed_id)
    dead = await manager.register_worker()
    assert await manager.fetch_job(queues=None, worker_id=dead) is not None
    assert runtime.news.claim_feed(feed_id, runtime.now(), timedelta(minutes=10))
    with runtime.engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' "
                "WHERE id = :id"
            ),
            {"id": dead},
        )
    return job_id


@postgres_only
async def test_the_job_of_a_dead_worker_is_queued_again_and_its_feed_given_back(
    runtime: Runtime, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    async with opened_app(runtime) as app:
        job_id = await stall(app, runtime, feed.id)
        recovered = await engine.recover_stalled(app.job_manager, runtime, runtime.settings.jobs)
    assert recovered == 1
    assert [tuple(row) for row in jobs_of(runtime, engine.REFRESH_FEED)] == [(job_id, "todo", 1)]
    assert [f.id for f in runtime.news.due_feeds(runtime.now())] == [feed.id]  # lease given back


@postgres_only
async def test_a_job_that_died_with_its_worker_is_done_by_another(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    async with opened_app(runtime) as app:
        await stall(app, runtime, feed.id)
    async with workers(runtime):
        stored = await eventually(lambda: runtime.news.article_count() == 2)
    assert stored
    assert jobs_of(runtime, engine.REFRESH_FEED) == []  # done, and done jobs are not kept


@postgres_only
async def test_a_job_that_keeps_dying_is_recorded_as_failed_after_its_attempts(
    runtime: Runtime, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    jobs = runtime.settings.jobs
    async with opened_app(runtime) as app:
        job_id = await stall(app, runtime, feed.id)
        for _ in range(jobs.attempts - 1):
            await engine.recover_stalled(app.job_manager, runtime, jobs)
            runtime.news.claim_feed(feed.id, runtime.now(), timedelta(minutes=10))
            dead = await app.job_manager.register_worker()
            assert await app.job_manager.fetch_job(queues=None, worker_id=dead) is not None
            with runtime.engine.begin() as connection:
                connection.execute(
                    sa.text("UPDATE procrastinate_workers SET last_heartbeat = now() - "
                            "interval '1 hour' WHERE id = :id"),
                    {"id": dead},
                )  # fmt: skip
        await engine.recover_stalled(app.job_manager, runtime, jobs)
    assert [tuple(row) for row in jobs_of(runtime, engine.REFRESH_FEED)] == [
        (job_id, Status.FAILED.value, jobs.attempts)
    ]
