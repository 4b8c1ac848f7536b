"""next_fetch: as often as a feed publishes, as seldom as it asks, and never giving up;
send_validators: 304s believed only so far; host_backoff: one back-off per publisher."""

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickerwire.news.schedule import (
    RECENT_ENTRIES,
    FetchOutcome,
    ScheduleSettings,
    host_backoff,
    next_fetch,
    publishing_gap,
    send_validators,
)

FETCHED = datetime(2026, 5, 5, 14, 0, tzinfo=UTC)
SETTINGS = ScheduleSettings()
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def every(gap: timedelta, count: int = 12, *, last: datetime = FETCHED) -> list[datetime]:
    """Entry times of a feed that published every ``gap``, the newest at ``last``."""
    return [last - n * gap for n in range(count)]


def success(**fields: object) -> FetchOutcome:
    return FetchOutcome(ok=True, fetched_at=FETCHED, **fields)


def failure(retry_after: float | None = None) -> FetchOutcome:
    return FetchOutcome(ok=False, fetched_at=FETCHED, retry_after=retry_after)


# success: the publishing pace -------------------------------------------------------------


def test_feed_publishing_every_ten_minutes_is_fetched_every_five() -> None:
    outcome = success(entry_times=every(10 * MINUTE))
    assert next_fetch(outcome, 0) == FETCHED + 5 * MINUTE


def test_feed_publishing_every_two_hours_is_fetched_every_hour() -> None:
    outcome = success(entry_times=every(2 * HOUR))
    assert next_fetch(outcome, 0) == FETCHED + HOUR


def test_feed_publishing_daily_is_fetched_at_the_longest_interval() -> None:
    outcome = success(entry_times=every(timedelta(days=1)))
    assert next_fetch(outcome, 0) == FETCHED + SETTINGS.max_interval


def test_feed_publishing_every_minute_is_fetched_at_the_shortest_interval() -> None:
    outcome = success(entry_times=every(MINUTE))
    assert next_fetch(outcome, 0) == FETCHED + SETTINGS.min_interval


def test_feed_without_dates_is_fetched_at_the_default_interval() -> None:
    assert next_fetch(success(), 0) == FETCHED + SETTINGS.default_interval


def test_one_dated_entry_says_nothing_about_the_pace() -> None:
    outcome = success(entry_times=[FETCHED - HOUR])
    assert next_fetch(outcome, 0) == FETCHED + SETTINGS.default_interval


def test_entries_all_stamped_alike_say_nothing_about_the_pace() -> None:
    outcome = success(entry_times=[FETCHED - HOUR] * 10)
    assert next_fetch(outcome, 0) == FETCHED + SETTINGS.default_interval


def test_future_dates_are_ignored() -> None:
    times = every(2 * HOUR) + every(MINUTE, last=FETCHED + timedelta(days=30))
    assert publishing_gap(times, FETCHED) == 2 * HOUR


def test_only_recent_entries_set_the_pace() -> None:
    archive = every(timedelta(days=7), 100, last=FETCHED - timedelta(days=7))
    recent = every(20 * MINUTE, RECENT_ENTRIES)
    assert publishing_gap(archive + recent, FETCHED) == 20 * MINUTE


def test_median_pace_ignores_one_overnight_lull() -> None:
    times = every(20 * MINUTE, 6) + every(20 * MINUTE, 6, last=FETCHED - 14 * HOUR)
    assert publishing_gap(times, FETCHED) == 20 * MINUTE


def test_not_modified_keeps_the_pace_of_the_stored_entries() -> None:
    outcome = success(not_modified=True, entry_times=every(2 * HOUR))
    assert next_fetch(outcome, 0) == FETCHED + HOUR


# success: what the publisher asks ---------------------------------------------------------


def test_ttl_is_a_floor() -> None:
    outcome = success(entry_times=every(10 * MINUTE), ttl_minutes=60)
    assert next_fetch(outcome, 0) == FETCHED + HOUR


def test_cache_control_max_age_is_a_floor() -> None:
    outcome = success(entry_times=every(10 * MINUTE), max_age=2 * 3600.0)
    assert next_fetch(outcome, 0) == FETCHED + 2 * HOUR


def test_a_faster_pace_never_overrides_the_publishers_floor() -> None:
    outcome = success(entry_times=every(10 * MINUTE), ttl_minutes=30, max_age=2700.0)
    assert next_fetch(outcome, 0) == FETCHED + 45 * MINUTE


def test_a_short_ttl_does_not_speed_up_a_slow_feed() -> None:
    outcome = success(entry_times=every(2 * HOUR), ttl_minutes=5, max_age=0.0)
    assert next_fetch(outcome, 0) == FETCHED + HOUR


def test_a_year_long_max_age_is_clamped_to_the_longest_interval() -> None:
    outcome = success(max_age=365 * 24 * 3600.0)
    assert next_fetch(outcome, 0) == FETCHED + SETTINGS.max_interval


def test_a_huge_ttl_is_clamped_to_the_longest_interval() -> None:
    outcome = success(ttl_minutes=10**15)
    assert next_fetch(outcome, 0) == FETCHED + SETTINGS.max_interval


def test_past_failures_do_not_slow_a_successful_fetch() -> None:
    outcome = success(entry_times=every(10 * MINUTE))
    assert next_fetch(outcome, 40) == next_fetch(outcome, 0)


# failure: back-off ------------------------------------------------------------------------


@pytest.mark.parametrize("failures", range(1, SETTINGS.free_retries + 1))
def test_first_failures_retry_soon(failures: int) -> None:
    assert next_fetch(failure(), failures) == FETCHED + SETTINGS.retry_base


@pytest.mark.parametrize("extra", [1, 2, 3, 5])
def test_later_failures_double_the_wait(extra: int) -> None:
    failures = SETTINGS.free_retries + extra
    assert next_fetch(failure(), failures) == FETCHED + SETTINGS.retry_base * 2**extra


@pytest.mark.parametrize("failures", [20, 10**6])
def test_the_wait_stops_growing_at_the_maximum(failures: int) -> None:
    assert next_fetch(failure(), failures) == FETCHED + SETTINGS.retry_max


def test_a_failure_count_of_zero_is_read_as_the_first_failure() -> None:
    assert next_fetch(failure(), 0) == next_fetch(failure(), 1)


def test_retry_after_wins_when_later() -> None:
    assert next_fetch(failure(retry_after=600.0), 1) == FETCHED + 10 * MINUTE


def test_back_off_wins_when_later_than_retry_after() -> None:
    failures = SETTINGS.free_retries + 6
    expected = FETCHED + SETTINGS.retry_base * 2**6
    assert next_fetch(failure(retry_after=120.0), failures) == expected


def test_retry_after_in_the_past_is_raised_to_its_minimum() -> None:
    outcome = failure(retry_after=-3600.0)
    assert next_fetch(outcome, 1) == FETCHED + SETTINGS.retry_after_min


def test_small_retry_after_is_raised_to_its_minimum() -> None:
    assert next_fetch(failure(retry_after=5.0), 1) == FETCHED + SETTINGS.retry_after_min


@pytest.mark.parametrize("seconds", [10.0 * 24 * 3600, 1e20, math.inf])
def test_huge_retry_after_is_cut_to_its_maximum(seconds: float) -> None:
    assert next_fetch(failure(retry_after=seconds), 1) == FETCHED + SETTINGS.retry_after_max


def test_retry_after_that_is_not_a_number_is_ignored() -> None:
    assert next_fetch(failure(retry_after=math.nan), 1) == next_fetch(failure(), 1)


def test_custom_settings_change_the_back_off() -> None:
    settings = ScheduleSettings(free_retries=0, retry_base=10 * MINUTE)
    assert next_fetch(failure(), 1, settings) == FETCHED + 20 * MINUTE


@pytest.mark.parametrize(
    "fields",
    [
        {"min_interval": timedelta(0)},
        {"min_interval": HOUR, "default_interval": 30 * MINUTE},
        {"max_interval": MINUTE},
        {"retry_base": timedelta(days=2)},
        {"retry_after_min": timedelta(days=2)},
        {"free_retries": -1},
    ],
)
def test_inconsistent_settings_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ScheduleSettings(**fields)


_MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_SECONDS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))


@given(
    ok=st.booleans(),
    fetched_at=_MOMENTS,
    ttl_minutes=st.one_of(st.none(), st.integers(min_value=-(10**9), max_value=10**12)),
    max_age=_SECONDS,
    retry_after=_SECONDS,
    entry_times=st.lists(_MOMENTS, max_size=30),
    not_modified=st.booleans(),
    failures=st.integers(min_value=-5, max_value=10**9),
)
def test_next_fetch_is_always_after_this_one_and_within_a_day(
    ok: bool,
    fetched_at: datetime,
    ttl_minutes: int | None,
    max_age: float | None,
    retry_after: float | None,
    entry_times: list[datetime],
    not_modified: bool,
    failures: int,
) -> None:
    outcome = FetchOutcome(
        ok=ok,
        fetched_at=fetched_at,
        ttl_minutes=ttl_minutes,
        max_age=max_age,
        retry_after=retry_after,
        entry_times=entry_times,
        not_modified=not_modified,
    )
    next_at = next_fetch(outcome, failures)
    assert fetched_at < next_at <= fetched_at + timedelta(hours=24)


# gaps, conditional fetches, per-host back-off ------------------------------------------------


def test_a_fetch_that_found_a_gap_is_followed_at_the_shortest_interval() -> None:
    outcome = success(entry_times=every(HOUR), gap=True)
    assert next_fetch(outcome, 0) == FETCHED + SETTINGS.min_interval


def test_a_gap_still_honours_the_feeds_ttl() -> None:
    assert next_fetch(success(gap=True, ttl_minutes=20), 0) == FETCHED + 20 * MINUTE


def conditional(**state: object) -> bool:
    values: dict[str, object] = {
        "trusted": True,
        "not_modified_count": 0,
        "last_full_fetch_at": FETCHED - HOUR,
        "now": FETCHED,
    }
    return send_validators(**(values | state))  # type: ignore[arg-type]


def test_validators_are_sent_while_they_are_trusted_and_fresh() -> None:
    assert conditional() is True


def test_after_n_304s_in_a_row_the_fetch_is_unconditional() -> None:
    assert conditional(not_modified_count=SETTINGS.unconditional_every - 1) is True
    assert conditional(not_modified_count=SETTINGS.unconditional_every) is False


def test_a_day_without_a_full_body_makes_the_fetch_unconditional() -> None:
    last = FETCHED - SETTINGS.unconditional_after
    assert conditional(last_full_fetch_at=last) is False


def test_validators_that_lied_are_never_sent() -> None:
    assert conditional(trusted=False) is False


def test_a_429_backs_off_the_whole_host_until_the_feeds_next_try() -> None:
    outcome = FetchOutcome(ok=False, fetched_at=FETCHED, status=429)
    assert host_backoff(outcome, 1) == next_fetch(outcome, 1)


def test_a_retry_after_on_any_status_backs_off_the_host_for_that_long() -> None:
    outcome = FetchOutcome(ok=False, fetched_at=FETCHED, status=503, retry_after=7200)
    assert host_backoff(outcome, 1) == FETCHED + 2 * HOUR


def test_an_ordinary_failure_backs_off_only_its_feed() -> None:
    assert host_backoff(FetchOutcome(ok=False, fetched_at=FETCHED, status=500), 1) is None
