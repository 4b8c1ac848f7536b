"""A portal on simulated data at a fixed instant, served in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

#: Friday 20 November 2026, 10:00 in New York: U.S. markets open.
FRIDAY_MORNING = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, demo=True, poller_enabled=False)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    runtime = asyncio.run(Runtime.open(settings, clock=lambda: FRIDAY_MORNING))
    asyncio.run(runtime.poller.backfill_sessions())
    asyncio.run(runtime.poller.refresh())
    yield runtime
    asyncio.run(runtime.close())


@pytest.fixture
def client(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(settings, runtime=runtime)) as client:
        yield client
