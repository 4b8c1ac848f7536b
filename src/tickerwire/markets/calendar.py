"""Market status from exchange calendars: open, closed, pre/post, breaks, holidays, next open.

The status of sixteen instruments is asked for on every page render, and building an
``exchange_calendars`` calendar takes a tenth of a second of pandas work. So each calendar is
built once per code and three-year window around the year asked about (calendars only cover
bounded ranges, so a fixed default range would fail for old or far-off dates), then flattened
into sorted lists of epoch seconds. A status call after that is a bisect and some arithmetic.

All instants going in must be timezone-aware; all instants coming out are UTC.
"""

from __future__ import annotations

import bisect
import warnings
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import exchange_calendars as xcals
import pandas as pd
from exchange_calendars.errors import CalendarError as _XcalsError
from exchange_calendars.us_futures_calendar import QuantopianUSFuturesCalendar

from tickerwire.humanize import duration

#: Calendar codes with special handling; every other exchange_calendars code works as-is.
ALWAYS_OPEN = "24/7"
US_FUTURES = "us_futures"
US_STOCKS = "XNYS"

_NEW_YORK = ZoneInfo("America/New_York")
_PRE_MARKET_START = time(4)
_AFTER_HOURS = timedelta(hours=4)
#: A gap between two sessions this short is a pause in trading, not a close (CME's hour).
_SHORT_PAUSE = 2 * 3600
_DAY = timedelta(days=1)

_LABELS = {
    "XNYS": "U.S.",
    "XNAS": "U.S.",
    US_FUTURES: "U.S. futures",
    "24/5": "FX",
    ALWAYS_OPEN: "Crypto",
    "XLON": "London",
    "XTKS": "Tokyo",
}


class CalendarError(ValueError):
    """A calendar code exchange_calendars does not know, or a date it cannot cover."""


class MarketState(StrEnum):
    OPEN = "open"
    PRE = "pre"
    POST = "post"
    BREAK = "break"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class MarketStatus:
    """Where a market stands at ``now``, and what happens next.

    ``session_open``/``session_close`` bound the session in progress (or, in pre-market and
    after hours, that day's regular session), else the next one. ``next_open`` and
    ``next_close`` are the next times trading starts and stops: a lunch break counts as a
    stop, back-to-back sessions (FX at midnight UTC) do not, and after hours the close is the
    end of the after-hours session. Both are None when they never come (crypto) or lie beyond
    what the calendar knows.
    """

    calendar: str
    state: MarketState
    now: datetime
    session_open: datetime | None
    session_close: datetime | None
    next_open: datetime | None
    next_close: datetime | None
    early_close: bool
    holiday: str | None
    reason: str

    @property
    def is_open(self) -> bool:
        return self.state is MarketState.OPEN

    def opens_in(self) -> timedelta | None:
        """Time until the regular market (re)opens; None while it is open."""
        if self.state is MarketState.OPEN or self.next_open is None:
            return None
        return self.next_open - self.now

    def closes_in(self) -> timedelta | None:
        """Time until trading stops, while the market is open or in after hours."""
        if self.state not in (MarketState.OPEN, MarketState.POST) or self.next_close is None:
            return None
        return self.next_close - self.now


class _GlobexCalendar(QuantopianUSFuturesCalendar):  # type: ignore[misc]
    """exchange_calendars' US futures, closing at 17:00 ET for CME's daily maintenance hour.

    The library's calendar runs 18:00 to 18:00 ET without a gap; Globex actually halts
    17:00-18:00 ET each weekday, and on Friday at 17:00 until Sunday 18:00.
    """

    close_times = ((None, time(17)),)


@dataclass(frozen=True, slots=True)
class _Schedule:
    """One calendar's sessions over a window, as plain lists indexed by session."""

    tz: ZoneInfo
    weekmask: str
    days: list[date]
    opens: list[int]
    closes: list[int]
    break_starts: list[int | None]
    break_ends: list[int | None]
    index: dict[date, int]
    early: frozenset[date]
    holidays: dict[date, str]

    def locate(self, t: float) -> tuple[int, bool]:
        """The session in progress at ``t`` and True, else the next session and False."""
        i = bisect.bisect_right(self.closes, t)
        if i >= len(self.closes):
            raise CalendarError("instant beyond the calendar's window")
        return i, self.opens[i] <= t

    def run_end(self, i: int) -> int:
        """The last session of the unbroken run starting at session ``i``."""
        while i + 1 < len(self.opens) and self.opens[i + 1] <= self.closes[i]:
            i += 1
        return i

    def first_stop(self, i: int, t: float) -> int:
        """When trading next stops, at or after ``t``, in or after session ``i``."""
        start = self.break_starts[i]
        if start is not None and t < start:
            return start
        return self.closes[self.run_end(i)]

    def restart_after(self, i: int, stop: int) -> int | None:
        """When trading restarts after it stopped at ``stop`` during session ``i``."""
        if stop == self.break_starts[i]:
            return self.break_ends[i]
        j = self.run_end(i) + 1
        return self.opens[j] if j < len(self.opens) else None

    def resumes_after_break(self, i: int, t: float) -> int | None:
        """The end of session ``i``'s break if ``t`` falls inside it, else None."""
        start, end = self.break_starts[i], self.break_ends[i]
        return end if start is not None and end is not None and start <= t < end else None

    def is_weekday(self, day: date) -> bool:
        return self.weekmask[day.weekday()] == "1"


def _seconds(times: pd.Series) -> list[int | None]:
    return [None if pd.isna(moment) else int(moment.timestamp()) for moment in times]


@lru_cache(maxsize=64)
def _schedule(code: str, year: int) -> _Schedule:
    start, end = date(year - 1, 1, 1), date(year + 1, 12, 31)
    try:
        with warnings.catch_warnings():
            # pandas 3 deprecations inside exchange_calendars itself, not in our use of it.
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pandas\.")
            if code == US_FUTURES:
                cal = _GlobexCalendar(start=start, end=end)
            else:
                cal = xcals.get_calendar(code, start=start, end=end)
            rules = cal.regular_holidays.rules if cal.regular_holidays is not None else []
            holidays = {day.date(): rule.name for rule in rules for day in rule.dates(start, end)}
    except (_XcalsError, ValueError) as error:
        raise CalendarError(f"calendar {code!r} around {year}: {error}") from error
    days = [label.date() for label in cal.sessions]
    return _Schedule(
        tz=ZoneInfo(str(cal.tz)),
        weekmask=cal.weekmask,
        days=days,
        opens=[int(moment.timestamp()) for moment in cal.opens],
        closes=[int(moment.timestamp()) for moment in cal.closes],
        break_starts=_seconds(cal.break_starts),
        break_ends=_seconds(cal.break_ends),
        index={day: i for i, day in enumerate(days)},
        early=frozenset(label.date() for label in cal.early_closes),
        holidays=holidays,
    )


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def _at(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _utc_day(now: datetime) -> tuple[datetime, datetime]:
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight, midnight + _DAY


def market_status(calendar_code: str, now: datetime) -> MarketStatus:
    """The regular-hours status of ``calendar_code`` at ``now`` (tz-aware)."""
    now = _utc(now)
    if calendar_code == ALWAYS_OPEN:
        day_open, day_close = _utc_day(now)
        return MarketStatus(
            calendar_code, MarketState.OPEN, now, day_open, day_close, None, None, False, None,
            "open around the clock",
        )  # fmt: skip
    sched = _schedule(calendar_code, now.year)
    t = now.timestamp()
    i, in_session = sched.locate(t)
    today = now.astimezone(sched.tz).date()
    holiday = None
    if today not in sched.index and sched.is_weekday(today):
        holiday = sched.holidays.get(today)

    def status(state: MarketState, stop: int, restart: float | None, reason: str) -> MarketStatus:
        return MarketStatus(
            calendar_code, state, now, _at(sched.opens[i]), _at(sched.closes[i]), _at(restart),
            _at(stop), sched.days[i] in sched.early, holiday, reason,
        )  # fmt: skip

    resume = sched.resumes_after_break(i, t) if in_session else None
    if resume is not None:
        return status(MarketState.BREAK, sched.first_stop(i, resume), resume, "lunch break")
    if in_session:
        stop = sched.first_stop(i, t)
        reason = "early close" if sched.days[i] in sched.early else "regular session"
        return status(MarketState.OPEN, stop, sched.restart_after(i, stop), reason)
    stop = sched.first_stop(i, sched.opens[i])
    if i > 0 and sched.opens[i] - sched.closes[i - 1] <= _SHORT_PAUSE:
        return status(MarketState.BREAK, stop, sched.opens[i], "maintenance break")
    return status(MarketState.CLOSED, stop, sched.opens[i], _closed_reason(sched, today, i, t))


def _closed_reason(sched: _Schedule, today: date, upcoming: int, t: float) -> str:
    """Why the market is shut today: a weekend, a holiday, an early close, or just night."""
    if today not in sched.index:
        return "holiday" if sched.is_weekday(today) else "weekend"
    if t < sched.opens[sched.index[today]]:
        return "overnight"
    day = today + _DAY
    while day < sched.days[upcoming]:
        if not sched.is_weekday(day):
            return "weekend"
        day += _DAY
    return "early close" if today in sched.early else "overnight"


def us_market_status(now: datetime) -> MarketStatus:
    """NYSE status with extended hours: pre-market 04:00 ET to the open, after hours for four
    hours after the close (16:00-20:00 ET, or 13:00-17:00 ET on early-close days), on trading
    days only. In both, the session fields describe that day's regular session.
    """
    status = market_status(US_STOCKS, now)
    if status.state is not MarketState.CLOSED:
        return status
    sched = _schedule(US_STOCKS, status.now.year)
    t = status.now.timestamp()
    upcoming, _ = sched.locate(t)
    day = sched.days[upcoming]
    pre_start = datetime.combine(day, _PRE_MARKET_START, _NEW_YORK)
    if pre_start <= status.now:
        return replace(status, state=MarketState.PRE, reason="pre-market")
    last = upcoming - 1
    post_end = sched.closes[last] + _AFTER_HOURS.total_seconds() if last >= 0 else t
    if t < post_end:
        return replace(
            status,
            state=MarketState.POST,
            session_open=_at(sched.opens[last]),
            session_close=_at(sched.closes[last]),
            next_close=_at(post_end),
            early_close=sched.days[last] in sched.early,
            reason="after hours",
        )
    return status


def _session_index(calendar_code: str, now: datetime) -> tuple[_Schedule, int]:
    sched = _schedule(calendar_code, now.year)
    i, in_session = sched.locate(now.timestamp())
    current = i if in_session else i - 1
    if current < 0:
        raise CalendarError(f"no session of {calendar_code!r} before {now.isoformat()}")
    return sched, current


def current_or_last_session(calendar_code: str, now: datetime) -> tuple[datetime, datetime]:
    """(open, close) in UTC of the session in progress, or else of the last complete one.

    For ``24/7`` (crypto) the session is the UTC calendar day containing ``now``.
    """
    now = _utc(now)
    if calendar_code == ALWAYS_OPEN:
        return _utc_day(now)
    sched, i = _session_index(calendar_code, now)
    return datetime.fromtimestamp(sched.opens[i], UTC), datetime.fromtimestamp(sched.closes[i], UTC)


def previous_session_close(calendar_code: str, now: datetime) -> datetime | None:
    """The close of the session before the current or last one: the "previous close".

    For ``24/7`` (crypto) sessions are UTC days, so this is the last UTC midnight.
    None when that session lies outside what the calendar covers.
    """
    now = _utc(now)
    if calendar_code == ALWAYS_OPEN:
        return _utc_day(now)[0]
    sched, i = _session_index(calendar_code, now)
    return _at(sched.closes[i - 1]) if i > 0 else None


@dataclass(frozen=True, slots=True)
class Session:
    """One trading session: its date label and its UTC open and close."""

    date: date
    open: datetime
    close: datetime


def sessions_between(calendar_code: str, start: datetime, end: datetime) -> list[Session]:
    """Sessions overlapping [start, end), oldest first: for history and backfills.

    For ``24/7`` (crypto) each UTC day is a session.
    """
    start, end = _utc(start), _utc(end)
    if end <= start:
        return []
    if calendar_code == ALWAYS_OPEN:
        day, _ = _utc_day(start)
        sessions = []
        while day < end:
            sessions.append(Session(day.date(), day, day + timedelta(days=1)))
            day += timedelta(days=1)
        return sessions
    found: dict[date, Session] = {}
    lo, hi = start.timestamp(), end.timestamp()
    for year in range(start.year, end.year + 1):
        sched = _schedule(calendar_code, year)
        first = bisect.bisect_right(sched.closes, lo)
        for i in range(first, len(sched.opens)):
            if sched.opens[i] >= hi:
                break
            if sched.days[i].year == year or sched.days[i] not in found:
                found[sched.days[i]] = Session(
                    sched.days[i], _at_utc(sched.opens[i]), _at_utc(sched.closes[i])
                )
    return [found[d] for d in sorted(found)]


def _at_utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def market_label(calendar_code: str) -> str:
    """The words a banner opens with: "U.S. markets", "London markets", "XPAR markets"."""
    return f"{_LABELS.get(calendar_code, calendar_code)} markets"


def _clock(calendar_code: str, instant: datetime) -> str:
    """``instant`` on the exchange's wall clock, e.g. "Fri 9:30 AM ET"."""
    zone = UTC if calendar_code == ALWAYS_OPEN else _schedule(calendar_code, instant.year).tz
    local = instant.astimezone(zone)
    abbreviation = "ET" if zone == _NEW_YORK else local.tzname()
    hour = local.hour % 12 or 12
    return f"{local:%a} {hour}:{local:%M} {local:%p} {abbreviation}"


def banner_text(status: MarketStatus) -> str:
    """The one-line market banner: state first, then the countdown that matters next."""
    label = market_label(status.calendar)
    opens_in, closes_in = status.opens_in(), status.closes_in()
    if status.state is MarketState.OPEN:
        if status.calendar == ALWAYS_OPEN:
            return f"{label} open 24/7"
        if closes_in is None:
            return f"{label} open"
        early = " early" if status.early_close else ""
        return f"{label} open · closes{early} in {duration(closes_in)}"
    if status.state is MarketState.POST and closes_in is not None:
        return f"{label} after hours · closes in {duration(closes_in)}"
    head = {
        MarketState.PRE: f"{label} pre-market",
        MarketState.POST: f"{label} after hours",
        MarketState.BREAK: f"{label} on a {status.reason}",
        MarketState.CLOSED: f"{label} closed",
    }[status.state]
    if status.state is MarketState.CLOSED and status.reason == "holiday":
        head += f" for {status.holiday}" if status.holiday else " for a holiday"
        if status.next_open is not None:
            return f"{head} · opens {_clock(status.calendar, status.next_open)}"
    if status.state is MarketState.CLOSED and status.reason == "weekend":
        head += " for the weekend"
    if opens_in is None:
        return head
    verb = "reopens" if status.state is MarketState.BREAK else "opens"
    return f"{head} · {verb} in {duration(opens_in)}"
