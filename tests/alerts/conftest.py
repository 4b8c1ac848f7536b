"""A runtime for delivery tests, opened with the ``[alerts]`` settings a test needs, and a
local SMTP server (aiosmtpd) that keeps what it is given."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from support.ports import free_port
from tickerwire.config import Settings
from tickerwire.instruments import DEFAULT_INSTRUMENTS
from tickerwire.runtime import Runtime

OpenRuntime = Callable[..., Awaitable[Runtime]]


def alert_settings(database_url: str, *, loopback: bool = True, **alerts: Any) -> Settings:
    """No feeds, no quotes; loopback allowed (the receivers live there) unless told not."""
    return Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        providers={"order": ["simulated"]},
        remove_instruments=[i.symbol for i in DEFAULT_INSTRUMENTS if i.symbol != "SPX"],
        media={"enabled": False},
        fetch={"allow_hosts": ["127.0.0.1"] if loopback else [], "deadline": 5},
        alerts=alerts,
    )


@pytest.fixture
async def open_runtime(database_url: str) -> AsyncIterator[OpenRuntime]:
    opened: list[Runtime] = []

    async def open_(**settings: Any) -> Runtime:
        runtime = await Runtime.open(alert_settings(database_url, **settings))
        opened.append(runtime)
        return runtime

    yield open_
    for runtime in opened:
        await runtime.close()


class MailServer:
    """What the local SMTP server was given: each envelope, and its message parsed."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.port = free_port()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(bytes(e.original_content or b""), policy=policy.default)  # type: ignore[misc]
            for e in self.envelopes
        ]

    def settings(self) -> dict[str, Any]:
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_starttls": False,
            "mail_from": "Tickerwire Alerts <alerts@news.example.org>",
        }


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    yield server
    controller.stop()
