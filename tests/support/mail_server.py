"""A local SMTP server (aiosmtpd) that keeps what it is given, for tests of email alerts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from support.ports import free_port


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
        """The ``[alerts]`` settings that send to this server."""
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_starttls": False,
            "mail_from": "Tickerwire Alerts <alerts@news.example.org>",
        }


@contextlib.contextmanager
def mail_server_running() -> Iterator[MailServer]:
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
