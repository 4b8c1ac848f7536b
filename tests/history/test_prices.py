"""Prices at a past moment come from bars that had ended by then, and from nothing later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tickerwire.history.prices import quotes_at, session_closes_at
from tickerwire.instruments import Registry
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.store.markets import MarketStore

REGISTRY = Registry.build()
SPX = REGISTRY.get("SPX")
BTC = REGISTRY.get("BTCUSD")
#: Monday 30 November 2026, 10:30 in New York: the U.S. session an hour old.
MONDAY = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)
#: The Friday after Thanksgiving, a half day: its daily bar is labelled at midnight UTC.
FRIDAY = datetime(2026, 11, 27, tzinfo=UTC)


def minute_bars(symbol: str, start: datetime, closes: list[float]) -> list[Bar]:
    return [
        Bar(symbol, Interval.M1, start + timedelta(minutes=n), c, c, c, c, None, "yahoo")
        for n, c in enumerate(closes)
    ]


def daily_bar(symbol: str, day: datetime, close: float) -> Bar:
    return Bar(symbol, Interval.D1, day, close, close, close, close, None, "yahoo")


def test_the_price_at_a_moment_is_the_close_of_the_last_minute_that_had_ended(
    engine: sa.Engine,
) -> None:
    store = MarketStore(engine)
    store.save_bars(minute_bars("SPX", MONDAY - timedelta(minutes=2), [100, 101, 102, 103]))
    quote = quotes_at(engine, [SPX], MONDAY)["SPX"]
    assert (quote.price, quote.as_of) == (101, MONDAY)


def test_a_bar_still_open_at_the_moment_is_not_used(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_bars(minute_bars("SPX", MONDAY - timedelta(minutes=1), [101, 102]))
    halfway = MONDAY + timedelta(seconds=30)
    assert quotes_at(engine, [SPX], halfway)["SPX"].price == 101


def test_the_change_is_against_the_close_of_the_session_before(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    thursday = FRIDAY - timedelta(days=1)
    store.save_bars([daily_bar("SPX", thursday, 90), daily_bar("SPX", FRIDAY, 95)])
    store.save_bars(minute_bars("SPX", MONDAY - timedelta(minutes=1), [99]))
    quote = quotes_at(engine, [SPX], MONDAY)["SPX"]
    assert (quote.previous_close, quote.change) == (95, 4)


def test_with_no_minute_bars_the_price_is_the_last_session_close(engine: sa.Engine) -> None:
    MarketStore(engine).save_bars([daily_bar("SPX", FRIDAY, 95)])
    quote = quotes_at(engine, [SPX], MONDAY)["SPX"]
    # The half day closed at 13:00 in New York.
    assert (quote.price, quote.as_of) == (95, datetime(2026, 11, 27, 18, 0, tzinfo=UTC))


def test_a_daily_bar_of_a_session_not_yet_closed_is_not_used(engine: sa.Engine) -> None:
    MarketStore(engine).save_bars([daily_bar("SPX", MONDAY.replace(hour=0, minute=0), 120)])
    assert quotes_at(engine, [SPX], MONDAY) == {}


def test_an_instrument_with_nothing_stored_by_then_has_no_quote(engine: sa.Engine) -> None:
    MarketStore(engine).save_bars(minute_bars("BTCUSD", MONDAY, [42_000.0]))
    assert quotes_at(engine, [SPX, BTC], MONDAY) == {}


def test_simulated_bars_give_a_simulated_quote(engine: sa.Engine) -> None:
    bar = Bar("SPX", Interval.M1, MONDAY - timedelta(minutes=1), 1, 1, 1, 1, None, "simulated")
    MarketStore(engine).save_bars([bar])
    assert quotes_at(engine, [SPX], MONDAY)["SPX"].simulated


def test_the_sparkline_stops_at_the_moment(engine: sa.Engine) -> None:
    opened = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)
    MarketStore(engine).save_bars(minute_bars("SPX", opened, [float(n) for n in range(120)]))
    closes = session_closes_at(engine, SPX, MONDAY)
    assert closes == [float(n) for n in range(60)]
