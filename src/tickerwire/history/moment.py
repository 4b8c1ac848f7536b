"""The moment a past view is asked for, read from ``?at=`` or the command line.

A moment names its zone (``Z`` or an offset): a bare ``15:30`` would mean a different
instant to each reader, so it is refused with an example rather than guessed. A date alone
means the end of that UTC day: "the portal on 30 November" is what it showed as the day
ended. Moments are kept to the minute and second a reader gives, in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

EXAMPLE = "2026-11-30T15:30Z"
MAX_CHARS = 40
"""No ISO 8601 instant is longer; anything longer is refused before it is parsed."""


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadMoment(ValueError):
    """A moment that cannot be used; the message says why and shows one that can."""


def parse_moment(text: str) -> datetime:
    """The UTC instant ``text`` names: ISO 8601 with ``Z`` or an offset, or a date alone."""
    text = text.strip()
    if not text:
        raise BadMoment(f"give a moment such as {EXAMPLE}")
    if len(text) > MAX_CHARS:
        raise BadMoment(f"{text[:MAX_CHARS]}… is too long for a moment; write it as {EXAMPLE}")
    if _DATE.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise BadMoment(f"{text!r} is not a date; write it as {EXAMPLE}") from None
        return datetime.combine(day, time(23, 59, 59), UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadMoment(f"{text!r} is not an ISO 8601 time; write it as {EXAMPLE}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadMoment(f"{text!r} names no time zone; add Z for UTC or an offset: {EXAMPLE}")
    return moment.astimezone(UTC)


def check_past(moment: datetime, now: datetime) -> datetime:
    """``moment`` if it has already happened; the future has no stored page to show."""
    if moment > now:
        raise BadMoment(
            f"{moment:%Y-%m-%dT%H:%MZ} is in the future; leave out the moment to see the portal now"
        )
    return moment
