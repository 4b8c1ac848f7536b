"""A demo portal with two stories from a local publisher, fetched, extracted and tagged,
at Friday morning: what page tests render and browsers load."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.http_server import LocalServer
from support.moments import FRIDAY_MORNING
from support.newsroom import FED_STORY, OIL_STORY, Newsroom
from support.runtimes import opened_runtime, refresh_quotes, subscribe
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app


def newsroom_settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        demo=True,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )


@contextlib.contextmanager
def newsroom_portal(database_url: str) -> Iterator[tuple[TestClient, Runtime]]:
    settings = newsroom_settings(database_url)
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


@contextlib.contextmanager
def shared_portal(folder: Path) -> Iterator[tuple[TestClient, Runtime]]:
    """One portal on SQLite for a whole module of tests that only read its pages (markup
    and layout do not depend on the store's backend), isolated from the developer's own
    settings as every test is."""
    with pytest.MonkeyPatch.context() as environment:
        for name in list(os.environ):
            if name.startswith("TICKERWIRE_") and not name.startswith("TICKERWIRE_TEST_"):
                environment.delenv(name)
        environment.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        environment.setenv("XDG_DATA_HOME", str(folder / "data"))
        with newsroom_portal(f"sqlite:///{folder / 'tickerwire.sqlite3'}") as portal:
            yield portal
