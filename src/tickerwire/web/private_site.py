"""A private site: with ``accounts.private_site`` on, only signed-in members read it.

Every request but a few is refused unless its session cookie names a live session of a
member who is not disabled: pages, their JSON twins and Atom feeds, the API, article
images and the live stream. What stays open is what a reader needs to become a member and
what an operator's tools need: the sign-in and sign-up pages (and signing out), the
static files those pages use, and the health checks and metrics.

A page is answered with a redirect to sign-in that comes back to it (``next``); anything
else (the API, a twin, a feed, the stream, an image) with 401, since a program cannot
follow a sign-in form. Both are ``private, no-store``. A program may instead speak for a
member with one of their API tokens (``Authorization: Bearer``), as the watchlists' API
takes them.

This layer sits just outside the fast path (:mod:`tickerwire.web.ready`), so a page the
render cache holds is never sent to anyone not signed in, and inside the security headers,
request ids and timing, so its answers get all of them. The member it finds is left on
the request's state, where :func:`tickerwire.web.readers.reader_of` takes it without a
second lookup.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web import health, metrics
from tickerwire.web.readers import PRIVATE, reader_of

SIGN_IN = "/account/sign-in"
OPEN_PATHS = frozenset(
    {SIGN_IN, "/account/sign-up", "/account/sign-out", *health.PATHS, metrics.PATH}
)
OPEN_PREFIXES = ("/static/",)
#: Addresses a program reads rather than a person: refused with 401, not sent to sign in.
_PROGRAM_PREFIXES = ("/api/", "/media/", "/openapi.json")
_PROGRAM_SUFFIXES = (".json", ".xml", ".atom")
_REFUSAL = json.dumps({"detail": "this site is private: sign in to read it"}).encode()


def is_open(path: str) -> bool:
    """Whether ``path`` is reachable on a private site without signing in."""
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def for_programs(path: str) -> bool:
    return path.startswith(_PROGRAM_PREFIXES) or path.endswith(_PROGRAM_SUFFIXES)


def sign_in_address(scope: Scope) -> str:
    """The sign-in page, coming back to the address asked for."""
    here = scope["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    if query:
        here = f"{here}?{query}"
    return f"{SIGN_IN}?next={quote(here, safe='/')}"


def _member_of(request: Request, runtime: Runtime) -> bool:
    """Whether the request comes from a member: a live session, or a bearer token."""
    if reader_of(request) is not None:
        return True
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return (
        scheme.lower() == "bearer"
        and bool(token.strip())
        and actions.member_of_api_token(runtime, token.strip()) is not None
    )


class PrivateSite:
    """ASGI middleware; ``state`` is the app's, where the lifespan puts the runtime, whose
    settings are read on each request (so a change an admin makes applies at once)."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime: Runtime | None = getattr(self.state, "runtime", None)
        if (
            scope["type"] != "http"
            or runtime is None
            or not runtime.settings.accounts.private_site
            or is_open(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        if await run_in_threadpool(_member_of, Request(scope), runtime):
            await self.app(scope, receive, send)
            return
        headers = [(k.encode(), v.encode()) for k, v in PRIVATE.items()]
        if for_programs(scope["path"]):
            status, body = 401, _REFUSAL
            headers += [(b"content-type", b"application/json")]
        else:
            status, body = 303, b""
            headers += [(b"location", sign_in_address(scope).encode())]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
