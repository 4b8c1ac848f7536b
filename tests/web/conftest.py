"""A portal on simulated data at a fixed instant, served in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from support.moments import FRIDAY_MORNING
from support.portal import newsroom_portal
from support.runtimes import opened_runtime, refresh_quotes
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, demo=True, poller_enabled=False)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    with opened_runtime(settings, refresh_quotes, clock=lambda: FRIDAY_MORNING) as runtime:
        yield runtime


@pytest.fixture
def client(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(settings, runtime=runtime)) as client:
        yield client


@pytest.fixture
def news_portal(database_url: str) -> Iterator[tuple[TestClient, Runtime]]:
    """A demo portal with two stories from a local publisher, fetched, extracted and tagged."""
    with newsroom_portal(database_url) as portal:
        yield portal
