"""A local publisher and a runtime for the job tests. The job engine needs PostgreSQL:
its tests take only the PostgreSQL half of ``database_url`` (:data:`postgres_only`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from support.http_server import LocalServer
from support.newsroom import FED_STORY, OIL_STORY, Newsroom
from tickerwire.config import Settings
from tickerwire.instruments import DEFAULT_INSTRUMENTS
from tickerwire.runtime import Runtime

postgres_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
TRACKED = ("SPX", "BTCUSD")
"""Two instruments: a session backfill of all sixteen takes most of a minute."""


def job_settings(database_url: str) -> Settings:
    """Simulated quotes, local feeds only, and quick ticks. Heartbeats stay slow enough for a loop
    that the session backfill blocks for seconds."""
    return Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        providers={"order": ["simulated"]},
        remove_instruments=[i.symbol for i in DEFAULT_INSTRUMENTS if i.symbol not in TRACKED],
        media={"enabled": False},
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 5},
        jobs={"tick_seconds": 1, "stalled_after_seconds": 15},
    )


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def newsroom(server: LocalServer) -> Newsroom:
    room = Newsroom(server)
    room.publish(FED_STORY, OIL_STORY)
    return room


@pytest.fixture
async def runtime(database_url: str) -> AsyncIterator[Runtime]:
    runtime = await Runtime.open(job_settings(database_url))
    yield runtime
    await runtime.close()
