"""Stopping background work: a task that will not stop cannot hold the process hostage."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from tickerwire.jobs.stopping import cancel_within

pytestmark = pytest.mark.anyio


async def _swallows_its_cancellation(released: asyncio.Event) -> None:
    """What a library that loses a cancellation looks like from outside."""
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.sleep(3600)
    await released.wait()


async def test_a_task_that_ignores_cancellation_is_left_behind_with_its_stack_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    released = asyncio.Event()
    stubborn = asyncio.create_task(_swallows_its_cancellation(released), name="stubborn")
    polite = asyncio.create_task(asyncio.sleep(3600), name="polite")
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="tickerwire.jobs.stopping"):
        errors = await cancel_within([stubborn, polite], 0.2, "shutdown")
    assert errors == []
    assert polite.cancelled()
    assert not stubborn.done()
    (record,) = caplog.records
    assert "shutdown: stubborn did not stop within 0.2 s" in record.getMessage()
    assert "_swallows_its_cancellation" in record.getMessage()
    released.set()
    await stubborn


async def test_the_errors_of_tasks_that_had_failed_are_handed_back() -> None:
    async def fails() -> None:
        raise RuntimeError("lost the database")

    failed = asyncio.create_task(fails())
    await asyncio.sleep(0)
    (error,) = await cancel_within([failed], 1.0, "shutdown")
    assert isinstance(error, RuntimeError)
    assert str(error) == "lost the database"


async def test_nothing_to_stop_returns_at_once() -> None:
    assert await cancel_within([], 30.0, "shutdown") == []
