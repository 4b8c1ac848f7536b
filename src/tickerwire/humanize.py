"""The one wording of times, ages and durations, for pages, the API's text fields and the CLI.

Every function takes ``now`` from the caller's injected clock: nothing here reads the wall
clock, so a page rendered by a test or a replay at a fixed moment reads the same every time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def duration(delta: timedelta) -> str:
    """A span in at most two units, rounded up to the minute: "2 h 13 min", "3 d 4 h".

    Rounding up means a market that is still shut never reads "opens in 0 min".
    """
    if delta < timedelta(0):
        raise ValueError("duration must not be negative")
    minutes, rest = divmod(delta, timedelta(minutes=1))
    minutes += bool(rest)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def until(moment: datetime | None, now: datetime, *, due: str = "now") -> str:
    """When something will happen: "in 14 min", or ``due`` once its time has come."""
    if moment is None:
        return "never"
    if moment <= now:
        return due
    return f"in {duration(moment - now)}"


def ago(moment: datetime | None, now: datetime) -> str:
    """How long since something happened: "5 min ago", "just now" within the minute."""
    if moment is None:
        return "never"
    return age(now - moment)


def age(delta: timedelta) -> str:
    """The age of a quote or a fetch: "just now" under a minute, else "3 min ago"."""
    if delta < timedelta(minutes=1):
        return "just now"
    return f"{duration(delta)} ago"


def clock_time(moment: datetime, zone: str, now: datetime) -> str:
    """'4:00 PM EST' on ``now``'s day, 'Nov 21, 4:00 PM EST' this year, 'Nov 21, 2025' before,
    in the reader's zone."""
    local = moment.astimezone(ZoneInfo(zone))
    today = now.astimezone(local.tzinfo).date()
    hour = local.strftime("%I:%M %p").lstrip("0")
    if local.date() == today:
        return f"{hour} {local.tzname()}"
    if local.year == today.year:
        return f"{local.strftime('%b')} {local.day}, {hour} {local.tzname()}"
    return f"{local.strftime('%b')} {local.day}, {local.year}"


def running_time(seconds: int) -> str:
    """``2:31``, ``1:04:09``: how players show a clip's length."""
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
