"""Reading the moment of a past view: an instant with its zone, or a date meaning its end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tickerwire.history.moment import BadMoment, check_past, parse_moment


def test_an_instant_with_z_is_read_in_utc() -> None:
    assert parse_moment("2026-11-30T15:30Z") == datetime(2026, 11, 30, 15, 30, tzinfo=UTC)


def test_an_offset_is_turned_into_utc() -> None:
    assert parse_moment("2026-11-30T10:30:00-05:00") == datetime(2026, 11, 30, 15, 30, tzinfo=UTC)


def test_a_date_alone_means_the_end_of_that_utc_day() -> None:
    assert parse_moment("2026-11-30") == datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("2026-11-30T15:30", "names no time zone"),
        ("yesterday", "is not an ISO 8601 time"),
        ("2026-13-01", "is not a date"),
        ("2026-11-30T25:00Z", "is not an ISO 8601 time"),
        ("", "give a moment"),
        ("2026-11-30T15:30Z" + "0" * 50, "too long"),
    ],
)
def test_a_bad_moment_is_refused_with_an_example(text: str, said: str) -> None:
    with pytest.raises(BadMoment, match=said) as refusal:
        parse_moment(text)
    assert "2026-11-30T15:30Z" in str(refusal.value) or said == "too long"


def test_a_moment_still_to_come_is_refused() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(BadMoment, match="in the future"):
        check_past(datetime(2026, 12, 1, 12, 1, tzinfo=UTC), now)
    assert check_past(now, now) == now
