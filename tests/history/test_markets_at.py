"""actions.markets_at: the ribbon's quotes at a moment, and a sentence for what it lacks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.runtime import Runtime

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
#: Tuesday 3 November 2026, 15:30 UTC: older than a week of minute bars.
LONG_AGO = datetime(2026, 11, 3, 15, 30, tzinfo=UTC)


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    settings = Settings(
        database_url=database_url, poller_enabled=False, poll={"bar_retention_days": 7}
    )
    with opened_runtime(settings, clock=lambda: NOW) as runtime:
        yield runtime


def test_a_moment_older_than_the_minute_bars_says_its_prices_are_closes(runtime: Runtime) -> None:
    monday = datetime(2026, 11, 2, tzinfo=UTC)
    runtime.markets.save_bars([Bar("SPX", Interval.D1, monday, 1, 2, 0.5, 1.5, None, "stooq")])
    spx = runtime.registry.get("SPX")
    known = actions.markets_at(runtime, LONG_AGO, [spx])
    assert known.quotes["SPX"].price == 1.5
    assert known.note is not None
    assert "Minute prices are kept 7 days (poll.bar_retention_days)" in known.note


def test_an_instrument_with_no_price_then_is_named(runtime: Runtime) -> None:
    start = LONG_AGO - timedelta(minutes=1)
    runtime.markets.save_bars([Bar("CL", Interval.M1, start, 70, 70, 70, 70, None, "yahoo")])
    chosen = [runtime.registry.get("CL"), runtime.registry.get("GC")]
    note = actions.markets_at(runtime, NOW - timedelta(days=1), chosen).note
    assert note == "No price was stored by then for GC."


def test_a_moment_before_any_price_says_when_the_first_is(runtime: Runtime) -> None:
    later = NOW - timedelta(days=3)
    runtime.markets.save_bars([Bar("CL", Interval.D1, later, 70, 70, 70, 70, None, "x")])
    known = actions.markets_at(runtime, LONG_AGO, [runtime.registry.get("CL")])
    assert known.quotes == {}
    assert known.note == (
        "No prices were stored for 2026-11-03 15:30 UTC: the oldest stored starts "
        "2026-11-28 15:00 UTC."
    )


def test_a_moment_from_text_is_refused_in_a_sentence(runtime: Runtime) -> None:
    with pytest.raises(actions.ActionError, match="is in the future"):
        actions.moment_from(runtime, "2026-12-02")
    assert actions.moment_from(runtime, "2026-11-30T15:30Z") == datetime(
        2026, 11, 30, 15, 30, tzinfo=UTC
    )
