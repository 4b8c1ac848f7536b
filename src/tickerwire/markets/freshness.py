"""When a quote counts as stale: judged against its own market's hours, not the wall clock.

A Friday close shown on Sunday is not stale (it is the latest there is); a quote fifteen
minutes old while its market trades is. A once-a-day number (a fixing, an end-of-day value)
is judged by its own rhythm instead: stale once it is older than a long weekend, when the
next one should have come.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tickerwire.instruments import Instrument
from tickerwire.markets import calendar
from tickerwire.markets.quotes import PriceKind, Quote

DAILY_VALUE_FRESH = timedelta(days=4)
"""How long a daily number stays the latest there should be: a Friday value through a
Monday holiday."""


def is_stale(instrument: Instrument, quote: Quote, now: datetime, stale_after: timedelta) -> bool:
    if quote.provider == "replay":
        return False
    if quote.kind is not PriceKind.INTRADAY:
        return quote.age(now) > DAILY_VALUE_FRESH
    status = calendar.market_status(instrument.calendar, now)
    if status.is_open:
        return quote.age(now) > stale_after
    _, last_close = calendar.current_or_last_session(instrument.calendar, now)
    return quote.as_of < last_close - stale_after
