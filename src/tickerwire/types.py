"""Small shared types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

#: Something that says what time it is; injected so tests and replays can fix the time.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
