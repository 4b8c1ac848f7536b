"""Email: one message per event, or one digest of a day's events, sent over SMTP with
aiosmtplib to the mail server of ``[alerts]``.

Headers are built with :mod:`email`'s default policy from one-line text only (a title or
a name with a line break in it cannot add a header), the envelope names the member's
address and nobody else whatever the headers say, and the Message-ID is made from the
delivery id, so a message sent again after a crash is recognisably the same message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib

from tickerwire.alerts.message import absolute, one_line, plain_text
from tickerwire.config import AlertSettings
from tickerwire.store.deliveries import Trigger

SMTP_TIMEOUT = 30.0


class EmailNotSetUp(Exception):
    """The portal has no mail server (``alerts.smtp_host``): no email can be sent."""


def check_email_address(address: str) -> str:
    """``address`` if it is one plain address (``name@example.org``), else ValueError."""
    address = address.strip()
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError) as error:
        raise ValueError(f"{one_line(address, limit=60)!r} is not an email address") from error
    if not parsed.username or "." not in parsed.domain or len(address) > 254:
        raise ValueError(f"{one_line(address, limit=60)!r} is not an email address")
    return parsed.addr_spec


def sender(mail_from: str) -> Address:
    """The From of ``alerts.mail_from`` ("Name <address>" or an address), its name on one
    line."""
    name, address = parseaddr(one_line(mail_from, limit=320))
    return Address(
        display_name=one_line(name, limit=80), addr_spec=address or "tickerwire@localhost"
    )


def _message(
    to: str, mail_from: str, subject: str, body: str, key: str, now: datetime
) -> EmailMessage:
    source = sender(mail_from)
    message = EmailMessage()
    message["From"] = source
    message["To"] = Address(addr_spec=to)
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{key}@{source.domain or 'tickerwire.localhost'}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(body)
    return message


def _lines(trigger: Trigger, public_url: str) -> list[str]:
    lines = [one_line(trigger.title)]
    summary = plain_text(trigger.summary)
    if summary:
        lines.append(summary)
    lines.append(absolute(trigger.link, public_url))
    return lines


def alert_email(
    to: str, delivery_key: str, trigger: Trigger, settings: AlertSettings, now: datetime
) -> EmailMessage:
    """The email of one event."""
    body = "\n\n".join(_lines(trigger, settings.public_url))
    body += f"\n\n-- \nAlert: {one_line(trigger.label)}\n"
    return _message(to, settings.mail_from, trigger.title, body, delivery_key, now)


def digest_email(
    to: str, items: Sequence[tuple[str, Trigger]], settings: AlertSettings, now: datetime
) -> EmailMessage:
    """The daily digest: every event kept for it, oldest first, in one email whose
    Message-ID is made from the delivery ids it carries."""
    ordered = sorted(items, key=lambda item: (item[1].fired_at, item[1].event_id))
    count = len(ordered)
    subject = f"Your alerts: {count} event{'s' if count != 1 else ''}"
    parts = []
    for _key, trigger in ordered:
        when = trigger.fired_at.strftime("%Y-%m-%d %H:%M UTC")
        parts.append("\n".join([when, *_lines(trigger, settings.public_url)]))
    keys = "\n".join(sorted(key for key, _trigger in ordered))
    key = "digest-" + hashlib.sha256(keys.encode()).hexdigest()[:32]
    return _message(to, settings.mail_from, subject, "\n\n".join(parts) + "\n", key, now)


async def send_email(message: EmailMessage, to: str, settings: AlertSettings) -> None:
    """Hand ``message`` to the mail server for ``to`` alone; raises on any refusal."""
    if not settings.smtp_host:
        raise EmailNotSetUp("email is not set up on this portal (alerts.smtp_host is empty)")
    await aiosmtplib.send(
        message,
        sender=sender(settings.mail_from).addr_spec,
        recipients=[to],
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user or None,
        password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls,
        timeout=SMTP_TIMEOUT,
    )
