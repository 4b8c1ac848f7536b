"""When sign-in is refused for too many failures.

Failures are counted per account (by username key, whether or not it exists, so the
refusal tells nothing about which names exist) and per client address, over a sliding
window: after ``limit`` failures within ``window`` the next try waits until the oldest of
them leaves the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from math import ceil

ACCOUNT = "account"
ADDRESS = "address"


def wait(
    failures: Sequence[datetime], now: datetime, limit: int, window: timedelta
) -> timedelta | None:
    """How long until a try is allowed after ``failures`` (any order), or None for now."""
    recent = sorted(at for at in failures if at > now - window)
    if len(recent) < limit:
        return None
    return recent[-limit] + window - now


def retry_after_seconds(wait: timedelta) -> int:
    """``wait`` as a ``Retry-After`` value: whole seconds, at least one."""
    return max(1, ceil(wait.total_seconds()))
