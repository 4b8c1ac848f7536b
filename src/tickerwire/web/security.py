"""Response headers every page gets: a strict CSP with a per-request nonce, and friends."""

from __future__ import annotations

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SecurityHeaders:
    """Pure ASGI middleware (streams such as SSE pass through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        # The offline API docs (Swagger UI from the fastapi-offline package) need inline code.
        docs = scope["path"].startswith(("/docs", "/redoc", "/static-offline-docs"))
        inline = " 'unsafe-inline'" if docs else ""
        policy = (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'{inline}; "
            f"style-src 'self'{inline}; img-src 'self' https: data:; connect-src 'self'; "
            "frame-src https://www.youtube-nocookie.com https://www.youtube.com "
            "https://player.vimeo.com; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'"
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
