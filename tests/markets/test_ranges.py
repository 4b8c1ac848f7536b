"""Chart ranges, against sessions worked out by hand from each exchange's published hours.

Reference weeks: Thu 2026-11-12 .. Sat 2026-11-28. New York is on EST, so the NYSE trades
09:30-16:00 ET; Thanksgiving is Thu 11-26 and Fri 11-27 closes at 13:00 ET. Tokyo trades
09:00-15:30 JST with lunch 11:30-12:30; Mon 11-23 is Labour Thanksgiving Day there.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickerwire.markets.calendar import CalendarError
from tickerwire.markets.quotes import Interval
from tickerwire.markets.ranges import ChartRange, RangeWindow, parse_range, window_for

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")

WEDNESDAY_MORNING_NY = datetime(2026, 11, 18, 10, 0, tzinfo=NY)
SATURDAY_NY = datetime(2026, 11, 21, 12, 0, tzinfo=NY)


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def tokyo(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TOKYO)


def test_one_day_while_open_is_todays_session_at_one_minute() -> None:
    window = window_for(ChartRange.D1, "XNYS", WEDNESDAY_MORNING_NY)
    assert window == RangeWindow(ny(18, 9, 30), ny(18, 16), Interval.M1)


def test_one_day_on_a_weekend_is_fridays_session() -> None:
    window = window_for(ChartRange.D1, "XNYS", SATURDAY_NY)
    assert (window.start, window.end) == (ny(20, 9, 30), ny(20, 16))


def test_one_day_before_the_open_is_the_previous_session() -> None:
    window = window_for(ChartRange.D1, "XNYS", ny(18, 8, 0))
    assert (window.start, window.end) == (ny(17, 9, 30), ny(17, 16))


def test_one_day_after_an_early_close_ends_at_the_early_close() -> None:
    window = window_for(ChartRange.D1, "XNYS", ny(27, 15, 0))
    assert (window.start, window.end) == (ny(27, 9, 30), ny(27, 13))


def test_five_days_while_open_counts_todays_session_at_five_minutes() -> None:
    window = window_for(ChartRange.D5, "XNYS", WEDNESDAY_MORNING_NY)
    assert window == RangeWindow(ny(12, 9, 30), ny(18, 16), Interval.M5)


def test_five_days_on_a_weekend_is_the_week_just_ended() -> None:
    window = window_for(ChartRange.D5, "XNYS", SATURDAY_NY)
    assert (window.start, window.end) == (ny(16, 9, 30), ny(20, 16))


def test_five_days_skip_a_holiday() -> None:
    window = window_for(ChartRange.D5, "XNYS", datetime(2026, 11, 28, 12, tzinfo=NY))
    assert (window.start, window.end) == (ny(20, 9, 30), ny(27, 13))


def test_one_day_in_tokyos_lunch_break_is_the_session_in_progress() -> None:
    window = window_for(ChartRange.D1, "XTKS", tokyo(18, 12, 0))
    assert (window.start, window.end) == (tokyo(18, 9), tokyo(18, 15, 30))


def test_five_days_in_tokyo_skip_a_japanese_holiday() -> None:
    window = window_for(ChartRange.D5, "XTKS", tokyo(24, 16, 0))
    assert (window.start, window.end) == (tokyo(17, 9), tokyo(24, 15, 30))


def test_short_ranges_around_the_clock_are_rolling_windows_ending_now() -> None:
    now = datetime(2026, 11, 18, 0, 5, tzinfo=UTC)
    assert window_for(ChartRange.D1, "24/7", now) == RangeWindow(
        now - timedelta(days=1), now, Interval.M1
    )
    assert window_for(ChartRange.D5, "24/7", now) == RangeWindow(
        now - timedelta(days=5), now, Interval.M5
    )


@pytest.mark.parametrize("calendar", ["XNYS", "XTKS", "24/7"])
@pytest.mark.parametrize(
    ("range_", "start", "interval"),
    [
        (ChartRange.M1, datetime(2026, 10, 18, 15, tzinfo=UTC), Interval.H1),
        (ChartRange.M6, datetime(2026, 5, 18, 15, tzinfo=UTC), Interval.D1),
        (ChartRange.YTD, datetime(2026, 1, 1, tzinfo=UTC), Interval.D1),
        (ChartRange.Y1, datetime(2025, 11, 18, 15, tzinfo=UTC), Interval.D1),
        (ChartRange.Y5, datetime(2021, 11, 18, 15, tzinfo=UTC), Interval.D1),
        (ChartRange.MAX, datetime(1970, 1, 1, tzinfo=UTC), Interval.D1),
    ],
)
def test_long_ranges_are_calendar_spans_ending_now(
    calendar: str, range_: ChartRange, start: datetime, interval: Interval
) -> None:
    now = WEDNESDAY_MORNING_NY
    assert window_for(range_, calendar, now) == RangeWindow(start, now, interval)


def test_a_month_back_from_the_31st_clamps_to_the_end_of_february() -> None:
    now = datetime(2028, 3, 31, 12, tzinfo=UTC)
    assert window_for(ChartRange.M1, "XNYS", now).start == datetime(2028, 2, 29, 12, tzinfo=UTC)


def test_five_years_back_from_a_leap_day_lands_on_the_28th() -> None:
    now = datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert window_for(ChartRange.Y5, "XNYS", now).start == datetime(2023, 2, 28, 12, tzinfo=UTC)


def test_windows_are_in_utc() -> None:
    window = window_for(ChartRange.D1, "XNYS", WEDNESDAY_MORNING_NY)
    assert window.start.tzinfo is UTC and window.end.tzinfo is UTC


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        window_for(ChartRange.D1, "XNYS", datetime(2026, 11, 18, 15))


def test_an_unknown_calendar_is_a_calendar_error() -> None:
    with pytest.raises(CalendarError):
        window_for(ChartRange.D5, "NOPE", WEDNESDAY_MORNING_NY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1D", ChartRange.D1),
        ("5d", ChartRange.D5),
        ("ytd", ChartRange.YTD),
        (" 1y ", ChartRange.Y1),
        ("Max", ChartRange.MAX),
        ("6M", ChartRange.M6),
    ],
)
def test_parse_range_ignores_case_and_surrounding_space(text: str, expected: ChartRange) -> None:
    assert parse_range(text) is expected


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_range_defaults_to_one_day(text: str | None) -> None:
    assert parse_range(text) is ChartRange.D1


@pytest.mark.parametrize("text", ["2D", "1W", "<script>", "1d;drop"])
def test_parse_range_refuses_unknown_ranges_naming_the_valid_ones(text: str) -> None:
    with pytest.raises(ValueError, match="1D, 5D, 1M, 6M, YTD, 1Y, 5Y, MAX"):
        parse_range(text)
