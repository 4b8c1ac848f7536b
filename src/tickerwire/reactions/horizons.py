"""When each horizon of a story's reaction starts and ends, in trading time.

A story published while its instrument's market is shut cannot move that price until the
market opens, so its measure starts at the next open and the note says so. The horizons
then count trading time only: a quarter of an hour before the close, "+1 h" ends 45 minutes
into the next session. "+1 trading day" ends at the same point of the next session (at its
close when that session closes early). On ``24/7`` markets all three are plain clock time.

Lunch breaks inside a session (Tokyo) are counted as trading time: the calendar's sessions
are what we measure in, and a break only moves the end of a short horizon by its length.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import exchange_calendars as xcals

from tickerwire.markets.calendar import ALWAYS_OPEN, Session, market_status, sessions_between


class Horizon(StrEnum):
    M15 = "15m"
    H1 = "1h"
    D1 = "1d"

    @property
    def label(self) -> str:
        return {"15m": "+15 min", "1h": "+1 h", "1d": "+1 trading day"}[self.value]


_TRADING_TIME = {Horizon.M15: timedelta(minutes=15), Horizon.H1: timedelta(hours=1)}
#: Far enough ahead to hold the next two sessions after the longest closure we know of.
_LOOK_AHEAD = timedelta(days=21)


@dataclass(frozen=True, slots=True)
class Window:
    """One horizon's span: from ``start`` (publication or the next open) to ``end``."""

    horizon: Horizon
    start: datetime
    end: datetime
    note: str | None


@lru_cache(maxsize=32)
def _zone(calendar_code: str) -> ZoneInfo:
    if calendar_code == ALWAYS_OPEN:
        return ZoneInfo("UTC")
    with warnings.catch_warnings():
        # pandas deprecations raised inside exchange_calendars, not by our use of it.
        warnings.filterwarnings("ignore", module=r"pandas\.")
        return ZoneInfo(str(xcals.get_calendar(calendar_code).tz))


def _wall_time(instant: datetime, zone: ZoneInfo) -> str:
    local = instant.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M} {local:%p} {local.tzname()}"


def _closed_note(calendar_code: str, published: datetime, opens: datetime) -> str:
    """Why the measure starts later, e.g. "published Saturday; measured from Monday's open"."""
    status = market_status(calendar_code, published)
    zone = _zone(calendar_code)
    day, open_day = published.astimezone(zone), opens.astimezone(zone)
    if status.reason == "weekend":
        when = f"{day:%A}"
    elif status.reason == "holiday":
        when = f"on {status.holiday}, a market holiday" if status.holiday else "on a holiday"
    elif open_day.date() == day.date():
        when = "before the open"
    else:
        when = "after the close"
    if open_day.date() == day.date():
        return f"published {when}; measured from the open at {_wall_time(opens, zone)}"
    return f"published {when}; measured from {open_day:%A}'s open"


def _sessions(calendar_code: str, published: datetime) -> list[Session]:
    return sessions_between(calendar_code, published - timedelta(days=1), published + _LOOK_AHEAD)


def _advance(sessions: list[Session], index: int, start: datetime, amount: timedelta) -> datetime:
    """``start`` moved on by ``amount`` of trading time, skipping the gaps between sessions."""
    moment = start
    while True:
        room = sessions[index].close - moment
        if amount <= room:
            return moment + amount
        amount -= room
        index += 1
        moment = sessions[index].open


def windows(calendar_code: str, published: datetime) -> list[Window]:
    """The three horizons of a story published at ``published`` (tz-aware), in order."""
    published = published.astimezone(UTC)
    if calendar_code == ALWAYS_OPEN:
        spans = {**_TRADING_TIME, Horizon.D1: timedelta(days=1)}
        return [Window(h, published, published + spans[h], None) for h in Horizon]
    sessions = _sessions(calendar_code, published)
    index = next(i for i, s in enumerate(sessions) if published < s.close)
    session = sessions[index]
    if published >= session.open:
        start, note = published, None
    else:
        start, note = session.open, _closed_note(calendar_code, published, session.open)
    found = [
        Window(h, start, _advance(sessions, index, start, d), note)
        for h, d in _TRADING_TIME.items()
    ]
    following = sessions[index + 1]
    day_end = min(following.open + (start - session.open), following.close)
    return [*found, Window(Horizon.D1, start, day_end, note)]
