"""When to fetch a feed next: as often as it publishes, as seldom as it asks, never giving up.

A wire feed that posts every few minutes and a blog that posts once a week should not be
polled alike, and a feed that is down should not be hammered, nor dropped for good (a
site that is down for a week comes back). This module turns what the last fetch saw into
the time of the next one; it is pure, so the scheduler, ``feeds list`` and the UI all get
the same answer.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

#: How many of the newest entries set the publishing pace; an archive feed's history from
#: years ago says nothing about how often it posts now.
RECENT_ENTRIES = 20


@dataclass(frozen=True)
class FetchOutcome:
    """What one fetch of a feed told us.

    ``max_age`` (Cache-Control) and ``retry_after`` are in seconds from ``fetched_at``.
    ``entry_times`` are the published times of the feed's entries; after a 304
    (``not_modified``) pass the ones stored from the last full fetch, so the pace is kept.
    ``gap`` says the feed showed none of the entries we had: more arrived between two
    fetches than it lists, so it is polled at ``min_interval`` until it overlaps again.
    ``status`` is the HTTP status of a failed fetch, when there was one.
    """

    ok: bool
    fetched_at: datetime
    ttl_minutes: int | None = None
    max_age: float | None = None
    retry_after: float | None = None
    entry_times: Sequence[datetime] = ()
    not_modified: bool = False
    gap: bool = False
    status: int | None = None


@dataclass(frozen=True)
class ScheduleSettings:
    """Bounds on the pace of fetching; the defaults are the back-off of SECURITY.md."""

    min_interval: timedelta = timedelta(minutes=5)
    default_interval: timedelta = timedelta(minutes=30)
    max_interval: timedelta = timedelta(hours=6)
    free_retries: int = 3
    retry_base: timedelta = timedelta(minutes=1)
    retry_max: timedelta = timedelta(hours=24)
    retry_after_min: timedelta = timedelta(minutes=1)
    retry_after_max: timedelta = timedelta(hours=24)
    unconditional_every: int = 10
    unconditional_after: timedelta = timedelta(days=1)

    def __post_init__(self) -> None:
        zero = timedelta(0)
        if not zero < self.min_interval <= self.default_interval <= self.max_interval:
            raise ValueError("need 0 < min_interval <= default_interval <= max_interval")
        if not zero < self.retry_base <= self.retry_max:
            raise ValueError("need 0 < retry_base <= retry_max")
        if not zero < self.retry_after_min <= self.retry_after_max:
            raise ValueError("need 0 < retry_after_min <= retry_after_max")
        if self.free_retries < 0:
            raise ValueError("free_retries must not be negative")
        if self.unconditional_every < 1 or self.unconditional_after <= zero:
            raise ValueError("need unconditional_every >= 1 and unconditional_after > 0")


DEFAULT_SETTINGS = ScheduleSettings()


def next_fetch(
    outcome: FetchOutcome,
    consecutive_failures: int,
    settings: ScheduleSettings = DEFAULT_SETTINGS,
) -> datetime:
    """When to fetch again; always strictly after ``outcome.fetched_at``.

    After a success (a 304 included) the publishing pace sets the interval: half the median
    gap between the newest entries, within [``min_interval``, ``max_interval``], or
    ``default_interval`` when the entries do not tell (fewer than two distinct dates);
    ``min_interval`` when the fetch found a gap (``outcome.gap``). The
    feed's ``<ttl>`` and Cache-Control max-age are floors, since a publisher that asks not
    to be polled sooner should not be; but they too stop at ``max_interval``, so a
    careless "max-age=31536000" cannot silence a feed for a year.

    After a failure, ``consecutive_failures`` counts it (a value below 1 is read as 1): the
    first ``free_retries`` failures retry after ``retry_base`` (a blip should not cost a
    morning's news), later ones double from there up to ``retry_max``. A Retry-After,
    clamped to [``retry_after_min``, ``retry_after_max``], wins when it is later. There is
    no failure count after which a feed is never fetched again.
    """
    if outcome.ok:
        delay = _success_delay(outcome, settings)
    else:
        delay = _failure_delay(outcome.retry_after, consecutive_failures, settings)
    return outcome.fetched_at + delay


def send_validators(
    *,
    trusted: bool,
    not_modified_count: int,
    last_full_fetch_at: datetime | None,
    now: datetime,
    settings: ScheduleSettings = DEFAULT_SETTINGS,
) -> bool:
    """Whether the next fetch of a feed is conditional (ETag, Last-Modified).

    Some servers answer 304 to every conditional request while their content changes, and
    a feed that trusted them would never see a new entry again. So, as Miniflux does, a
    fetch is unconditional after ``unconditional_every`` 304s in a row or when the last
    full body is older than ``unconditional_after``; and a feed whose validators were
    caught lying (``trusted`` False: an unconditional fetch after 304s brought new
    entries) is never fetched conditionally again.
    """
    if not trusted or not_modified_count >= settings.unconditional_every:
        return False
    return last_full_fetch_at is None or now - last_full_fetch_at < settings.unconditional_after


def host_backoff(
    outcome: FetchOutcome,
    consecutive_failures: int,
    settings: ScheduleSettings = DEFAULT_SETTINGS,
) -> datetime | None:
    """Until when the whole host of a failed fetch is left alone, or None.

    A 429 or a Retry-After speaks for the server, not for one feed: every feed on that
    host waits as long as this one (its :func:`next_fetch`), so a publisher with ten
    feeds is asked again once rather than ten times.
    """
    if outcome.ok or (outcome.status != 429 and outcome.retry_after is None):
        return None
    return next_fetch(outcome, consecutive_failures, settings)


def _success_delay(outcome: FetchOutcome, settings: ScheduleSettings) -> timedelta:
    if outcome.gap:
        return _floored(settings.min_interval, outcome, settings)
    gap = publishing_gap(outcome.entry_times, outcome.fetched_at)
    pace = settings.default_interval if gap is None else gap / 2
    return _floored(_clamp(pace, settings.min_interval, settings.max_interval), outcome, settings)


def _floored(delay: timedelta, outcome: FetchOutcome, settings: ScheduleSettings) -> timedelta:
    """``delay``, or the feed's ``<ttl>`` or max-age when later (up to ``max_interval``)."""
    floors = [
        _clamped_seconds(seconds, timedelta(0), settings.max_interval)
        for seconds in (
            None if outcome.ttl_minutes is None else outcome.ttl_minutes * 60.0,
            outcome.max_age,
        )
    ]
    return max([delay, *(floor for floor in floors if floor is not None)])


def _failure_delay(
    retry_after: float | None, consecutive_failures: int, settings: ScheduleSettings
) -> timedelta:
    doublings = max(consecutive_failures, 1) - settings.free_retries
    base = settings.retry_base.total_seconds()
    # Capping the exponent keeps the float finite; 2**64 is past any sensible retry_max.
    seconds = base * 2.0 ** min(max(doublings, 0), 64)
    delay = _clamped_seconds(seconds, settings.retry_base, settings.retry_max)
    asked = _clamped_seconds(retry_after, settings.retry_after_min, settings.retry_after_max)
    return max(d for d in (delay, asked) if d is not None)


def publishing_gap(entry_times: Sequence[datetime], now: datetime) -> timedelta | None:
    """The median gap (the lower middle one) between the ``RECENT_ENTRIES`` newest distinct
    entry times.

    Times after ``now`` are ignored (a feed dated in the future is wrong, not early), and
    so are repeats (feeds that stamp every item with the same time say nothing about their
    pace). None when fewer than two times remain.
    """
    times = sorted({t for t in entry_times if t <= now}, reverse=True)[:RECENT_ENTRIES]
    if len(times) < 2:
        return None
    gaps = [newer - older for newer, older in pairwise(times)]
    return statistics.median_low(gaps)


def _clamp(value: timedelta, low: timedelta, high: timedelta) -> timedelta:
    return min(max(value, low), high)


def _clamped_seconds(seconds: float | None, low: timedelta, high: timedelta) -> timedelta | None:
    """Seconds from a header or a feed as a timedelta within bounds; None when not a number.

    Clamped as a float first: ``timedelta(seconds=1e20)`` would overflow.
    """
    if seconds is None or math.isnan(seconds):
        return None
    bounded = min(max(seconds, low.total_seconds()), high.total_seconds())
    return timedelta(seconds=bounded)
