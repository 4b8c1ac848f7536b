"""ntfy: an event published as JSON to the root of the ntfy server (``[alerts]
ntfy_server``), through the guarded fetcher, on the member's topic.

A topic is a name anyone who knows it can read, so members should choose one hard to
guess; the title is one line (:func:`~tickerwire.alerts.message.one_line`), the click
target the event's link when the portal's public address makes it absolute.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tickerwire.alerts.message import absolute, one_line, plain_text
from tickerwire.net.fetch import Fetcher
from tickerwire.store.deliveries import Trigger

ANSWER_MAX_BYTES = 64 * 1024
_TOPIC = re.compile(r"[-_A-Za-z0-9]{1,64}")
_TAGS = {"price": ["chart_with_upwards_trend"], "news": ["newspaper"]}


def check_ntfy_topic(topic: str) -> str:
    """``topic`` if ntfy accepts it as a topic name, else ValueError."""
    topic = topic.strip()
    if not _TOPIC.fullmatch(topic):
        raise ValueError(
            "an ntfy topic is 1 to 64 letters, digits, '-' or '_'; pick one hard to guess"
        )
    return topic


def ntfy_message(topic: str, trigger: Trigger, public_url: str) -> dict[str, Any]:
    """The JSON ntfy publishes (its "Publish as JSON" form)."""
    message: dict[str, Any] = {
        "topic": topic,
        "title": one_line(trigger.title, limit=250),
        "message": plain_text(trigger.summary) or one_line(trigger.title),
        "tags": _TAGS.get(trigger.kind, []),
    }
    link = absolute(trigger.link, public_url)
    if link.startswith(("https://", "http://")):
        message["click"] = link
    return message


async def publish(fetcher: Fetcher, server: str, token: str, message: dict[str, Any]) -> None:
    """POST ``message`` to the server's root; returns on a 2xx, raises the fetcher's error
    otherwise."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    await fetcher.post(
        server.rstrip("/") + "/", body=body, headers=headers, max_bytes=ANSWER_MAX_BYTES
    )
