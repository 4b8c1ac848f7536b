"""A portal on simulated data at a fixed instant, served in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from support.http_server import LocalServer
from support.moments import FRIDAY_MORNING
from support.newsroom import FED_STORY, OIL_STORY, Newsroom
from support.runtimes import opened_runtime, refresh_quotes, subscribe
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
    settings = Settings(
        database_url=database_url,
        demo=True,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY, OIL_STORY)
        with (
            opened_runtime(
                settings,
                subscribe(server.url("/feed.xml")),
                refresh_quotes,
                clock=lambda: FRIDAY_MORNING,
            ) as runtime,
            TestClient(create_app(settings, runtime=runtime)) as client,
        ):
            yield client, runtime
