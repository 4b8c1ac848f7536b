"""The outbox runs as background work: in the one process on SQLite, as jobs of the job
engine on PostgreSQL; either way a due delivery goes out without anyone asking."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from alerts.conftest import alert_settings
from support.alert_rows import fire, member
from support.receiver import Receiver
from tickerwire.alerts.webhook import new_webhook_secret
from tickerwire.jobs.engine import run_workers
from tickerwire.jobs.local import run_in_process
from tickerwire.runtime import Runtime

pytestmark = pytest.mark.anyio


async def delivered_in_background(database_url: str, run: Any) -> int:
    settings = alert_settings(database_url)
    settings.jobs.tick_seconds = 1
    runtime = await Runtime.open(settings)
    stop = asyncio.Event()
    try:
        with Receiver() as receiver:
            member_id = member(
                runtime.engine,
                webhook_url=receiver.url("/hook"),
                webhook_secret=new_webhook_secret(),
            )
            running = asyncio.create_task(run(runtime, stop))
            fire(runtime.engine, member_id, runtime.now())
            for _ in range(200):
                if receiver.requests:
                    break
                await asyncio.sleep(0.1)
            stop.set()
            await running
            return len(receiver.requests)
    finally:
        await runtime.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_one_process_sends_due_deliveries(database_url: str) -> None:
    assert await delivered_in_background(database_url, run_in_process) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_the_job_engine_sends_due_deliveries(database_url: str) -> None:
    assert await delivered_in_background(database_url, run_workers) == 1
