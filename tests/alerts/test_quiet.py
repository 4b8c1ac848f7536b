"""Quiet hours end at their own minute in the member's zone, across midnight too; the
daily digest is due at its hour in that zone."""

from __future__ import annotations

from datetime import UTC, datetime

from tickerwire.alerts.quiet import last_digest_time, quiet_end

NIGHT = (22 * 60, 7 * 60)  # 22:00 to 07:00


def test_outside_quiet_hours_nothing_waits() -> None:
    assert quiet_end(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), *NIGHT, "UTC") is None


def test_before_midnight_quiet_hours_end_the_next_morning() -> None:
    now = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    assert quiet_end(now, *NIGHT, "UTC") == datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


def test_after_midnight_quiet_hours_end_the_same_morning() -> None:
    now = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    assert quiet_end(now, *NIGHT, "UTC") == datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


def test_quiet_hours_are_read_in_the_members_zone() -> None:
    # 04:00 UTC is 23:00 in New York (EST): quiet there until 07:00 EST, 12:00 UTC.
    now = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
    assert quiet_end(now, *NIGHT, "America/New_York") == datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_a_span_within_one_day_holds_only_inside_it() -> None:
    lunch = (12 * 60, 13 * 60)
    assert quiet_end(datetime(2026, 12, 3, 12, 30, tzinfo=UTC), *lunch, "UTC") == datetime(
        2026, 12, 3, 13, 0, tzinfo=UTC
    )
    assert quiet_end(datetime(2026, 12, 3, 13, 0, tzinfo=UTC), *lunch, "UTC") is None


def test_the_same_start_and_end_or_an_unknown_zone_mean_no_surprise() -> None:
    assert quiet_end(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), 600, 600, "UTC") is None
    now = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
    assert quiet_end(now, *NIGHT, "Mars/Olympus") == datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


def test_the_digest_is_due_at_its_hour_today_or_else_yesterday() -> None:
    morning = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert last_digest_time(morning, 8, "UTC") == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    early = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert last_digest_time(early, 8, "UTC") == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
