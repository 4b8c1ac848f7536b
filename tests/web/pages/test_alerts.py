"""The alerts and inbox pages: a member sets price and news alerts from forms, sees what
fired with how each delivery went, says where alerts go; nobody else sees or changes any
of it, and every bad form is refused with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from support.members import PRIVATE, portal, post, signed_in
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime
from support.tagged_news import save_tagged
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime

pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, poller_enabled=False, default_feeds=[])
    with opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime:
        yield runtime


@pytest.fixture
def ada(runtime: Runtime) -> Iterator[TestClient]:
    client = signed_in(runtime, "ada")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture
def bob(runtime: Runtime) -> Iterator[TestClient]:
    client = signed_in(runtime, "bob")
    yield client
    client.__exit__(None, None, None)


def member(runtime: Runtime, username: str) -> int:
    found = runtime.accounts.member_by_key(username)
    assert found is not None
    return found.id


def labels(client: TestClient) -> list[str]:
    return [a["label"] for a in client.get("/alerts.json").json()["alerts"]]


def test_the_alerts_page_asks_anyone_not_signed_in_to_sign_in(runtime: Runtime) -> None:
    with portal(runtime) as anonymous:
        response = anonymous.get("/alerts")
        assert response.status_code == 303
        assert response.headers["location"] == "/account/sign-in?next=/alerts"
        assert anonymous.get("/inbox.json").status_code == 401


def test_a_price_alert_set_from_the_form_is_listed_privately(ada: TestClient) -> None:
    made = post(ada, "/alerts/price", "/alerts", symbol="GC", condition="above", level="2,700")
    assert made.status_code == 303 and made.headers["location"] == "/alerts?done=made"
    page = ada.get(made.headers["location"])
    assert page.headers["cache-control"] == PRIVATE
    assert "Gold above 2,700.00" in page.text and "Your alert is set." in page.text
    assert labels(ada) == ["Gold above 2,700.00"]


def test_a_news_alert_fires_into_the_inbox_with_an_unread_count(
    runtime: Runtime, ada: TestClient
) -> None:
    post(ada, "/alerts/news", "/alerts", topic="instrument", key="gc")
    save_tagged(runtime.news, "Gold rallies", FRIDAY_MORNING, symbols=("GC",))
    inbox = ada.get("/inbox.json").json()
    assert inbox["unread"] == 1 and [e["title"] for e in inbox["events"]] == ["Gold rallies"]
    assert "Gold rallies" in ada.get("/inbox").text
    assert post(ada, "/inbox/read", "/inbox").status_code == 303
    assert ada.get("/inbox.json").json()["unread"] == 0


def test_a_price_crossing_shows_in_the_inbox(runtime: Runtime, ada: TestClient) -> None:
    post(ada, "/alerts/price", "/alerts", symbol="GC", condition="above", level="2700")
    quote = Quote("GC", 2710.0, FRIDAY_MORNING - timedelta(minutes=1), "test")
    actions.check_price_alerts(runtime, [quote])
    assert [e["title"] for e in ada.get("/inbox.json").json()["events"]] == [
        "Gold rose above 2,700.00"
    ]


def test_another_members_alert_cannot_be_deleted_by_its_id(
    runtime: Runtime, ada: TestClient, bob: TestClient
) -> None:
    alert = actions.create_news_alert(runtime, member(runtime, "ada"), "search", "gold")
    refused = post(bob, f"/alerts/{alert.id}/delete", "/alerts")
    assert refused.status_code == 400 and f"you have no alert {alert.id}" in refused.text
    assert labels(ada) == ["News matching “gold”"] and labels(bob) == []


def test_another_members_inbox_is_not_shown(
    runtime: Runtime, ada: TestClient, bob: TestClient
) -> None:
    post(ada, "/alerts/news", "/alerts", topic="search", key="gold")
    save_tagged(runtime.news, "Gold rallies", FRIDAY_MORNING)
    assert bob.get("/inbox.json").json()["events"] == []
    assert "Gold rallies" not in bob.get("/inbox").text


def test_a_hidden_member_id_field_is_refused_and_nothing_made(ada: TestClient) -> None:
    refused = post(ada, "/alerts/news", "/alerts", topic="search", key="gold", member_id="2")
    assert refused.status_code == 400 and "more fields than it should" in refused.text
    assert labels(ada) == []


def test_an_unknown_field_in_place_of_a_known_one_is_named_and_refused(ada: TestClient) -> None:
    refused = post(ada, "/alerts/news", "/alerts", topic="search", member_id="2")
    assert refused.status_code == 400 and "no field named member_id" in refused.text
    assert labels(ada) == []


def test_an_alert_form_from_another_site_is_refused(ada: TestClient) -> None:
    token = ada.get("/alerts").text.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    refused = ada.post(
        "/alerts/news",
        data={"form_token": token, "topic": "search", "key": "gold"},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert refused.status_code == 403 and labels(ada) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"symbol": "GC", "condition": "above", "level": "lots"}, "the level must be a number"),
        ({"symbol": "ZZZ", "condition": "above", "level": "1"}, "unknown instrument ZZZ"),
        ({"symbol": "GC", "condition": "up", "level": "1"}, "cannot be made"),
    ],
)
def test_a_price_alert_that_cannot_be_is_refused_with_its_reason(
    ada: TestClient, fields: dict[str, str], message: str
) -> None:
    refused = post(ada, "/alerts/price", "/alerts", **fields)
    assert refused.status_code == 400 and message in refused.text
    assert labels(ada) == []


def test_a_webhook_to_a_private_address_is_refused(ada: TestClient) -> None:
    refused = post(ada, "/alerts/preferences", "/alerts", webhook_url="http://127.0.0.1/hook")
    assert refused.status_code == 400 and "not a public address" in refused.text
    assert ada.get("/alerts.json").json()["preferences"]["webhook_url"] is None


def test_a_webhook_url_with_credentials_is_refused(ada: TestClient) -> None:
    refused = post(
        ada, "/alerts/preferences", "/alerts", webhook_url="https://user:pw@hooks.example/x"
    )
    assert refused.status_code == 400 and "user name or password" in refused.text


def test_a_webhooks_secret_is_shown_once_when_its_url_is_first_saved(ada: TestClient) -> None:
    shown = post(ada, "/alerts/preferences", "/alerts", webhook_url="https://hooks.example/x")
    assert shown.status_code == 200 and 'value="whsec_' in shown.text
    assert "whsec_" not in ada.get("/alerts").text
    twin = ada.get("/alerts.json").json()["preferences"]
    assert twin["webhook_url"] == "https://hooks.example/x" and twin["has_webhook_secret"]
    assert "whsec_" not in ada.get("/alerts.json").text


def test_quiet_hours_need_a_real_time_and_zone(ada: TestClient) -> None:
    refused = post(ada, "/alerts/preferences", "/alerts", quiet_from="25:00", quiet_until="07:00")
    assert refused.status_code == 400 and "a time of day like 22:00" in refused.text
    refused = post(ada, "/alerts/preferences", "/alerts", time_zone="Mars/Olympus")
    assert refused.status_code == 400 and "no time zone is called" in refused.text
    saved = post(
        ada,
        "/alerts/preferences",
        "/alerts",
        quiet_from="22:00",
        quiet_until="07:00",
        time_zone="Europe/London",
        email="ada@example.org",
        email_digest="on",
    )
    assert saved.status_code == 303
    chosen = ada.get("/alerts.json").json()["preferences"]
    assert (chosen["quiet_from"], chosen["quiet_until"], chosen["email_digest"]) == (
        "22:00",
        "07:00",
        True,
    )


def test_a_saved_search_with_a_line_break_is_refused_so_no_header_can_carry_it(
    ada: TestClient,
) -> None:
    refused = post(ada, "/alerts/news", "/alerts", topic="search", key="gold\r\nBcc: x@evil")
    assert refused.status_code == 400 and "Bcc" not in str(refused.headers)
    assert labels(ada) == []
