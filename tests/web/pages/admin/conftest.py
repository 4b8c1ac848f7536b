"""A portal with an admin, a member and a local publisher, for the admin console's tests:
browsers signed in as each, and forms posted as their pages would post them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient

from support.http_server import LocalServer
from support.moments import FRIDAY_MORNING
from support.newsroom import FED_STORY, OIL_STORY, Newsroom
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

BASE = "http://testserver"
PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')

pytestmark = pytest.mark.usefixtures("cheap_hashes")


def admin_settings(database_url: str, **fetch: object) -> Settings:
    return Settings(
        database_url=database_url,
        demo=True,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3, **fetch},
    )


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY, OIL_STORY)
        yield server


@pytest.fixture
def runtime(database_url: str, cheap_hashes: None) -> Iterator[Runtime]:
    with opened_runtime(admin_settings(database_url), clock=lambda: FRIDAY_MORNING) as runtime:
        actions.create_member(runtime, "ada", PASSWORD, admin=True)
        actions.create_member(runtime, "bob", PASSWORD)
        yield runtime


@dataclass
class Browser:
    client: TestClient

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def token(self, path: str = "/admin") -> str:
        found = _TOKEN.search(self.client.get(path).text)
        assert found is not None, f"{path} has no form token"
        return found.group(1)

    def post(self, path: str, page: str = "/admin", **fields: str) -> httpx.Response:
        """Post a form as the page at ``page`` would: its token, from our origin."""
        data = {"form_token": self.token(page), **fields}
        return self.client.post(path, data=data, headers={"origin": BASE})

    def upload(self, path: str, page: str, name: str, content: bytes) -> httpx.Response:
        return self.client.post(
            path,
            data={"form_token": self.token(page)},
            files={name: ("feeds.opml", content, "text/x-opml")},
            headers={"origin": BASE},
        )


def signed_in(runtime: Runtime, username: str | None) -> Iterator[Browser]:
    app = create_app(runtime.settings, runtime=runtime)
    with TestClient(app, follow_redirects=False) as client:
        browser = Browser(client)
        if username is not None:
            page = client.get("/account/sign-in").text
            found = _TOKEN.search(page)
            assert found is not None
            answer = client.post(
                "/account/sign-in",
                data={"form_token": found.group(1), "username": username, "password": PASSWORD},
                headers={"origin": BASE},
            )
            assert answer.status_code == 303, answer.text
        yield browser
        _drop_connections(client, runtime)


def _drop_connections(client: TestClient, runtime: Runtime) -> None:
    """Close the fetcher's kept-alive connections in the loop that opened them (this
    client's), before the runtime is closed in another one."""
    transport = runtime.fetcher._client._transport  # test teardown only
    assert client.portal is not None
    client.portal.call(transport.aclose)


@pytest.fixture
def admin(runtime: Runtime) -> Iterator[Browser]:
    yield from signed_in(runtime, "ada")


@pytest.fixture
def member(runtime: Runtime) -> Iterator[Browser]:
    """A member who is not an admin, signed in."""
    yield from signed_in(runtime, "bob")


@pytest.fixture
def anonymous(runtime: Runtime) -> Iterator[Browser]:
    yield from signed_in(runtime, None)


def shown(response: httpx.Response) -> str:
    """The sentence a page shows after an action."""
    found = re.search(r'<p class="form-message[^"]*"[^>]*>(.*?)</p>', response.text, re.S)
    assert found is not None, "the page shows no message"
    return found.group(1)
