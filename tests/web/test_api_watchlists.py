"""/api/v1/watchlists and /api/v1/follows: a member's lists read and changed with a
per-member bearer token or with the session cookie and its form token; every way a
request is refused (no or a revoked token, another member's list, a field the API does
not take, too big, another site) with nothing changed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime
from support.tagged_news import save_tagged
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import MemberRow
from tickerwire.web.api_watchlists import BODY_MAX_BYTES
from tickerwire.web.app import create_app

pytestmark = pytest.mark.usefixtures("cheap_hashes")

BASE = "http://testserver"
PASSWORD = "correct horse battery"
PRIVATE = "private, no-store"
API = "/api/v1/watchlists"


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    with opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime:
        yield runtime


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime.settings, runtime=runtime), follow_redirects=False) as c:
        yield c


@pytest.fixture
def ada(runtime: Runtime) -> MemberRow:
    return actions.create_member(runtime, "ada", PASSWORD)


@pytest.fixture
def bob(runtime: Runtime) -> MemberRow:
    return actions.create_member(runtime, "bob", PASSWORD)


def bearer(runtime: Runtime, member: MemberRow) -> dict[str, str]:
    secret = actions.create_api_token(runtime, member.id, "tests").secret
    return {"authorization": f"Bearer {secret}"}


def count(runtime: Runtime, member: MemberRow) -> int:
    return len(actions.watchlists_of(runtime, member.id))


# Who is asking -------------------------------------------------------------------------


def test_without_a_token_or_session_the_api_answers_401(client: TestClient) -> None:
    response = client.get(API)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["cache-control"] == PRIVATE


@pytest.mark.parametrize("value", ["Bearer tw_nope", "Bearer ", "Basic YWRhOnB3", "tw_x"])
def test_a_wrong_authorization_is_a_401(client: TestClient, ada: MemberRow, value: str) -> None:
    assert client.get(API, headers={"authorization": value}).status_code == 401


def test_a_token_lists_its_members_watchlists(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    response = client.get(API, headers=bearer(runtime, ada))
    assert response.status_code == 200 and response.headers["cache-control"] == PRIVATE
    assert [w["name"] for w in response.json()["watchlists"]] == ["My watchlist"]


def test_a_revoked_token_is_a_401(client: TestClient, runtime: Runtime, ada: MemberRow) -> None:
    made = actions.create_api_token(runtime, ada.id, "old")
    actions.revoke_api_token(runtime, ada.id, made.token.id)
    response = client.get(API, headers={"authorization": f"Bearer {made.secret}"})
    assert response.status_code == 401


# Changing with a token -----------------------------------------------------------------


def test_making_a_watchlist(client: TestClient, runtime: Runtime, ada: MemberRow) -> None:
    body = {"name": "Energy", "symbols": ["cl", "GC"]}
    response = client.post(API, json=body, headers=bearer(runtime, ada))
    assert response.status_code == 201
    made = response.json()
    assert (made["name"], made["symbols"]) == ("Energy", ["CL", "GC"])
    assert response.headers["location"] == f"{API}/{made['id']}"


def test_a_watchlist_with_its_quotes(client: TestClient, runtime: Runtime, ada: MemberRow) -> None:
    made = actions.create_watchlist(runtime, ada.id, "Metals", ["GC", "SI"])
    found = client.get(f"{API}/{made.id}", headers=bearer(runtime, ada)).json()
    assert [q["symbol"] for q in found["quotes"]] == ["GC", "SI"]
    assert found["quotes"][0]["price_text"]


def test_renaming_adding_removing_and_deleting(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    auth = bearer(runtime, ada)
    made = actions.create_watchlist(runtime, ada.id, "Metals", ["GC"])
    path = f"{API}/{made.id}"
    assert client.patch(path, json={"name": "Shiny"}, headers=auth).json()["name"] == "Shiny"
    assert client.post(f"{path}/items", json={"symbol": "SI"}, headers=auth).json()["symbols"] == [
        "GC",
        "SI",
    ]
    assert client.delete(f"{path}/items/GC", headers=auth).json()["symbols"] == ["SI"]
    assert client.delete(path, headers=auth).status_code == 204
    assert client.get(path, headers=auth).status_code == 404


def test_the_news_for_a_watchlist(client: TestClient, runtime: Runtime, ada: MemberRow) -> None:
    save_tagged(runtime.news, "Gold rallies", FRIDAY_MORNING, symbols=("GC",))
    save_tagged(runtime.news, "Oil slips", FRIDAY_MORNING, symbols=("CL",))
    made = actions.create_watchlist(runtime, ada.id, "Metals", ["GC"])
    news = client.get(f"{API}/{made.id}/news", headers=bearer(runtime, ada)).json()["news"]
    assert [h["title"] for h in news] == ["Gold rallies"]


def test_following_and_unfollowing_a_topic(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    save_tagged(
        runtime.news,
        "Fed holds",
        FRIDAY_MORNING,
        entities=(("federal-reserve", "Fed", "central_bank"),),
    )
    auth = bearer(runtime, ada)
    made = client.post("/api/v1/follows", json={"slug": "federal-reserve"}, headers=auth)
    assert made.status_code == 201 and made.json()["kind"] == "central_bank"
    assert client.delete("/api/v1/follows/federal-reserve", headers=auth).status_code == 204
    assert client.get("/api/v1/follows", headers=auth).json() == {"follows": []}


# Refused -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"name": "Mine now"}),
        ("DELETE", "", None),
        ("POST", "/items", {"symbol": "SI"}),
        ("DELETE", "/items/GC", None),
        ("GET", "/news", None),
    ],
)
def test_another_members_watchlist_is_a_404_that_tells_nothing(
    client: TestClient,
    runtime: Runtime,
    ada: MemberRow,
    bob: MemberRow,
    method: str,
    suffix: str,
    body: dict[str, str] | None,
) -> None:
    theirs = actions.create_watchlist(runtime, ada.id, "Secret plans", ["GC"])
    response = client.request(
        method, f"{API}/{theirs.id}{suffix}", json=body, headers=bearer(runtime, bob)
    )
    assert response.status_code == 404
    assert response.json() == {"detail": f"you have no watchlist {theirs.id}"}
    assert actions.watchlist_of(runtime, ada.id, theirs.id) == theirs


@pytest.mark.parametrize("field", ["member_id", "id", "position", "owner"])
def test_a_field_the_api_does_not_take_is_refused(
    client: TestClient, runtime: Runtime, ada: MemberRow, bob: MemberRow, field: str
) -> None:
    body = {"name": "Energy", field: bob.id}
    response = client.post(API, json=body, headers=bearer(runtime, ada))
    assert response.status_code == 422 and field in response.json()["detail"]
    assert count(runtime, ada) == 1 and count(runtime, bob) == 1


def test_an_oversized_body_is_refused(client: TestClient, runtime: Runtime, ada: MemberRow) -> None:
    body = '{"name": "' + "x" * BODY_MAX_BYTES + '"}'
    response = client.post(
        API, content=body, headers={**bearer(runtime, ada), "content-type": "application/json"}
    )
    assert response.status_code == 413 and count(runtime, ada) == 1


def test_a_body_that_is_not_json_is_refused(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    response = client.post(API, data={"name": "Energy"}, headers=bearer(runtime, ada))
    assert response.status_code == 415 and count(runtime, ada) == 1


def test_a_name_that_would_inject_a_header_is_refused(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    body = {"name": "x\r\nSet-Cookie: tw_session=evil"}
    response = client.post(API, json=body, headers=bearer(runtime, ada))
    assert response.status_code == 400 and "set-cookie" not in response.headers
    assert count(runtime, ada) == 1


def test_an_unknown_symbol_is_refused(client: TestClient, runtime: Runtime, ada: MemberRow) -> None:
    body = {"name": "Odd", "symbols": ["NOPE"]}
    response = client.post(API, json=body, headers=bearer(runtime, ada))
    assert response.status_code == 400 and "NOPE" in response.json()["detail"]


# With the session cookie ---------------------------------------------------------------


def signed_in(client: TestClient, runtime: Runtime, member: MemberRow) -> str:
    """Sign ``client`` in as ``member``; the form token its pages carry."""
    page = client.get("/account/sign-in").text
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    fields = {"form_token": token, "username": member.username, "password": PASSWORD}
    client.post("/account/sign-in", data=fields, headers={"origin": BASE})
    page = client.get("/watchlists").text
    return re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]


def test_the_session_cookie_reads_the_api(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    signed_in(client, runtime, ada)
    assert client.get(API).status_code == 200


def test_with_the_session_cookie_a_change_needs_the_form_token(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    signed_in(client, runtime, ada)
    response = client.post(API, json={"name": "Energy"}, headers={"origin": BASE})
    assert response.status_code == 403 and count(runtime, ada) == 1


def test_with_the_session_cookie_and_its_form_token_a_change_is_made(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    token = signed_in(client, runtime, ada)
    headers = {"origin": BASE, "x-form-token": token}
    assert client.post(API, json={"name": "Energy"}, headers=headers).status_code == 201


def test_with_the_session_cookie_a_change_from_another_site_is_refused(
    client: TestClient, runtime: Runtime, ada: MemberRow
) -> None:
    token = signed_in(client, runtime, ada)
    headers = {"origin": "https://elsewhere.example", "x-form-token": token}
    assert client.post(API, json={"name": "Energy"}, headers=headers).status_code == 403
    assert count(runtime, ada) == 1


def test_the_watchlists_api_is_in_the_openapi_document_with_its_bodies(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {f"{API}", f"{API}/{{watchlist_id}}", f"{API}/{{watchlist_id}}/items"} <= set(paths)
    schema = paths[API]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is False and "name" in schema["properties"]
