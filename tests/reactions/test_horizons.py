"""Horizons count trading time: a story that lands while its market is shut is measured
from the next open and says so; on a 24/7 market the horizons are plain clock time.

Instants are fixed around the week of Thanksgiving 2026 (NYSE shut Thursday 26 November,
regular hours 9:30-16:00 ET = 14:30-21:00 UTC, no early close used here but the Friday's)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tickerwire.reactions.horizons import Horizon, Window, windows


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ends(found: list[Window]) -> dict[Horizon, datetime]:
    return {w.horizon: w.end for w in found}


def test_a_story_during_the_session_is_measured_from_its_publication() -> None:
    found = windows("XNYS", at("2026-12-01T15:00"))
    assert {w.start for w in found} == {at("2026-12-01T15:00")}
    assert {w.note for w in found} == {None}
    assert ends(found) == {
        Horizon.M15: at("2026-12-01T15:15"),
        Horizon.H1: at("2026-12-01T16:00"),
        Horizon.D1: at("2026-12-02T15:00"),
    }


def test_a_saturday_story_is_measured_from_mondays_open_and_says_so() -> None:
    found = windows("XNYS", at("2026-11-28T15:00"))
    assert {w.start for w in found} == {at("2026-11-30T14:30")}
    assert {w.note for w in found} == {"published Saturday; measured from Monday's open"}
    assert ends(found) == {
        Horizon.M15: at("2026-11-30T14:45"),
        Horizon.H1: at("2026-11-30T15:30"),
        Horizon.D1: at("2026-12-01T14:30"),
    }


def test_a_thanksgiving_story_is_measured_from_fridays_open() -> None:
    found = windows("XNYS", at("2026-11-26T16:00"))
    assert found[0].start == at("2026-11-27T14:30")
    assert found[0].note == (
        "published on Thanksgiving, a market holiday; measured from Friday's open"
    )


def test_the_day_after_thanksgiving_closes_early_so_a_trading_day_ends_at_that_close() -> None:
    """Wednesday 15:00 ET + one trading day is Friday at its 13:00 ET close, not 15:00."""
    found = ends(windows("XNYS", at("2026-11-25T20:00")))
    assert found[Horizon.D1] == at("2026-11-27T18:00")


def test_a_story_before_the_open_is_measured_from_that_mornings_open() -> None:
    found = windows("XNYS", at("2026-12-01T12:05"))
    assert found[0].start == at("2026-12-01T14:30")
    assert found[0].note == "published before the open; measured from the open at 9:30 AM EST"


def test_a_story_after_the_close_is_measured_from_the_next_days_open() -> None:
    found = windows("XNYS", at("2026-12-01T21:30"))
    assert found[0].start == at("2026-12-02T14:30")
    assert found[0].note == "published after the close; measured from Wednesday's open"


def test_short_horizons_run_on_into_the_next_session_in_trading_time() -> None:
    """Ten minutes before the close, +15 min is five minutes after the next open."""
    found = ends(windows("XNYS", at("2026-12-01T20:50")))
    assert found[Horizon.M15] == at("2026-12-02T14:35")
    assert found[Horizon.H1] == at("2026-12-02T15:20")


def test_a_story_a_horizon_before_the_close_ends_at_the_close() -> None:
    assert ends(windows("XNYS", at("2026-12-01T20:45")))[Horizon.M15] == at("2026-12-01T21:00")


@pytest.mark.parametrize("published", ["2026-11-28T15:00", "2026-11-26T03:10"])
def test_a_crypto_story_is_measured_in_clock_time_any_day(published: str) -> None:
    moment = at(published)
    found = windows("24/7", moment)
    assert [(w.start, w.end - w.start, w.note) for w in found] == [
        (moment, at("2026-01-01T00:15") - at("2026-01-01T00:00"), None),
        (moment, at("2026-01-01T01:00") - at("2026-01-01T00:00"), None),
        (moment, at("2026-01-02T00:00") - at("2026-01-01T00:00"), None),
    ]


def test_a_futures_story_on_saturday_is_measured_from_sundays_evening_open() -> None:
    found = windows("us_futures", at("2026-11-28T15:00"))
    assert found[0].start == at("2026-11-29T23:00")
    assert found[0].note == "published Saturday; measured from Sunday's open"
