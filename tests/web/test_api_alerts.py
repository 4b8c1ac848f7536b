"""The alerts API speaks for the member whose token it carries: alerts made, listed and
deleted, the inbox read and marked; another member's alert is not found, and a body with a
field it does not have is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from support.members import portal
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime
from support.tagged_news import save_tagged
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.runtime import Runtime

pytestmark = pytest.mark.usefixtures("cheap_hashes")
PASSWORD = "correct horse battery"


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, poller_enabled=False, default_feeds=[])
    with opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime:
        yield runtime


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with portal(runtime) as client:
        yield client


def bearer(runtime: Runtime, username: str) -> dict[str, str]:
    member = actions.create_member(runtime, username, PASSWORD)
    made = actions.create_api_token(runtime, member.id, "script")
    return {"authorization": f"Bearer {made.secret}"}


def test_a_token_makes_lists_and_deletes_its_members_alerts(
    runtime: Runtime, client: TestClient
) -> None:
    ada = bearer(runtime, "ada")
    made = client.post(
        "/api/v1/alerts/price",
        json={"symbol": "GC", "condition": "below", "level": 2500},
        headers=ada,
    )
    assert made.status_code == 201 and made.json()["label"] == "Gold below 2,500.00"
    assert made.headers["cache-control"] == "private, no-store"
    listed = client.get("/api/v1/alerts", headers=ada).json()["alerts"]
    assert [a["id"] for a in listed] == [made.json()["id"]]
    gone = client.delete(f"/api/v1/alerts/{made.json()['id']}", headers=ada)
    assert gone.status_code == 204
    assert client.get("/api/v1/alerts", headers=ada).json()["alerts"] == []


def test_a_news_alert_made_by_api_fills_the_inbox_read_by_api(
    runtime: Runtime, client: TestClient
) -> None:
    ada = bearer(runtime, "ada")
    client.post("/api/v1/alerts/news", json={"topic": "search", "key": "bullion"}, headers=ada)
    save_tagged(runtime.news, "Bullion dealers busy", FRIDAY_MORNING)
    inbox = client.get("/api/v1/inbox", headers=ada).json()
    assert inbox["unread"] == 1 and inbox["events"][0]["title"] == "Bullion dealers busy"
    assert client.post("/api/v1/inbox/read", json={}, headers=ada).json() == {"marked": 1}
    assert client.get("/api/v1/inbox", headers=ada).json()["unread"] == 0


def test_another_members_alert_is_not_found(runtime: Runtime, client: TestClient) -> None:
    ada, bob = bearer(runtime, "ada"), bearer(runtime, "bob")
    made = client.post(
        "/api/v1/alerts/news", json={"topic": "search", "key": "gold"}, headers=ada
    ).json()
    refused = client.delete(f"/api/v1/alerts/{made['id']}", headers=bob)
    assert refused.status_code == 404
    assert len(client.get("/api/v1/alerts", headers=ada).json()["alerts"]) == 1


def test_a_body_naming_a_member_is_refused_and_nothing_made(
    runtime: Runtime, client: TestClient
) -> None:
    ada = bearer(runtime, "ada")
    refused = client.post(
        "/api/v1/alerts/news",
        json={"topic": "search", "key": "gold", "member_id": 2},
        headers=ada,
    )
    assert refused.status_code == 422 and "member_id" in refused.json()["detail"]
    assert client.get("/api/v1/alerts", headers=ada).json()["alerts"] == []


def test_without_a_token_or_session_the_api_answers_401(client: TestClient) -> None:
    answer = client.get("/api/v1/inbox")
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
