"""The markets store: idempotent upserts, newest quote wins, bars fold, previous closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tickerwire.markets.quotes import Bar, Interval, PriceKind, Quote
from tickerwire.store import db
from tickerwire.store.markets import MarketStore

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def quote(price: float, at: datetime = T0, **extra: object) -> Quote:
    return Quote(symbol="SPX", price=price, as_of=at, provider="test", **extra)  # type: ignore[arg-type]


def bar(day: int, close: float, interval: Interval = Interval.D1) -> Bar:
    start = datetime(2026, 11, day, tzinfo=UTC)
    return Bar("SPX", interval, start, close, close, close, close, 1000.0, "test")


def test_migrations_reach_head_and_can_be_rerun(engine: sa.Engine) -> None:
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()


def test_saving_the_same_quote_twice_keeps_one_row(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_quotes([quote(5900.0)])
    store.save_quotes([quote(5900.0)])
    assert list(store.latest_quotes()) == ["SPX"]


def test_an_older_quote_arriving_late_does_not_replace_a_newer_one(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_quotes([quote(5910.0, T0)])
    store.save_quotes([quote(5800.0, T0 - timedelta(minutes=5))])
    assert store.latest_quotes()["SPX"].price == 5910.0


def test_quotes_come_back_with_utc_times_and_all_fields(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_quotes([quote(5900.5, previous_close=5850.25, delayed=True, volume=0.0)])
    stored = store.latest_quotes(["SPX"])["SPX"]
    assert stored.as_of == T0 and stored.as_of.tzinfo is not None
    assert (stored.previous_close, stored.delayed, stored.volume) == (5850.25, True, 0.0)


def test_a_daily_fixing_comes_back_labelled_as_one(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_quotes([quote(5900.5, kind=PriceKind.DAILY_FIXING)])
    assert store.latest_quotes(["SPX"])["SPX"].kind is PriceKind.DAILY_FIXING


def test_bars_are_keyed_by_symbol_interval_and_start(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_bars([bar(18, 5800.0), bar(19, 5850.0)])
    store.save_bars([bar(19, 5855.0)])
    bars = store.bars("SPX", Interval.D1, T0 - timedelta(days=5), T0)
    assert [b.close for b in bars] == [5800.0, 5855.0]


def test_quotes_fold_into_one_minute_bar_keeping_open_and_widening_range(
    engine: sa.Engine,
) -> None:
    store = MarketStore(engine)
    for seconds, price in ((5, 100.0), (20, 103.0), (40, 98.0), (55, 101.0)):
        store.fold_quote_into_bar(quote(price, T0 + timedelta(seconds=seconds)))
    (folded,) = store.bars("SPX", Interval.M1, T0, T0 + timedelta(minutes=1))
    assert (folded.open, folded.high, folded.low, folded.close) == (100.0, 103.0, 98.0, 101.0)


def test_folding_the_same_quote_again_changes_nothing(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.fold_quote_into_bar(quote(100.0, T0 + timedelta(seconds=5)))
    store.fold_quote_into_bar(quote(100.0, T0 + timedelta(seconds=5)))
    assert store.count_bars("SPX", Interval.M1) == 1


def test_previous_close_is_the_last_bar_ended_before_the_session(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_bars([bar(18, 5800.0), bar(19, 5850.0), bar(20, 5900.0)])
    session_open = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    assert store.last_close_before("SPX", session_open) == 5850.0


def test_previous_close_prefers_later_minute_bars_over_older_daily_bars(
    engine: sa.Engine,
) -> None:
    store = MarketStore(engine)
    store.save_bars([bar(18, 5800.0)])
    late_minute = Bar(
        "SPX", Interval.M1, datetime(2026, 11, 19, 20, 59, tzinfo=UTC), 5849, 5851, 5848, 5850
    )
    store.save_bars([late_minute])
    assert store.last_close_before("SPX", datetime(2026, 11, 20, 14, 30, tzinfo=UTC)) == 5850


def test_pruning_removes_only_old_bars_of_that_interval(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_bars([bar(1, 1.0, Interval.M1), bar(20, 2.0, Interval.M1), bar(1, 3.0)])
    removed = store.prune_bars(Interval.M1, datetime(2026, 11, 10, tzinfo=UTC))
    assert removed == 1
    assert store.count_bars("SPX", Interval.M1) == 1
    assert store.count_bars("SPX", Interval.D1) == 1


def test_provider_health_rows_upsert_by_name(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    row = {
        "name": "yahoo",
        "last_ok_at": None,
        "last_error_at": T0,
        "last_error": "connection refused",
        "consecutive_failures": 1,
        "next_retry_at": T0 + timedelta(seconds=30),
    }
    store.save_health([row])
    store.save_health([row | {"consecutive_failures": 2}])
    (saved,) = store.health()
    assert saved["consecutive_failures"] == 2 and saved["last_error_at"] == T0


def test_the_daily_range_spans_lows_and_highs_since_a_date(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_bars(
        [
            Bar("SPX", Interval.D1, datetime(2026, 11, 18, tzinfo=UTC), 10, 12, 9, 11, 100.0),
            Bar("SPX", Interval.D1, datetime(2026, 11, 19, tzinfo=UTC), 11, 15, 10, 14, 300.0),
            Bar("SPX", Interval.D1, datetime(2025, 1, 2, tzinfo=UTC), 5, 50, 1, 6, None),
        ]
    )
    assert store.daily_range("SPX", datetime(2026, 1, 1, tzinfo=UTC)) == (9, 15)
    assert store.average_volume("SPX", datetime(2026, 1, 1, tzinfo=UTC)) == 200.0
    assert store.daily_range("DJI", datetime(2026, 1, 1, tzinfo=UTC)) == (None, None)


def minute(at: int, close: float) -> Bar:
    start = T0 + timedelta(minutes=at)
    return Bar("SPX", Interval.M1, start, close, close, close, close, 10.0, "test")


def session_closes(store: MarketStore) -> list[float]:
    return store.closes("SPX", Interval.M1, T0, T0 + timedelta(hours=1))


def test_a_sessions_closes_follow_the_latest_bar_and_new_ones(engine: sa.Engine) -> None:
    store = MarketStore(engine)
    store.save_bars([minute(0, 1.0), minute(1, 2.0)])
    assert session_closes(store) == [1.0, 2.0]
    store.save_bars([minute(1, 2.5), minute(2, 3.0)])  # the latest bar moved, one more came
    assert session_closes(store) == [1.0, 2.5, 3.0]


def test_a_bar_filled_in_behind_the_latest_is_seen_too(engine: sa.Engine) -> None:
    """Another process (a backfill) may write bars earlier than the latest one read."""
    store = MarketStore(engine)
    store.save_bars([minute(0, 1.0), minute(5, 5.0)])
    assert session_closes(store) == [1.0, 5.0]
    store.save_bars([minute(2, 2.0)])
    assert session_closes(store) == [1.0, 2.0, 5.0]
    assert MarketStore(engine).closes("SPX", Interval.M1, T0, T0 + timedelta(hours=1)) == [
        1.0,
        2.0,
        5.0,
    ]
