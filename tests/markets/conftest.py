"""The local market-data API server, shared by the provider tests and the tests that run
providers into the poller and the pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.provider_server import ProviderServer


@pytest.fixture(scope="module")
def _running_server() -> Iterator[ProviderServer]:
    # One server per module: stopping one waits out its half-second poll.
    with ProviderServer() as server:
        yield server


@pytest.fixture
def server(_running_server: ProviderServer) -> Iterator[ProviderServer]:
    yield _running_server
    _running_server.reset()
