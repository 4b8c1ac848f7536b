"""Stopping background tasks within a bound, so a process always gets to exit.

Cancelling a task is a request, not a guarantee: a library can lose the cancellation
(procrastinate 3.10's worker can, when it lands inside psycopg_pool at the wrong moment,
procrastinate issues #1513 and #1591), and the task then waits forever for an event that
never comes. Whoever stops background work waits for it here, for at most a set time,
and leaves what is still running with its stack in the log rather than hanging the
shutdown of the whole process.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Collection

log = logging.getLogger(__name__)


async def cancel_within(
    tasks: Collection[asyncio.Task[object]], seconds: float, what: str
) -> list[BaseException]:
    """Cancel ``tasks`` and wait at most ``seconds`` for them to end; log those that do not.

    Returns the exceptions the ended ones raised (other than their cancellation), for the
    caller to report as it sees fit."""
    for task in tasks:
        task.cancel()
    stuck: set[asyncio.Task[object]] = set()
    if tasks:
        _done, stuck = await asyncio.wait(tasks, timeout=seconds)
    for task in stuck:
        stack = io.StringIO()
        task.print_stack(file=stack)
        log.error(
            "%s: %s did not stop within %g s of being cancelled; leaving it behind\n%s",
            what,
            task.get_name(),
            seconds,
            stack.getvalue(),
        )
    ended = (task for task in tasks if task not in stuck and not task.cancelled())
    return [error for task in ended if (error := task.exception()) is not None]
