"""Market status, against instants worked out by hand from each exchange's published hours.

Reference week: Mon 2026-11-23 .. Sun 2026-11-29. New York is on EST (UTC-5), so the NYSE
trades 14:30-21:00 UTC; Thanksgiving is Thu 11-26 and Fri 11-27 closes at 13:00 ET (18:00 UTC).
London is on GMT (08:00-16:30 UTC). Tokyo (UTC+9) trades 00:00-06:30 UTC with lunch
02:30-03:30 UTC. CME Globex halts 17:00-18:00 ET (22:00-23:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickerwire.markets.calendar import (
    CalendarError,
    MarketState,
    banner_text,
    current_or_last_session,
    market_status,
    previous_session_close,
    sessions_between,
    us_market_status,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- NYSE regular hours and US extended hours -------------------------------------------


def test_nyse_is_open_on_a_regular_weekday_and_counts_down_to_the_close() -> None:
    status = us_market_status(utc(2026, 11, 24, 15))  # 10:00 ET
    assert status.state is MarketState.OPEN
    assert status.is_open
    assert (status.session_open, status.session_close) == (
        utc(2026, 11, 24, 14, 30),
        utc(2026, 11, 24, 21),
    )
    assert status.closes_in() == timedelta(hours=6)


def test_us_pre_market_starts_at_four_am_eastern() -> None:
    status = us_market_status(utc(2026, 11, 24, 9))  # 04:00 ET
    assert status.state is MarketState.PRE
    assert status.opens_in() == timedelta(hours=5, minutes=30)


def test_us_market_before_four_am_eastern_is_closed_overnight() -> None:
    status = us_market_status(utc(2026, 11, 24, 8, 59))  # 03:59 ET
    assert (status.state, status.reason) == (MarketState.CLOSED, "overnight")


def test_us_after_hours_run_until_eight_pm_eastern() -> None:
    status = us_market_status(utc(2026, 11, 24, 22))  # 17:00 ET
    assert status.state is MarketState.POST
    assert status.next_close == utc(2026, 11, 25, 1)  # 20:00 ET
    assert status.session_open == utc(2026, 11, 24, 14, 30)


def test_us_market_after_eight_pm_eastern_is_closed_until_the_next_open() -> None:
    status = us_market_status(utc(2026, 11, 25, 1))  # 20:00 ET
    assert (status.state, status.reason) == (MarketState.CLOSED, "overnight")
    assert status.next_open == utc(2026, 11, 25, 14, 30)


def test_weekend_counts_down_across_saturday_and_sunday_to_monday_open() -> None:
    status = market_status("XNYS", utc(2026, 11, 21, 12))  # Saturday
    assert (status.state, status.reason) == (MarketState.CLOSED, "weekend")
    assert status.next_open == utc(2026, 11, 23, 14, 30)
    assert status.opens_in() == timedelta(days=2, hours=2, minutes=30)


def test_thanksgiving_is_a_named_holiday_and_the_market_opens_friday() -> None:
    status = market_status("XNYS", utc(2026, 11, 26, 15))
    assert (status.state, status.reason) == (MarketState.CLOSED, "holiday")
    assert status.holiday == "Thanksgiving"
    assert status.next_open == utc(2026, 11, 27, 14, 30)


def test_there_is_no_pre_market_on_a_holiday() -> None:
    assert us_market_status(utc(2026, 11, 26, 10)).state is MarketState.CLOSED  # 05:00 ET


def test_day_after_thanksgiving_closes_early_at_one_pm_eastern() -> None:
    status = market_status("XNYS", utc(2026, 11, 27, 17))
    assert status.is_open
    assert status.early_close
    assert status.next_close == utc(2026, 11, 27, 18)


def test_after_hours_on_an_early_close_day_end_at_five_pm_eastern() -> None:
    assert us_market_status(utc(2026, 11, 27, 21, 59)).state is MarketState.POST
    assert us_market_status(utc(2026, 11, 27, 22)).state is MarketState.CLOSED


def test_spring_dst_switch_moves_the_nyse_open_from_1430_to_1330_utc() -> None:
    saturday = utc(2026, 3, 7, 12)  # DST starts Sunday 2026-03-08
    assert current_or_last_session("XNYS", saturday)[0] == utc(2026, 3, 6, 14, 30)
    assert market_status("XNYS", saturday).next_open == utc(2026, 3, 9, 13, 30)


def test_autumn_dst_switch_moves_the_nyse_open_from_1330_to_1430_utc() -> None:
    sunday = utc(2026, 11, 1, 12)  # DST ends this morning
    assert current_or_last_session("XNYS", sunday)[0] == utc(2026, 10, 30, 13, 30)
    assert market_status("XNYS", sunday).next_open == utc(2026, 11, 2, 14, 30)


def test_now_in_another_zone_is_answered_in_utc() -> None:
    eastern = datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("America/New_York"))
    status = market_status("XNYS", eastern)
    assert status.now == utc(2026, 11, 24, 15)
    assert status.now.tzinfo is UTC


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        market_status("XNYS", datetime(2026, 11, 24, 15))


def test_dates_beyond_the_library_default_range_are_answered() -> None:
    status = market_status("XNYS", utc(2035, 11, 22, 15))  # Thanksgiving 2035
    assert status.holiday == "Thanksgiving"
    assert status.next_open == utc(2035, 11, 23, 14, 30)


def test_unknown_calendar_code_raises_calendar_error() -> None:
    with pytest.raises(CalendarError):
        market_status("NOPE", utc(2026, 11, 24, 15))


# --- Sessions for charts and the previous close -----------------------------------------


def test_current_or_last_session_on_saturday_is_fridays() -> None:
    assert current_or_last_session("XNYS", utc(2026, 11, 21, 12)) == (
        utc(2026, 11, 20, 14, 30),
        utc(2026, 11, 20, 21),
    )


def test_previous_session_close_skips_the_weekend_to_fridays_early_close() -> None:
    monday = utc(2026, 11, 30, 15)
    assert previous_session_close("XNYS", monday) == utc(2026, 11, 27, 18)


# --- Other exchanges ---------------------------------------------------------------------


def test_london_is_open_mid_morning_in_winter() -> None:
    status = market_status("XLON", utc(2026, 11, 24, 10))
    assert status.is_open
    assert (status.session_open, status.session_close) == (
        utc(2026, 11, 24, 8),
        utc(2026, 11, 24, 16, 30),
    )


def test_london_opens_at_seven_utc_in_summer() -> None:
    assert market_status("XLON", utc(2026, 7, 1, 7)).is_open  # 08:00 BST


def test_london_is_closed_after_half_past_four() -> None:
    status = market_status("XLON", utc(2026, 11, 24, 16, 30))
    assert status.state is MarketState.CLOSED
    assert status.next_open == utc(2026, 11, 25, 8)


def test_tokyo_lunch_break_is_a_break_that_resumes_after_an_hour() -> None:
    status = market_status("XTKS", utc(2026, 11, 24, 3))  # 12:00 JST
    assert (status.state, status.reason) == (MarketState.BREAK, "lunch break")
    assert status.next_open == utc(2026, 11, 24, 3, 30)
    assert status.next_close == utc(2026, 11, 24, 6, 30)


def test_tokyo_morning_session_counts_down_to_lunch() -> None:
    status = market_status("XTKS", utc(2026, 11, 24, 1))  # 10:00 JST
    assert status.next_close == utc(2026, 11, 24, 2, 30)


def test_us_futures_pause_for_the_daily_maintenance_hour() -> None:
    status = market_status("us_futures", utc(2026, 11, 24, 22, 30))  # 17:30 ET
    assert (status.state, status.reason) == (MarketState.BREAK, "maintenance break")
    assert status.next_open == utc(2026, 11, 24, 23)


def test_us_futures_open_on_sunday_evening() -> None:
    before = market_status("us_futures", utc(2026, 11, 22, 22, 30))  # Sunday 17:30 ET
    assert (before.state, before.reason) == (MarketState.CLOSED, "weekend")
    assert before.next_open == utc(2026, 11, 22, 23)
    assert market_status("us_futures", utc(2026, 11, 22, 23)).is_open


def test_fx_is_closed_on_saturday_until_monday_midnight_utc() -> None:
    status = market_status("24/5", utc(2026, 11, 28, 12))
    assert (status.state, status.reason) == (MarketState.CLOSED, "weekend")
    assert status.next_open == utc(2026, 11, 30)


def test_fx_midweek_counts_down_to_the_weekend_not_to_midnight() -> None:
    assert market_status("24/5", utc(2026, 11, 25, 12)).next_close == utc(2026, 11, 28)


def test_crypto_is_open_on_sunday_and_never_closes() -> None:
    status = market_status("24/7", utc(2026, 11, 29, 12))
    assert status.is_open
    assert status.next_close is None
    assert status.closes_in() is None


def test_crypto_session_is_the_utc_day_and_its_previous_close_is_midnight() -> None:
    now = utc(2026, 11, 29, 12)
    assert current_or_last_session("24/7", now) == (utc(2026, 11, 29), utc(2026, 11, 30))
    assert previous_session_close("24/7", now) == utc(2026, 11, 29)


def test_any_other_exchange_calendar_code_works() -> None:
    assert market_status("XPAR", utc(2026, 11, 24, 10)).is_open  # 11:00 CET


# --- Banner ------------------------------------------------------------------------------


def test_banner_when_open() -> None:
    assert (
        banner_text(us_market_status(utc(2026, 11, 24, 20, 15)))
        == "U.S. markets open · closes in 45 min"
    )


def test_banner_when_closed_overnight() -> None:
    assert (
        banner_text(market_status("XNYS", utc(2026, 11, 24, 12, 17)))
        == "U.S. markets closed · opens in 2 h 13 min"
    )


def test_banner_in_pre_market() -> None:
    assert (
        banner_text(us_market_status(utc(2026, 11, 24, 13, 25)))
        == "U.S. markets pre-market · opens in 1 h 5 min"
    )


def test_banner_in_after_hours() -> None:
    assert (
        banner_text(us_market_status(utc(2026, 11, 24, 22)))
        == "U.S. markets after hours · closes in 3 h"
    )


def test_banner_on_a_holiday_names_it_and_the_reopening_time() -> None:
    assert (
        banner_text(us_market_status(utc(2026, 11, 26, 15)))
        == "U.S. markets closed for Thanksgiving · opens Fri 9:30 AM ET"
    )


def test_banner_for_crypto() -> None:
    assert banner_text(market_status("24/7", utc(2026, 11, 29, 12))) == "Crypto markets open 24/7"


def test_banner_for_fx_at_the_weekend() -> None:
    assert (
        banner_text(market_status("24/5", utc(2026, 11, 28, 12)))
        == "FX markets closed for the weekend · opens in 1 d 12 h"
    )


def test_banner_for_a_lunch_break() -> None:
    assert (
        banner_text(market_status("XTKS", utc(2026, 11, 24, 3)))
        == "Tokyo markets on a lunch break · reopens in 30 min"
    )


# --- Invariants --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    code=st.sampled_from(["XNYS", "XLON", "XTKS", "us_futures", "24/5"]),
    now=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC)),
)
def test_status_is_consistent_with_its_own_times(code: str, now: datetime) -> None:
    status = market_status(code, now)
    assert status.next_open is not None and status.next_open > status.now
    assert status.next_close is not None and status.next_close > status.now
    if status.is_open:
        assert status.session_open is not None and status.session_close is not None
        assert status.session_open <= status.now < status.session_close
        assert status.next_close <= status.session_close or code == "24/5"
    else:
        assert status.next_open < status.next_close


def test_sessions_between_lists_nyse_trading_days_skipping_weekend_and_holiday() -> None:
    sessions = sessions_between(
        "XNYS", datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    )
    assert [s.date.day for s in sessions] == [23, 24, 25, 27, 30]
    assert sessions[0].open == datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    assert sessions[3].close == datetime(2026, 11, 27, 18, 0, tzinfo=UTC)


def test_sessions_between_spans_a_year_end_without_gaps_or_repeats() -> None:
    sessions = sessions_between(
        "XLON", datetime(2026, 12, 28, tzinfo=UTC), datetime(2027, 1, 6, tzinfo=UTC)
    )
    days = [s.date for s in sessions]
    assert days == sorted(set(days))
    assert date(2027, 1, 1) not in days and date(2027, 1, 4) in days


def test_crypto_sessions_are_utc_days() -> None:
    sessions = sessions_between(
        "24/7", datetime(2026, 11, 21, 12, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC)
    )
    assert [(s.open.day, s.close.day) for s in sessions] == [(21, 22), (22, 23)]
