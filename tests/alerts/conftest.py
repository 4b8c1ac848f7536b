"""A runtime for delivery tests, opened with the ``[alerts]`` settings a test needs, and a
local SMTP server (aiosmtpd) that keeps what it is given."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from support.mail_server import MailServer, mail_server_running
from tickerwire.config import Settings
from tickerwire.instruments import DEFAULT_INSTRUMENTS
from tickerwire.runtime import Runtime

OpenRuntime = Callable[..., Awaitable[Runtime]]


def alert_settings(database_url: str, *, loopback: bool = True, **alerts: Any) -> Settings:
    """No feeds, no quotes; loopback allowed (the receivers live there) unless told not."""
    return Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        providers={"order": ["simulated"]},
        remove_instruments=[i.symbol for i in DEFAULT_INSTRUMENTS if i.symbol != "SPX"],
        media={"enabled": False},
        fetch={"allow_hosts": ["127.0.0.1"] if loopback else [], "deadline": 5},
        alerts=alerts,
    )


@pytest.fixture
async def open_runtime(database_url: str) -> AsyncIterator[OpenRuntime]:
    opened: list[Runtime] = []

    async def open_(**settings: Any) -> Runtime:
        runtime = await Runtime.open(alert_settings(database_url, **settings))
        opened.append(runtime)
        return runtime

    yield open_
    for runtime in opened:
        await runtime.close()


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    with mail_server_running() as server:
        yield server
