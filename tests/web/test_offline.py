"""With every provider unreachable the portal still serves, and says what failed and when."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from support.offline import DEFAULT_SOURCES, unreachable_sources
from support.ports import free_port
from support.runtimes import opened_runtime, refresh_quotes
from tickerwire.config import Settings
from tickerwire.web.app import create_app


@pytest.fixture
def offline_client(database_url: str) -> Iterator[TestClient]:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = Settings(
        database_url=database_url,
        poller_enabled=False,
        providers=unreachable_sources(dead),
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 2},
    )
    with (
        opened_runtime(settings, refresh_quotes) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        yield client


def test_the_home_page_still_renders_with_all_sixteen_cells(offline_client: TestClient) -> None:
    response = offline_client.get("/")
    assert response.status_code == 200
    assert response.text.count('class="ribbon-cell') == 16
    assert "no data" in response.text


def test_each_failing_provider_is_named_with_its_retry_time(offline_client: TestClient) -> None:
    notices = offline_client.get("/api/v1/providers").json()["notices"]
    assert {n["provider"] for n in notices} == set(DEFAULT_SOURCES)
    for notice in notices:
        assert notice["retry_at"] is not None
        assert "failed at" in notice["text"] and "Retrying at" in notice["text"]


def test_the_notice_is_shown_on_the_page(offline_client: TestClient) -> None:
    assert "Yahoo failed at" in offline_client.get("/").text
