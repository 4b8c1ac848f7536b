"""The one wording of times and durations, used by pages, the API's text fields and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tickerwire import humanize

NOW = datetime(2026, 11, 24, 20, 5, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=2, minutes=13), "2 h 13 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(days=3, hours=4), "3 d 4 h"),
        (timedelta(hours=3), "3 h"),
        (timedelta(days=2), "2 d"),
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=44, seconds=1), "45 min"),
        (timedelta(0), "0 min"),
    ],
)
def test_a_duration_reads_in_at_most_two_units_rounded_up(delta: timedelta, text: str) -> None:
    assert humanize.duration(delta) == text


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError):
        humanize.duration(timedelta(minutes=-1))


@pytest.mark.parametrize(
    ("delay", "text"),
    [
        (14 * MINUTE, "in 14 min"),
        (2 * HOUR + 5 * MINUTE, "in 2 h 5 min"),
        (timedelta(seconds=20), "in 1 min"),
        (timedelta(0), "now"),
        (-HOUR, "now"),
    ],
)
def test_until_says_when_or_now_once_due(delay: timedelta, text: str) -> None:
    assert humanize.until(NOW + delay, NOW) == text


def test_until_can_word_a_due_moment_its_own_way() -> None:
    assert humanize.until(NOW - MINUTE, NOW, due="due now") == "due now"
    assert humanize.until(None, NOW) == "never"


@pytest.mark.parametrize(
    ("since", "text"),
    [(timedelta(seconds=30), "just now"), (5 * MINUTE, "5 min ago"), (26 * HOUR, "1 d 2 h ago")],
)
def test_ago_says_how_long_since(since: timedelta, text: str) -> None:
    assert humanize.ago(NOW - since, NOW) == text


def test_clock_time_reads_the_injected_clock_not_the_wall_clock() -> None:
    moment = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
    assert humanize.clock_time(moment, "America/New_York", NOW) == "4:00 PM EST"
    next_day = NOW + timedelta(days=1)
    assert humanize.clock_time(moment, "America/New_York", next_day) == "Nov 24, 4:00 PM EST"
    next_year = NOW + timedelta(days=400)
    assert humanize.clock_time(moment, "America/New_York", next_year) == "Nov 24, 2026"


def test_clock_time_decides_today_in_the_readers_zone() -> None:
    moment = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)  # NOW is already Nov 25 in Tokyo
    assert humanize.clock_time(moment, "America/New_York", NOW) == "9:30 AM EST"
    assert humanize.clock_time(moment, "Asia/Tokyo", NOW) == "Nov 24, 11:30 PM JST"
