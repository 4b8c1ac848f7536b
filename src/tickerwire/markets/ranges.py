"""Chart ranges: which stretch of history, at which bar interval, a quote page's chart shows.

The short ranges follow the exchange's sessions rather than the wall clock, as finance sites
do: "1D" on a Saturday is Friday's session, not an empty day, and "5D" skips holidays. The long
ranges are calendar spans ending now, where a missed holiday makes no visible difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tickerwire.markets.calendar import (
    ALWAYS_OPEN,
    CalendarError,
    Session,
    current_or_last_session,
    sessions_between,
)
from tickerwire.markets.quotes import Interval

#: How far back to look for the last five sessions; long enough for Golden Week or a
#: Lunar New Year closure plus weekends.
_FIVE_SESSIONS_LOOKBACK = timedelta(days=21)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ChartRange(StrEnum):
    D1 = "1D"
    D5 = "5D"
    M1 = "1M"
    M6 = "6M"
    YTD = "YTD"
    Y1 = "1Y"
    Y5 = "5Y"
    MAX = "MAX"


@dataclass(frozen=True, slots=True)
class RangeWindow:
    """Bars to ask the store for: ``start`` <= bar start < ``end``, at ``interval`` (UTC)."""

    start: datetime
    end: datetime
    interval: Interval


def _months_back(moment: datetime, months: int) -> datetime:
    """``moment`` moved back by calendar months, the day clamped to the shorter month
    (31 March less one month is 28 or 29 February, never 3 March)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _last_sessions(calendar_code: str, now: datetime, count: int) -> list[Session]:
    """The last ``count`` sessions that have opened by ``now``, the one in progress included."""
    found: list[Session] = []
    lookback = _FIVE_SESSIONS_LOOKBACK
    while len(found) < count and lookback < timedelta(days=366):
        found = [s for s in sessions_between(calendar_code, now - lookback, now) if s.open <= now]
        lookback *= 2
    if not found:
        raise CalendarError(f"no session of {calendar_code!r} in the year before {now:%Y-%m-%d}")
    return found[-count:]


def window_for(range_: ChartRange, calendar_code: str, now: datetime) -> RangeWindow:
    """The window and interval for ``range_`` on ``calendar_code``'s sessions at ``now``.

    1D is the session in progress, or the last one while the market is shut, at 1-minute
    bars; 5D the last five sessions at 5 minutes; both end at the last session's close. For
    24/7 markets, whose "session" would be a UTC day only minutes old just after midnight,
    1D and 5D are the last 24 hours and 5 days instead. 1M is hourly; 6M, YTD (from 1 January
    UTC), 1Y and 5Y are daily, and MAX is daily from 1970; these end at ``now``.

    Raises ``CalendarError`` for a calendar code exchange_calendars does not know.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    if range_ in (ChartRange.D1, ChartRange.D5):
        interval = Interval.M1 if range_ is ChartRange.D1 else Interval.M5
        if calendar_code == ALWAYS_OPEN:
            days = 1 if range_ is ChartRange.D1 else 5
            return RangeWindow(now - timedelta(days=days), now, interval)
        if range_ is ChartRange.D1:
            open_, close = current_or_last_session(calendar_code, now)
            return RangeWindow(open_, close, interval)
        sessions = _last_sessions(calendar_code, now, 5)
        return RangeWindow(sessions[0].open, sessions[-1].close, interval)
    if range_ is ChartRange.M1:
        return RangeWindow(_months_back(now, 1), now, Interval.H1)
    start = {
        ChartRange.M6: _months_back(now, 6),
        ChartRange.YTD: datetime(now.year, 1, 1, tzinfo=UTC),
        ChartRange.Y1: _months_back(now, 12),
        ChartRange.Y5: _months_back(now, 60),
        ChartRange.MAX: _EPOCH,
    }[range_]
    return RangeWindow(start, now, Interval.D1)


def parse_range(text: str | None) -> ChartRange:
    """A range from a query string, case-insensitively; 1D when none is given."""
    if text is None or not text.strip():
        return ChartRange.D1
    wanted = text.strip().upper()
    for range_ in ChartRange:
        if range_.value == wanted:
            return range_
    valid = ", ".join(r.value for r in ChartRange)
    raise ValueError(f"unknown chart range {text.strip()[:20]!r}; choose one of {valid}")
