"""Background work as jobs of procrastinate, on PostgreSQL: any number of workers share it.

Each tick (``jobs.tick_seconds``) one job looks for the feeds that are due and queues one
``refresh_feed`` job per feed; others poll the quotes that are due, retry the pages that
were interstitials, send the alert deliveries that are due (and, every five minutes, the
digests whose hour has come) and recover what dead workers left. Every job calls a task
function of :mod:`tickerwire.jobs.tasks`, the same ones the embedded default runs in
process.

What holds when workers come and go:

- **No feed is refreshed twice at once.** A feed's job carries the queueing lock and the
  lock ``tickerwire.feed:<id>``: one waits at most, one runs at most; and the refresh itself
  takes the feed's lease in the database, which a ``feeds refresh`` run elsewhere respects.
- **A job that dies is run again.** Each worker sends a heartbeat every third of
  ``jobs.stalled_after_seconds``; the ``recover_stalled_jobs`` job puts the running jobs of
  a worker silent for longer back in the queue (up to ``jobs.attempts`` runs), and gives
  back the lease of the feed such a job was refreshing, which nobody else can hold while
  the job's lock is taken. A job that fails is retried with a doubling wait.
- **Nothing is lost or duplicated.** A feed's new entries, its articles and its new
  validators are committed together or not at all, and every write is an upsert, so a
  refresh cut short and run again stores each article once.
- **Quotes never wait behind feeds.** Each process runs two procrastinate workers: one for
  the ``news`` queue (``jobs.concurrency`` jobs at once), one for ``markets`` and ``upkeep``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException, UniqueViolation
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager
from sqlalchemy.engine import make_url

from tickerwire.config import JobSettings, Settings
from tickerwire.jobs import tasks
from tickerwire.jobs.schema import ensure_schema
from tickerwire.jobs.stopping import cancel_within
from tickerwire.runtime import Runtime

log = logging.getLogger(__name__)

NEWS, MARKETS, UPKEEP = "news", "markets", "upkeep"
REFRESH_FEED = "tickerwire.refresh_feed"
ENQUEUE_DUE_FEEDS = "tickerwire.enqueue_due_feeds"
RETRY_FULL_TEXTS = "tickerwire.retry_full_texts"
POLL_QUOTES = "tickerwire.poll_quotes"
BACKFILL_SESSIONS = "tickerwire.backfill_sessions"
PRUNE_BARS = "tickerwire.prune_bars"
PRUNE_ACCOUNTS = "tickerwire.prune_accounts"
RECOVER_STALLED_JOBS = "tickerwire.recover_stalled_jobs"
FORGET_OLD_JOBS = "tickerwire.forget_old_jobs"
DELIVER_ALERTS = "tickerwire.deliver_alerts"
SEND_ALERT_DIGESTS = "tickerwire.send_alert_digests"
MEASURE_REACTIONS = "tickerwire.measure_reactions"

KEEP_FAILED_HOURS = 7 * 24
"""Failed jobs stay this long for anyone looking into them; successful ones go at once."""
SHUTDOWN_GRACE = 20.0
"""Seconds a stopping worker lets its jobs finish before cancelling them: a cancelled feed
refresh is queued again, a cancelled periodic job comes back on its next tick."""
STOP_BOUND = SHUTDOWN_GRACE + 10
"""Seconds a stopping process waits for its workers in all, past which it leaves them: the
grace, then the time to give their jobs back and unregister."""
RETRY_WAIT = 2
"""A failed job waits 2, 4, 8 … seconds before its next run."""
_RUNTIME = "runtime"


class WorkerStopped(Exception):
    """A worker ended without being asked to (its database connection was lost)."""


def feed_lock(feed_id: int) -> str:
    return f"tickerwire.feed:{feed_id}"


def conninfo(database_url: str) -> str:
    """The libpq URL of a SQLAlchemy one: the same server, database and options."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def tick_cron(seconds: int) -> str:
    """Every ``seconds`` (a divisor of 60), in procrastinate's cron with a seconds column."""
    return f"* * * * * */{seconds}"


def build_app(settings: Settings) -> App:
    """The procrastinate app of ``settings``: its connector and every Tickerwire task."""
    connector = PsycopgConnector(
        conninfo=conninfo(settings.effective_database_url),
        min_size=1,
        max_size=settings.jobs.concurrency + 6,
    )
    app = App(connector=connector)
    _register(app, settings.jobs)
    return app


def _runtime(context: JobContext) -> Runtime:
    runtime = context.additional_context[_RUNTIME]
    assert isinstance(runtime, Runtime)
    return runtime


def _register(app: App, jobs: JobSettings) -> None:
    tick = tick_cron(jobs.tick_seconds)
    retry: RetryStrategy | bool = (
        RetryStrategy(max_attempts=jobs.attempts - 1, exponential_wait=RETRY_WAIT)
        if jobs.attempts > 1
        else False
    )

    @app.task(name=REFRESH_FEED, queue=NEWS, pass_context=True, retry=retry)
    async def refresh_feed(context: JobContext, feed_id: int) -> str:
        report = await tasks.refresh_feed(_runtime(context), feed_id)
        if report is None:
            return "not due any more"
        if report.busy:
            return "leased elsewhere"
        return f"{report.results[0].status}, {report.new_entries} new"

    @app.periodic(cron=tick, periodic_id="tick")
    @app.task(
        name=ENQUEUE_DUE_FEEDS, queue=NEWS, pass_context=True, queueing_lock=ENQUEUE_DUE_FEEDS
    )
    async def enqueue_due_feeds(context: JobContext, timestamp: int) -> int:
        queued = 0
        for feed_id in await tasks.feeds_due(_runtime(context)):
            lock = feed_lock(feed_id)
            try:
                deferrer = refresh_feed.configure(lock=lock, queueing_lock=lock)
                await deferrer.defer_async(feed_id=feed_id)
            except AlreadyEnqueued:
                continue
            queued += 1
        return queued

    @app.periodic(cron=tick, periodic_id="tick")
    @app.task(
        name=RETRY_FULL_TEXTS,
        queue=NEWS,
        pass_context=True,
        queueing_lock=RETRY_FULL_TEXTS,
        lock=RETRY_FULL_TEXTS,
    )
    async def retry_full_texts(context: JobContext, timestamp: int) -> int:
        return await tasks.retry_full_texts(_runtime(context))

    @app.periodic(cron=tick, periodic_id="tick")
    @app.task(
        name=POLL_QUOTES, queue=MARKETS, pass_context=True, queueing_lock=POLL_QUOTES,
        lock=POLL_QUOTES,
    )  # fmt: skip
    async def poll_quotes(context: JobContext, timestamp: int) -> int:
        report = await tasks.poll_quotes(_runtime(context))
        return len(report.quotes) if report is not None else 0

    @app.task(
        name=BACKFILL_SESSIONS, queue=MARKETS, pass_context=True,
        queueing_lock=BACKFILL_SESSIONS, lock=BACKFILL_SESSIONS,
    )  # fmt: skip
    async def backfill_sessions(context: JobContext) -> int:
        return await tasks.backfill_sessions(_runtime(context))

    @app.periodic(cron="17 * * * *", periodic_id="hourly")
    @app.task(name=PRUNE_BARS, queue=MARKETS, pass_context=True, queueing_lock=PRUNE_BARS)
    async def prune_bars(context: JobContext, timestamp: int) -> int:
        return await tasks.prune_bars(_runtime(context))

    @app.periodic(cron="29 * * * *", periodic_id="hourly")
    @app.task(name=PRUNE_ACCOUNTS, queue=UPKEEP, pass_context=True, queueing_lock=PRUNE_ACCOUNTS)
    async def prune_accounts(context: JobContext, timestamp: int) -> int:
        return sum(await tasks.prune_accounts(_runtime(context)))

    # Deliveries are claimed under a lease row by row, so two of these at once share the
    # work rather than doubling it; the queueing lock keeps ticks from piling up.
    @app.periodic(cron=tick, periodic_id="tick")
    @app.task(name=DELIVER_ALERTS, queue=UPKEEP, pass_context=True, queueing_lock=DELIVER_ALERTS)
    async def deliver_alerts(context: JobContext, timestamp: int) -> int:
        return (await tasks.deliver_alerts(_runtime(context))).sent

    @app.periodic(cron="*/5 * * * *", periodic_id="five_minutes")
    @app.task(
        name=SEND_ALERT_DIGESTS, queue=UPKEEP, pass_context=True,
        queueing_lock=SEND_ALERT_DIGESTS, lock=SEND_ALERT_DIGESTS,
    )  # fmt: skip
    async def send_alert_digests(context: JobContext, timestamp: int) -> int:
        return (await tasks.send_alert_digests(_runtime(context))).sent

    # Each horizon row is completed by a conditional update, so a second run at once
    # measures nothing twice; the lock only spares it the work.
    @app.periodic(cron="* * * * *", periodic_id="minute")
    @app.task(
        name=MEASURE_REACTIONS, queue=MARKETS, pass_context=True,
        queueing_lock=MEASURE_REACTIONS, lock=MEASURE_REACTIONS,
    )  # fmt: skip
    async def measure_reactions(context: JobContext, timestamp: int) -> int:
        return (await tasks.measure_reactions(_runtime(context))).measured

    # No lock on these two: a lock held by a job of a dead worker would stop the very job
    # that frees it, and running twice at once does no harm.
    @app.periodic(cron=tick, periodic_id="tick")
    @app.task(
        name=RECOVER_STALLED_JOBS, queue=UPKEEP, pass_context=True,
        queueing_lock=RECOVER_STALLED_JOBS,
    )  # fmt: skip
    async def recover_stalled_jobs(context: JobContext, timestamp: int) -> int:
        return await recover_stalled(context.app.job_manager, _runtime(context), jobs)

    @app.periodic(cron="43 3 * * *", periodic_id="daily")
    @app.task(name=FORGET_OLD_JOBS, queue=UPKEEP, pass_context=True, queueing_lock=FORGET_OLD_JOBS)
    async def forget_old_jobs(context: JobContext, timestamp: int) -> None:
        await context.app.job_manager.delete_old_jobs(
            nb_hours=KEEP_FAILED_HOURS,
            include_failed=True,
            include_cancelled=True,
            include_aborted=True,
        )


async def recover_stalled(manager: JobManager, runtime: Runtime, jobs: JobSettings) -> int:
    """Queue again the running jobs of workers whose heartbeat stopped (killed, frozen, cut
    off), or record them as failed after ``jobs.attempts`` runs; the number handled.

    The lease of a feed whose refresh died with its worker is given back first: the job's
    lock kept every other job off that feed, so the lease can only be the dead worker's.
    A job whose queueing lock is taken meanwhile (the same work queued afresh) is recorded
    as failed instead: the fresh job does it.
    """
    handled = 0
    stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=jobs.stalled_after_seconds)
    for job in stalled:
        feed_id = job.task_kwargs.get("feed_id")
        if job.task_name == REFRESH_FEED and isinstance(feed_id, int):
            await asyncio.to_thread(runtime.news.release_feed, feed_id)
        try:
            outcome = await _run_again_or_fail(manager, job, jobs.attempts)
        except ConnectorException as error:
            # Another recovery (or the worker itself, back from a pause) settled it first.
            log.info("stalled job %s was settled elsewhere: %s", job.id, error)
            continue
        log.warning("job %s of a dead worker %s", job.call_string, outcome)
        handled += 1
    return handled


async def _run_again_or_fail(manager: JobManager, job: Job, attempts: int) -> str:
    if job.attempts + 1 < attempts:  # ``attempts`` counts the runs before this one
        try:
            await manager.retry_job(job)
        except UniqueViolation:
            pass  # the same work is queued afresh already
        else:
            return "queued again"
    await manager.finish_job(job, Status.FAILED, delete_job=False)
    return "recorded as failed"


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


async def run_workers(runtime: Runtime, stop: asyncio.Event) -> None:
    """Take jobs until ``stop`` is set, then let running ones finish (within
    :data:`SHUTDOWN_GRACE`). Raises :class:`WorkerStopped` if a worker ends by itself."""
    await asyncio.to_thread(ensure_schema, runtime.engine)
    jobs = runtime.settings.jobs
    app = build_app(runtime.settings)
    common: dict[str, Any] = {
        "install_signal_handlers": False,
        "additional_context": {_RUNTIME: runtime},
        "delete_jobs": "successful",
        "update_heartbeat_interval": jobs.stalled_after_seconds / 3,
        "stalled_worker_timeout": jobs.stalled_after_seconds,
        "shutdown_graceful_timeout": SHUTDOWN_GRACE,
    }
    name = worker_name()
    async with app.open_async():
        with contextlib.suppress(AlreadyEnqueued):  # another worker starting queued it
            await app.configure_task(BACKFILL_SESSIONS).defer_async()
        workers = [
            asyncio.create_task(
                app.run_worker_async(
                    name=f"{name}-news", queues=[NEWS], concurrency=jobs.concurrency, **common
                ),
                name="news worker",
            ),
            asyncio.create_task(
                app.run_worker_async(
                    name=f"{name}-markets", queues=[MARKETS, UPKEEP], concurrency=3, **common
                ),
                name="markets worker",
            ),
        ]
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait([*workers, stopping], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            errors = await cancel_within(workers, STOP_BOUND, "job engine")
    if not stop.is_set():
        reasons = [repr(e) for e in errors]
        raise WorkerStopped(
            "a job worker stopped by itself" + (f": {'; '.join(reasons)}" if reasons else "")
        )
