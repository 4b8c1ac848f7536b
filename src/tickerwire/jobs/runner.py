"""Which way a process runs the background work: decided by its database, nothing else.

On SQLite only one process writes, so the tasks run in it (:mod:`tickerwire.jobs.local`);
on PostgreSQL they are jobs of the job engine (:mod:`tickerwire.jobs.engine`), so a
``serve`` that polls and any number of ``worker`` processes share them safely.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import make_url

from tickerwire.config import Settings
from tickerwire.jobs.engine import STOP_BOUND, run_workers
from tickerwire.jobs.local import run_in_process
from tickerwire.runtime import Runtime

BACKGROUND_STOP_SECONDS = STOP_BOUND + 5
"""How long a process waits for its background work to stop: the job engine's own bound,
and a little more, so that bound is the one that speaks."""


def uses_job_engine(settings: Settings) -> bool:
    """True on PostgreSQL, where background work goes through the job engine."""
    return make_url(settings.effective_database_url).get_backend_name() == "postgresql"


async def run_background(runtime: Runtime, stop: asyncio.Event) -> None:
    """Do the background work until ``stop`` is set."""
    if uses_job_engine(runtime.settings):
        await run_workers(runtime, stop)
    else:
        await run_in_process(runtime, stop)
