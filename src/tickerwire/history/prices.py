"""Each instrument's price at a past moment, from the bars stored for it.

The quotes table keeps only the newest quote per symbol, but the poller folds every quote
into the 1-minute bar of its minute, so the minute bars are the quote history (kept
``poll.bar_retention_days``) and the daily bars go back as far as a backfill reached. A
bar counts only once it had ended by the moment: a bar still open then would carry prices
from after it. A daily bar counts once its session had closed, so a price taken from one
is that session's close.

The previous close, against which the change is shown, is the close of the session before
the moment's, found the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select

from tickerwire.instruments import Instrument
from tickerwire.markets import calendar
from tickerwire.markets.providers.simulated import NAME as SIMULATED
from tickerwire.markets.quotes import Interval, Quote
from tickerwire.store.schema import bars

INTRADAY = (Interval.M1, Interval.M5, Interval.H1)
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Close:
    """A bar's close and the moment it was the price: when the bar (or session) ended."""

    price: float
    at: datetime
    provider: str


def _last_intraday(connection: Connection, symbol: str, moment: datetime) -> Close | None:
    """The latest intraday bar, of any interval, that had ended by ``moment``."""
    best: Close | None = None
    for interval in INTRADAY:
        row = connection.execute(
            select(bars.c.start, bars.c.close, bars.c.provider)
            .where(
                bars.c.symbol == symbol,
                bars.c.interval == interval.value,
                bars.c.start <= moment - interval.delta,
            )
            .order_by(bars.c.start.desc())
            .limit(1)
        ).first()
        if row is not None and (best is None or row.start + interval.delta > best.at):
            best = Close(float(row.close), row.start + interval.delta, row.provider)
    return best


def _last_daily(connection: Connection, instrument: Instrument, settled: datetime) -> Close | None:
    """The latest daily bar labelled before ``settled``, a session close: its session
    had closed by then."""
    row = connection.execute(
        select(bars.c.start, bars.c.close, bars.c.provider)
        .where(
            bars.c.symbol == instrument.symbol,
            bars.c.interval == Interval.D1.value,
            bars.c.start < settled,
        )
        .order_by(bars.c.start.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return Close(float(row.close), _session_close(instrument, row.start, settled), row.provider)


def _session_close(instrument: Instrument, label: datetime, settled: datetime) -> datetime:
    """When the session of the daily bar labelled ``label`` closed (not after ``settled``)."""
    try:
        sessions = calendar.sessions_between(instrument.calendar, label, label + _DAY)
    except calendar.CalendarError:
        sessions = []
    ends = [s.close for s in sessions if s.date == label.date()]
    return min(ends[0] if ends else label + _DAY, settled)


def settled_by(instrument: Instrument, moment: datetime) -> datetime | None:
    """The last session close at or before ``moment``: daily bars labelled before it are
    whole. None when the calendar does not reach back that far."""
    try:
        _opens, closes = calendar.current_or_last_session(instrument.calendar, moment)
        if closes <= moment:
            return closes
        return calendar.previous_session_close(instrument.calendar, moment)
    except calendar.CalendarError:
        return None


def close_at(connection: Connection, instrument: Instrument, moment: datetime) -> Close | None:
    """The instrument's last price known at ``moment``: an intraday bar's close or, when
    a session's close is later than any intraday bar, its daily close."""
    intraday = _last_intraday(connection, instrument.symbol, moment)
    settled = settled_by(instrument, moment)
    if settled is None or (intraday is not None and intraday.at >= settled):
        return intraday
    daily = _last_daily(connection, instrument, settled)
    if daily is None or (intraday is not None and intraday.at >= daily.at):
        return intraday
    return daily


def previous_close_at(
    connection: Connection, instrument: Instrument, moment: datetime
) -> float | None:
    """The close of the session before the one in progress (or last ended) at ``moment``."""
    try:
        before = calendar.previous_session_close(instrument.calendar, moment)
    except calendar.CalendarError:
        return None
    if before is None:
        return None
    found = close_at(connection, instrument, before)
    return found.price if found is not None and found.at > before - _DAY else None


def quotes_at(engine: Engine, instruments: list[Instrument], moment: datetime) -> dict[str, Quote]:
    """A quote per instrument as the portal knew it at ``moment``; an instrument with no
    bar ended by then is left out."""
    found: dict[str, Quote] = {}
    with engine.connect() as connection:
        for instrument in instruments:
            close = close_at(connection, instrument, moment)
            if close is None:
                continue
            found[instrument.symbol] = Quote(
                symbol=instrument.symbol,
                price=close.price,
                as_of=close.at,
                provider=close.provider,
                previous_close=previous_close_at(connection, instrument, moment),
                simulated=close.provider == SIMULATED,
                fetched_at=close.at,
            )
    return found


def session_closes_at(engine: Engine, instrument: Instrument, moment: datetime) -> list[float]:
    """The minute closes of the session in progress at ``moment``, up to it: the past
    view's sparkline."""
    try:
        opens, closes = calendar.current_or_last_session(instrument.calendar, moment)
    except calendar.CalendarError:
        return []
    end = min(closes, moment - Interval.M1.delta + timedelta(microseconds=1))
    with engine.connect() as connection:
        rows = connection.execute(
            select(bars.c.close)
            .where(
                bars.c.symbol == instrument.symbol,
                bars.c.interval == Interval.M1.value,
                bars.c.start >= opens,
                bars.c.start < end,
            )
            .order_by(bars.c.start)
        )
        return [float(close) for (close,) in rows]


def earliest_bar(engine: Engine, interval: Interval) -> datetime | None:
    """When the oldest stored bar of ``interval`` started: before it there is no such data."""
    with engine.connect() as connection:
        value: datetime | None = connection.execute(
            select(bars.c.start)
            .where(bars.c.interval == interval.value)
            .order_by(bars.c.start)
            .limit(1)
        ).scalar()
    return value
