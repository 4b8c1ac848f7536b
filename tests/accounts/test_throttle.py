"""When sign-in waits for too many failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tickerwire.accounts.throttle import retry_after_seconds, wait

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_fewer_failures_than_the_limit_do_not_wait() -> None:
    assert wait(minutes_ago(1, 2, 3, 4), NOW, 5, WINDOW) is None


def test_the_limit_reached_waits_until_the_oldest_leaves_the_window() -> None:
    assert wait(minutes_ago(10, 1, 2, 3, 4), NOW, 5, WINDOW) == timedelta(minutes=5)


def test_failures_older_than_the_window_do_not_count() -> None:
    assert wait(minutes_ago(16, 20, 1, 2, 3), NOW, 5, WINDOW) is None


def test_with_more_failures_than_the_limit_the_wait_ends_when_only_limit_minus_one_are_left() -> (
    None
):
    assert wait(minutes_ago(14, 12, 4, 3, 2, 1), NOW, 5, WINDOW) == timedelta(minutes=3)


def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one() -> None:
    assert retry_after_seconds(timedelta(seconds=1.2)) == 2
    assert retry_after_seconds(timedelta(0)) == 1
