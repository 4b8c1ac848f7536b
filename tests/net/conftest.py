"""The SECURITY.md harness for the fetcher: a hostile server on 127.0.0.1, a forbidden
listener on 127.0.0.2 at the same port, a scripted resolver, and a fetcher whose guard is
on with only the hostile server's address allowed, through the admins' own allowlist."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from support.hostile import hostile_server
from support.http_server import ForbiddenListener, LocalServer
from support.resolver import ScriptedResolver
from tickerwire.config import FetchSettings
from tickerwire.net.fetch import Fetcher


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with hostile_server() as hostile:
        yield hostile


@pytest.fixture
def forbidden(server: LocalServer) -> Iterator[ForbiddenListener]:
    with ForbiddenListener("127.0.0.2", server.port) as listener:
        yield listener


@pytest.fixture
def resolver() -> ScriptedResolver:
    return ScriptedResolver()


@pytest.fixture
def settings() -> FetchSettings:
    return FetchSettings(
        allow_hosts=["127.0.0.1"], deadline=1.0, connect_timeout=0.5, read_timeout=0.5
    )


@pytest.fixture
async def fetcher(
    settings: FetchSettings, resolver: ScriptedResolver, forbidden: ForbiddenListener
) -> AsyncIterator[Fetcher]:
    async with Fetcher(settings, resolver=resolver) as fetcher:
        yield fetcher
