"""Posting the account pages' forms as a browser would: the form token taken from the
page, the Origin of the site itself."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

BASE = "http://testserver"
PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


def portal(runtime: Runtime, base_url: str = BASE) -> TestClient:
    return TestClient(
        create_app(runtime.settings, runtime=runtime), base_url=base_url, follow_redirects=False
    )


def token_of(html: str) -> str:
    found = _TOKEN.search(html)
    assert found is not None, "the page has no form token"
    return found.group(1)


def post(client: TestClient, path: str, token_from: str, **fields: str) -> Response:
    """Post a form as its page would: the token from the page at ``token_from``."""
    token = token_of(client.get(token_from).text)
    origin = str(client.base_url).rstrip("/")
    return client.post(path, data={"form_token": token, **fields}, headers={"origin": origin})


def sign_up(client: TestClient, username: str = "ada", **extra: str) -> Response:
    fields = {"username": username, "password": PASSWORD, "confirm": PASSWORD, **extra}
    return post(client, "/account/sign-up", "/account/sign-up", **fields)


def sign_in(
    client: TestClient, username: str = "ada", password: str = PASSWORD, **extra: str
) -> Response:
    fields = {"username": username, "password": password, **extra}
    return post(client, "/account/sign-in", "/account/sign-in", **fields)
