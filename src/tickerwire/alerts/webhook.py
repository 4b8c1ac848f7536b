"""Webhooks: a versioned JSON body, signed as the Standard Webhooks spec says, POSTed
through the guarded fetcher; and the check a webhook URL passes before it is saved.

The body (version 1)::

    {"version": 1, "type": "alert.price", "delivery_id": "<uuid>", "fired_at": "<ISO 8601>",
     "alert": {"id", "kind", "label", "symbol", "condition", "level", "topic_kind", "topic_key"},
     "event": {"id", "title", "summary", "link", "data"}}

Headers ``webhook-id`` (the delivery id, the same on every retry), ``webhook-timestamp``
(seconds since the epoch, at sending) and ``webhook-signature`` (``v1,`` and the base64 HMAC-
SHA256 of ``id.timestamp.body`` under the member's secret), so any Standard Webhooks library
verifies it (docs/alerts.md). A URL is checked when it is saved (:func:`check_webhook_url`)
and the fetcher checks every address it connects to again when it is sent.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import socket
from datetime import UTC, datetime
from ipaddress import IPv4Address
from typing import Any
from urllib.parse import urlsplit

from standardwebhooks import Webhook

from tickerwire.alerts.message import absolute
from tickerwire.config import FetchSettings
from tickerwire.net.fetch import Fetcher
from tickerwire.net.guard import (
    Allowlist,
    IPAddress,
    how_to_allow,
    normalise_host,
    parse_ip,
    refusal_reason,
)
from tickerwire.store.deliveries import Trigger

VERSION = 1
MAX_URL = 2000
ANSWER_MAX_BYTES = 64 * 1024
"""What is read of a receiver's answer; only its status matters."""
_LOCAL_NAMES = ("localhost", "localhost.localdomain")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan")
_LEGACY_IPV4 = re.compile(r"[0-9a-fx.]+")


NO_HOSTS = Allowlist(frozenset(), ())


class UnsafeWebhookURL(ValueError):
    """A webhook URL Tickerwire will not send to; the message says why, in a sentence."""


def new_webhook_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form: ``whsec_`` and 24 random bytes
    in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def check_webhook_secret(secret: str) -> str:
    """``secret`` if it is a Standard Webhooks secret (``whsec_`` and base64), else
    ValueError."""
    secret = secret.strip()
    try:
        valid = secret.startswith("whsec_") and len(secret) <= 64 and bool(Webhook(secret))
    except Exception:
        valid = False
    if not valid:
        raise ValueError("a webhook secret is whsec_ followed by base64, 64 characters at most")
    return secret


def check_webhook_url(url: str, fetch: FetchSettings, stored: Allowlist = NO_HOSTS) -> str:
    """``url`` if Tickerwire may send webhooks to it, else :class:`UnsafeWebhookURL`.

    Only http and https; no user name or password (the secret signs the body instead); no
    fragment; no private, loopback or other non-public address written as an IP (in any of
    the forms a resolver reads), and no local name (localhost, ``.local``, one with no dot),
    unless the admin allowed that host (``fetch.allow_hosts`` or the stored list); only the
    allowed ports otherwise. Names are resolved, and every address checked, when it is sent.
    """
    text = url.strip()
    if not text:
        raise UnsafeWebhookURL("a webhook needs a URL")
    if len(text) > MAX_URL:
        raise UnsafeWebhookURL(f"a webhook URL may be {MAX_URL} characters at most")
    if any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in text):
        raise UnsafeWebhookURL("a webhook URL may not contain spaces or control characters")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeWebhookURL("a webhook URL starts with https:// (or http://)")
    if "@" in parts.netloc:
        raise UnsafeWebhookURL(
            "a webhook URL may not carry a user name or password: every delivery is signed "
            "with your webhook secret instead"
        )
    if "#" in text:
        raise UnsafeWebhookURL("a webhook URL may not have a #fragment: it is never sent")
    host = normalise_host(parts.hostname or "")
    if not host:
        raise UnsafeWebhookURL("a webhook URL names a host: https://host/path")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise UnsafeWebhookURL(
            "the port of that webhook URL is not a number from 1 to 65535"
        ) from None
    lists = (Allowlist.parse(fetch.allow_hosts), stored)
    listed = any(allowlist.has_name(host) for allowlist in lists)
    address = _literal_address(host)
    if address is not None:
        listed = listed or any(allowlist.covers(address) for allowlist in lists)
        why = refusal_reason(address)
        if why is not None and not listed:
            raise UnsafeWebhookURL(f"{host} is not a public address ({why}); {how_to_allow(host)}")
    elif not listed and _is_local_name(host):
        raise UnsafeWebhookURL(
            f"{host} is a local name, not a public address; {how_to_allow(host)}"
        )
    if port not in fetch.allowed_ports and not listed:
        allowed = ", ".join(str(p) for p in sorted(fetch.allowed_ports))
        raise UnsafeWebhookURL(
            f"port {port} is not allowed for webhooks (only {allowed}); {how_to_allow(host)}"
        )
    return text


async def vet_webhook_url(url: str, fetch: FetchSettings, fetcher: Fetcher) -> str:
    """:func:`check_webhook_url` against the admin's allowlist as it stands now."""
    stored = await fetcher.allowlist.fresh() if fetcher.allowlist is not None else NO_HOSTS
    return check_webhook_url(url, fetch, stored)


def _literal_address(host: str) -> IPAddress | None:
    """The address ``host`` is, when it is written as one: the usual forms, and the old
    ones resolvers still read (``127.1``, ``0x7f.0.0.1``, ``2130706433``)."""
    address = parse_ip(host)
    if address is None and _LEGACY_IPV4.fullmatch(host):
        try:
            address = IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return address


def _is_local_name(host: str) -> bool:
    return host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES) or "." not in host


def webhook_body(delivery_key: str, trigger: Trigger, public_url: str) -> dict[str, Any]:
    """The version 1 body of a delivery (see the module's docstring and docs/alerts.md)."""
    return {
        "version": VERSION,
        "type": f"alert.{trigger.kind}",
        "delivery_id": delivery_key,
        "fired_at": trigger.fired_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "alert": {
            "id": trigger.alert_id,
            "kind": trigger.kind,
            "label": trigger.label,
            "symbol": trigger.symbol,
            "condition": trigger.condition,
            "level": trigger.level,
            "topic_kind": trigger.topic_kind,
            "topic_key": trigger.topic_key,
        },
        "event": {
            "id": trigger.event_id,
            "title": trigger.title,
            "summary": trigger.summary,
            "link": absolute(trigger.link, public_url),
            "data": trigger.data,
        },
    }


def signed_headers(secret: str, delivery_key: str, sent_at: datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of ``body``, signed with ``secret`` at ``sent_at``."""
    signature = Webhook(secret).sign(delivery_key, sent_at.astimezone(UTC), body)
    return {
        "webhook-id": delivery_key,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
    }


async def send_webhook(
    fetcher: Fetcher,
    url: str,
    secret: str,
    delivery_key: str,
    trigger: Trigger,
    *,
    public_url: str,
    now: datetime,
) -> None:
    """POST one delivery; returns on a 2xx, raises the fetcher's error otherwise."""
    body = json.dumps(
        webhook_body(delivery_key, trigger, public_url), ensure_ascii=False, separators=(",", ":")
    )
    headers = {
        "Content-Type": "application/json",
        **signed_headers(secret, delivery_key, now, body),
    }
    await fetcher.post(url, body=body.encode("utf-8"), headers=headers, max_bytes=ANSWER_MAX_BYTES)
