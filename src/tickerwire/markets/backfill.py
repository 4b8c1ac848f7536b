"""Filling history from the providers: daily bars for the whole range asked for, and the
finer intervals only as far back as charts use them (and providers serve them).

Every bar is written with an upsert, so running a backfill twice, or after the poller has
already written some bars, changes nothing that was right.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tickerwire.instruments import Instrument
from tickerwire.markets import calendar
from tickerwire.markets.providers.chain import FailoverChain
from tickerwire.markets.quotes import Interval
from tickerwire.store.markets import MarketStore

_SPAN = re.compile(r"^\s*(\d+)\s*(d|w|mo|m|y)\s*$", re.IGNORECASE)
_UNIT_DAYS = {"d": 1, "w": 7, "mo": 30, "m": 30, "y": 365}
MAX_DAYS = 365 * 60

#: How far back each finer interval is worth fetching: what the chart ranges show (1-minute
#: bars reach back to the open of the current or last session; see ``plan``).
FINE_WINDOWS = {
    Interval.H1: timedelta(days=31),
    Interval.M5: timedelta(days=7),
}
DAILY_CHUNK = timedelta(days=366)


def parse_span(text: str) -> timedelta:
    """'5y', '6mo', '30d', '2w' or 'max' as a length of time."""
    if text.strip().lower() == "max":
        return timedelta(days=MAX_DAYS)
    match = _SPAN.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a range: use e.g. 30d, 6mo, 5y or max")
    count, unit = int(match.group(1)), match.group(2).lower()
    if count <= 0:
        raise ValueError("a range must be longer than zero")
    return timedelta(days=min(count * _UNIT_DAYS[unit], MAX_DAYS))


@dataclass(frozen=True)
class BackfillStep:
    instrument: Instrument
    interval: Interval
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return f"{self.instrument.symbol} {self.interval.value} from {self.start.date()}"


def plan(instruments: list[Instrument], span: timedelta, now: datetime) -> list[BackfillStep]:
    """The requests to make, oldest daily chunk first, so progress is visible early."""
    steps = []
    for instrument in instruments:
        start = now - span
        chunk_start = start
        while chunk_start < now:
            chunk_end = min(chunk_start + DAILY_CHUNK, now)
            steps.append(BackfillStep(instrument, Interval.D1, chunk_start, chunk_end))
            chunk_start = chunk_end
        for interval, window in FINE_WINDOWS.items():
            steps.append(BackfillStep(instrument, interval, max(start, now - window), now))
        session_open, _ = calendar.current_or_last_session(instrument.calendar, now)
        minutes_from = min(session_open, now - timedelta(days=1))
        steps.append(BackfillStep(instrument, Interval.M1, max(start, minutes_from), now))
    return steps


async def run(
    steps: list[BackfillStep],
    chain: FailoverChain,
    store: MarketStore,
    *,
    progress: Callable[[BackfillStep, int], None] | None = None,
) -> int:
    """Fetch and store every step; returns how many bars were written."""
    written = 0
    for step in steps:
        bars = await chain.history(step.instrument, step.start, step.end, step.interval)
        count = await asyncio.to_thread(store.save_bars, bars)
        written += count
        if progress is not None:
            progress(step, count)
    return written
