"""A private site (``accounts.private_site``): pages send a reader to sign in and back,
everything a program reads answers 401, and only sign-in, sign-up, static files and the
health checks stay open; the render cache never sends a stored page past it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from support.account_forms import PASSWORD, portal, sign_in
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.accounts.tokens import SESSION_COOKIE
from tickerwire.config import Settings
from tickerwire.runtime import Runtime

pytestmark = pytest.mark.usefixtures("cheap_hashes")

PAGES = ["/", "/quote/SPX", "/quote/SPX?range=5D", "/feeds", "/search?q=oil", "/docs"]
FOR_PROGRAMS = [
    "/api/v1/ribbon",
    "/api/v1/me",
    "/api/v1/stream?symbols=SPX",
    "/quote/SPX.json",
    "/quote/SPX/news.xml",
    "/openapi.json",
    "/media/abc/def",
]
OPEN = ["/account/sign-in", "/account/sign-up", "/static/tickerwire.css", "/healthz"]


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    settings.accounts.private_site = True
    with opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime:
        yield runtime


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with portal(runtime) as client:
        yield client


@pytest.fixture
def member(runtime: Runtime, client: TestClient) -> TestClient:
    """``client``, signed in as ada."""
    actions.create_member(runtime, "ada", PASSWORD)
    assert sign_in(client).status_code == 303
    return client


@pytest.mark.parametrize("path", PAGES)
def test_a_page_sends_a_reader_to_sign_in_and_back(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["cache-control"] == "private, no-store"
    location = response.headers["location"]
    assert location.startswith("/account/sign-in?next=")
    page = client.get(location)
    assert page.status_code == 200
    assert f'name="next" value="{path.replace("&", "&amp;")}"' in page.text


@pytest.mark.parametrize("path", FOR_PROGRAMS)
def test_what_programs_read_answers_401(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "this site is private: sign in to read it"}
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize("path", OPEN)
def test_sign_in_sign_up_static_files_and_health_stay_open(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200


def test_the_sign_in_page_says_the_site_is_for_members(client: TestClient) -> None:
    text = client.get("/account/sign-in").text
    assert "This site is for its members" in text
    assert "Everything here reads without one" not in text


def test_a_head_request_is_refused_too(client: TestClient) -> None:
    assert client.head("/").status_code == 303


def test_a_member_reads_pages_twins_and_the_api(member: TestClient) -> None:
    for path in ("/", "/quote/SPX", "/quote/SPX.json", "/api/v1/ribbon", "/feeds"):
        response = member.get(path)
        assert response.status_code == 200, path
    assert member.get("/api/v1/me").json()["member"]["username"] == "ada"


def test_signing_in_comes_back_to_the_page_asked_for(runtime: Runtime, client: TestClient) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    next_path = "/quote/SPX?range=5D"
    assert client.get(next_path).headers["location"] == (
        "/account/sign-in?next=/quote/SPX%3Frange%3D5D"
    )
    response = sign_in(client, next=next_path)
    assert response.headers["location"] == next_path
    assert client.get(next_path).status_code == 200


def test_a_stored_page_is_never_sent_to_a_reader_not_signed_in(
    runtime: Runtime, member: TestClient
) -> None:
    """The fast path answers before routing; the private site's check comes first."""
    runtime.settings.accounts.private_site = False
    with portal(runtime) as anonymous:
        for _ in range(2):
            assert anonymous.get("/").status_code == 200  # the second from the cache
        assert member.get("/").status_code == 200
        runtime.settings.accounts.private_site = True
        refused = anonymous.get("/")
        assert refused.status_code == 303 and refused.content == b""
        assert anonymous.get("/", headers={"if-none-match": "*"}).status_code == 303


@pytest.mark.parametrize("cookie", ["planted-by-an-attacker", "x" * 500, ""])
def test_a_cookie_that_is_no_live_session_is_refused(client: TestClient, cookie: str) -> None:
    client.cookies.set(SESSION_COOKIE, cookie, domain="testserver.local")
    assert client.get("/").status_code == 303
    assert client.get("/api/v1/ribbon").status_code == 401


def test_a_disabled_member_is_refused_at_once(runtime: Runtime, member: TestClient) -> None:
    assert member.get("/").status_code == 200
    actions.disable_member(runtime, "ada")
    assert member.get("/").status_code == 303


def test_an_open_site_needs_no_account(runtime: Runtime, client: TestClient) -> None:
    runtime.settings.accounts.private_site = False
    for path in ("/", "/quote/SPX.json", "/api/v1/ribbon"):
        assert client.get(path).status_code == 200, path


def test_a_members_api_token_reads_the_api(runtime: Runtime, client: TestClient) -> None:
    member = actions.create_member(runtime, "ada", PASSWORD)
    secret = actions.create_api_token(runtime, member.id, "a script").secret
    headers = {"authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/ribbon", headers=headers).status_code == 200
    for wrong in (f"Bearer {secret}x", "Bearer ", f"Basic {secret}"):
        assert client.get("/api/v1/ribbon", headers={"authorization": wrong}).status_code == 401
