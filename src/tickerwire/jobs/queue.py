"""How the job queue is doing, for /metrics and /readyz: jobs waiting, workers alive.

Read with one query on procrastinate's tables through the runtime's own engine, so a web
process answers without opening a job engine of its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from tickerwire.jobs.runner import uses_job_engine
from tickerwire.runtime import Runtime

_STATE = text(
    """
    SELECT
      (SELECT count(*) FROM procrastinate_jobs
        WHERE status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= now())) AS waiting,
      (SELECT count(*) FROM procrastinate_workers
        WHERE last_heartbeat > now() - make_interval(secs => :stalled)) AS alive
    """
)


@dataclass(frozen=True)
class QueueState:
    waiting: int
    """Jobs whose time has come that no worker has taken yet."""
    alive: int
    """Job workers with a recent heartbeat (each ``tickerwire worker`` runs two)."""


async def queue_state(runtime: Runtime) -> QueueState | None:
    """The queue's state; None where there is no queue (SQLite: the work runs in process)
    or its tables are not there yet. Raises SQLAlchemyError when the database does not
    answer."""
    if not uses_job_engine(runtime.settings):
        return None
    stalled = runtime.settings.jobs.stalled_after_seconds
    return await asyncio.to_thread(_read, runtime.engine, stalled)


def _read(engine: Engine, stalled: float) -> QueueState | None:
    with engine.connect() as connection:
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            return None
        row = connection.execute(_STATE, {"stalled": stalled}).one()
    return QueueState(int(row.waiting), int(row.alive))


async def queue_depth(runtime: Runtime) -> int | None:
    """Jobs waiting for a worker; None when there is no queue or it cannot be read now."""
    try:
        state = await queue_state(runtime)
    except SQLAlchemyError:
        return None
    return state.waiting if state is not None else None


async def queue_ready(runtime: Runtime) -> tuple[bool, str]:
    """Whether background work can be queued and read, and a sentence saying how it is.

    No live worker is no failure here: the pages still serve; the sentence says so.
    """
    if not uses_job_engine(runtime.settings):
        return True, "embedded (in-process): background work runs in this process, no job queue"
    try:
        state = await queue_state(runtime)
    except SQLAlchemyError as error:
        cause = error.orig if isinstance(error, DBAPIError) and error.orig else error
        reason = (str(cause).splitlines() or [""])[0]
        return False, f"cannot read the job queue: {reason}"
    if state is None:
        return False, "the job queue has no tables yet: run `tickerwire db upgrade`"
    if state.alive == 0:
        return True, f"{state.waiting} jobs waiting and no worker alive: start `tickerwire worker`"
    return True, f"{state.waiting} jobs waiting, {state.alive} job workers alive"
