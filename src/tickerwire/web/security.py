"""Response headers every page gets: a strict CSP (scripts from our own files only), and friends.

The API docs (Swagger UI and ReDoc from the fastapi-offline package) start with an inline
script we do not write. Rather than allow inline scripts there, their pages get a policy
naming exactly the inline scripts in the response, by hash: any other script, injected or
not, stays blocked there as everywhere.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The pages fastapi-offline serves with inline start-up code.
DOCS_PAGES = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_COMMON = (
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: Pages load images from our own origin only: article images come through media/. With the
#: image cache turned off (``media.enabled = false``) they load from the publishers.
OWN_IMAGES = "img-src 'self'"
PUBLISHERS_IMAGES = "img-src 'self' https:"
_FRAMES = (
    "frame-src https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com"
)


def page_policy(images: str = OWN_IMAGES) -> str:
    """The policy of every page but the docs: our own files only. No page has an inline
    script, so none needs a nonce, and the policy is the same for every response: written
    once, not per request."""
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; {images}; {_FRAMES}; {_COMMON}"
    )


def docs_policy(html: bytes) -> str:
    """The policy of a docs page: scripts from our origin and the page's own inline
    ``<script>`` blocks, by SHA-256. Both UIs inject styles as they draw (ReDoc through
    styled-components), so styles, which run no code, may be inline here; ReDoc's search
    runs in a worker it makes from a blob: URL."""
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    ]
    scripts = " ".join(["'self'", *hashes])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        f"worker-src 'self' blob:; frame-src 'none'; img-src 'self' data:; {_COMMON}"
    )


def page_headers(*, images_from_publishers: bool = False) -> list[tuple[bytes, bytes]]:
    """The lines every page but the docs gets, written once: by :class:`SecurityHeaders`
    and, for a stored page, by the fast path (:mod:`tickerwire.web.ready`) itself."""
    return _headers(page_policy(PUBLISHERS_IMAGES if images_from_publishers else OWN_IMAGES))


def _headers(policy: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    ]


class SecurityHeaders:
    """Pure ASGI middleware (streams such as SSE pass through untouched)."""

    def __init__(self, app: ASGIApp, *, images_from_publishers: bool = False) -> None:
        self.app = app
        self.headers = page_headers(images_from_publishers=images_from_publishers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in DOCS_PAGES:
            await self._docs(scope, receive, send)
            return
        headers = self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = list(message.get("headers", []))
                # A response with its own policy (served images: sandboxed) keeps it.
                named = {name.lower() for name, _ in own}
                message["headers"] = own + [(n, v) for n, v in headers if n not in named]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold a docs page (a few kilobytes) until its body is complete, so the policy can
        name the hashes of what it carries."""
        start: Message | None = None
        body: list[bytes] = []

        async def send_when_complete(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            html = b"".join(body)
            headers = [*start.get("headers", []), *_headers(docs_policy(html))]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, send_when_complete)
