"""Members at the portal's door: a test client signed in as a member through the real
sign-in form, and posting a page's form with its token, as a browser would."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

BASE = "http://testserver"
PASSWORD = "correct horse battery"
PRIVATE = "private, no-store"
_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


def portal(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime.settings, runtime=runtime), follow_redirects=False)


def signed_in(runtime: Runtime, username: str, *, admin: bool = False) -> TestClient:
    """An entered client, signed in as ``username`` (made first if need be); exit it."""
    client = portal(runtime)
    client.__enter__()
    if runtime.accounts.member_by_key(username) is None:
        actions.create_member(runtime, username, PASSWORD, admin=admin)
    token = token_of(client.get("/account/sign-in").text)
    fields = {"form_token": token, "username": username, "password": PASSWORD}
    assert client.post("/account/sign-in", data=fields, headers={"origin": BASE}).status_code == 303
    return client


def token_of(html: str) -> str:
    found = _TOKEN.search(html)
    assert found is not None, "the page has no form token"
    return found.group(1)


def post(client: TestClient, path: str, token_from: str, **fields: str) -> Response:
    """Post ``fields`` to ``path`` with the form token of the page at ``token_from``."""
    token = token_of(client.get(token_from).text)
    return client.post(path, data={"form_token": token, **fields}, headers={"origin": BASE})
