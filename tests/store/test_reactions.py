"""The prices at publication are written with the article, in its transaction, and each
horizon is measured once from stored prices, kept with the prices it used.

Prices here are minute bars written through the market store, as the poller and the
backfill write them; the clock is fixed, Tuesday 1 December 2026, NYSE open 14:30-21:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from support.tagged_news import save_tagged
from tickerwire.instruments import Registry
from tickerwire.markets.quotes import Bar, Interval, Quote
from tickerwire.reactions.measure import measure_due
from tickerwire.reactions.snapshot import PublicationPrices
from tickerwire.store.markets import MarketStore
from tickerwire.store.news import NewsStore
from tickerwire.store.reactions import ReactionStore
from tickerwire.store.schema import article_prices, articles

PUBLISHED = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
REGISTRY = Registry.build()


def minute_bars(symbol: str, start: datetime, prices: list[float]) -> list[Bar]:
    return [
        Bar(symbol, Interval.M1, start + timedelta(minutes=n), p, p, p, p, None, "simulated")
        for n, p in enumerate(prices)
    ]


@pytest.fixture
def news(engine: sa.Engine) -> NewsStore:
    return NewsStore(engine, PublicationPrices(REGISTRY))


@pytest.fixture
def markets(engine: sa.Engine) -> MarketStore:
    return MarketStore(engine)


def an_hour_of_prices(markets: MarketStore) -> None:
    """DJI climbs 1 point a minute from 100 at 14:50, SPX 0.5 a minute from 200."""
    start = PUBLISHED - timedelta(minutes=10)
    markets.save_bars(minute_bars("DJI", start, [100.0 + n for n in range(80)]))
    markets.save_bars(minute_bars("SPX", start, [200.0 + n / 2 for n in range(80)]))


def test_an_article_is_stored_with_its_prices_at_publication(
    news: NewsStore, markets: MarketStore, engine: sa.Engine
) -> None:
    an_hour_of_prices(markets)
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    prices = {p.symbol: p for p in ReactionStore(engine).prices(article_id)}
    dji, spx = prices["DJI"], prices["SPX"]
    # The 14:59 bar is the last one to have ended by 15:00: its close, at 15:00.
    assert (dji.role, dji.price, dji.quote_time) == ("tagged", 109.0, PUBLISHED)
    assert (spx.role, spx.price) == ("benchmark", 204.5)
    assert dji.source == "simulated 1m bar"
    assert dji.simulated and dji.market_state == "open"


def test_a_quote_newer_than_the_last_bar_is_the_price_at_publication(
    news: NewsStore, markets: MarketStore, engine: sa.Engine
) -> None:
    an_hour_of_prices(markets)
    quote_time = PUBLISHED - timedelta(seconds=20)
    markets.save_quotes([Quote("DJI", 109.4, quote_time, "yahoo")])
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    dji = next(p for p in ReactionStore(engine).prices(article_id) if p.symbol == "DJI")
    assert (dji.price, dji.quote_time, dji.source, dji.simulated) == (
        109.4,
        quote_time,
        "yahoo quote",
        False,
    )


def test_a_quote_after_publication_is_never_the_price_at_publication(
    news: NewsStore, markets: MarketStore, engine: sa.Engine
) -> None:
    an_hour_of_prices(markets)
    markets.save_quotes([Quote("DJI", 150.0, PUBLISHED + timedelta(minutes=3), "yahoo")])
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    dji = next(p for p in ReactionStore(engine).prices(article_id) if p.symbol == "DJI")
    assert dji.price == 109.0


def test_no_stored_price_is_recorded_as_none_not_invented(
    news: NewsStore, engine: sa.Engine
) -> None:
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    dji = next(p for p in ReactionStore(engine).prices(article_id) if p.symbol == "DJI")
    assert (dji.price, dji.quote_time, dji.source) == (None, None, None)


class Crash(Exception):
    pass


def test_a_crash_between_the_article_and_its_snapshot_loses_neither(
    markets: MarketStore, engine: sa.Engine
) -> None:
    """The hook writes its rows, then the process dies before the commit: nothing of the
    article is left half-stored, and saving it again (the next refresh) stores both."""
    an_hour_of_prices(markets)
    record = PublicationPrices(REGISTRY)

    def crash_after_snapshot(*args: object) -> None:
        record(*args)
        raise Crash

    with pytest.raises(Crash):
        save_tagged(
            NewsStore(engine, crash_after_snapshot), "Dow climbs", PUBLISHED, symbols=("DJI",)
        )
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(articles)).scalar() == 0
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(article_prices)).scalar() == 0
        )
    article_id = save_tagged(NewsStore(engine, record), "Dow", PUBLISHED, symbols=("DJI",))
    assert {p.symbol for p in ReactionStore(engine).prices(article_id)} == {"DJI", "SPX"}
    assert len(ReactionStore(engine).reactions(article_id)) == 3


def test_saving_an_article_again_keeps_its_first_snapshot(
    news: NewsStore, markets: MarketStore, engine: sa.Engine
) -> None:
    an_hour_of_prices(markets)
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    markets.save_quotes([Quote("DJI", 1.0, PUBLISHED - timedelta(seconds=1), "yahoo")])
    save_tagged(news, "Dow climbs", PUBLISHED + timedelta(hours=2), symbols=("DJI",), hours_ago=2)
    dji = next(p for p in ReactionStore(engine).prices(article_id) if p.symbol == "DJI")
    assert dji.price == 109.0


def test_horizons_wait_until_their_end_and_are_then_measured_with_their_inputs(
    news: NewsStore, markets: MarketStore, engine: sa.Engine
) -> None:
    an_hour_of_prices(markets)
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    store = ReactionStore(engine)
    assert measure_due(store, PUBLISHED + timedelta(minutes=16)) == (0, [])
    measured_at = PUBLISHED + timedelta(minutes=17)
    assert measure_due(store, measured_at) == (1, [(article_id, "DJI")])
    by_horizon = {r.horizon: r for r in store.reactions(article_id)}
    quarter = by_horizon["15m"]
    # Start: 109 recorded at 15:00. End: the 15:14 bar's close, 124, at 15:15.
    assert (quarter.start_price, quarter.end_price) == (109.0, 124.0)
    assert quarter.end_quote_time == PUBLISHED + timedelta(minutes=15)
    assert quarter.move_pct == pytest.approx((124 / 109 - 1) * 100)
    assert quarter.benchmark_symbol == "SPX"
    assert (quarter.benchmark_start, quarter.benchmark_end) == (204.5, 212.0)
    assert quarter.excess_pct == pytest.approx(quarter.move_pct - (212 / 204.5 - 1) * 100)
    assert quarter.simulated and quarter.computed_at == measured_at and quarter.due_at is None
    assert not by_horizon["1h"].known and by_horizon["1h"].due_at is not None


def test_a_horizon_is_computed_once_whatever_arrives_later(
    news: NewsStore, markets: MarketStore, engine: sa.Engine
) -> None:
    an_hour_of_prices(markets)
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    store = ReactionStore(engine)
    measure_due(store, PUBLISHED + timedelta(minutes=17))
    markets.save_bars(minute_bars("DJI", PUBLISHED + timedelta(minutes=14), [500.0]))
    assert measure_due(store, PUBLISHED + timedelta(minutes=18)) == (0, [])
    quarter = next(r for r in store.reactions(article_id) if r.horizon == "15m")
    assert quarter.end_price == 124.0


def test_a_saturday_story_is_measured_from_mondays_opening_price(
    news: NewsStore, markets: MarketStore, engine: sa.Engine
) -> None:
    saturday = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    monday_open = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)
    markets.save_bars(minute_bars("DJI", saturday - timedelta(days=1, hours=1), [90.0]))
    markets.save_bars(minute_bars("DJI", monday_open, [95.0 + n for n in range(20)]))
    article_id = save_tagged(news, "Weekend deal", saturday, symbols=("DJI",))
    dji = next(p for p in ReactionStore(engine).prices(article_id) if p.symbol == "DJI")
    assert (dji.price, dji.market_state) == (90.0, "closed")
    store = ReactionStore(engine)
    measure_due(store, monday_open + timedelta(minutes=20))
    quarter = next(r for r in store.reactions(article_id) if r.horizon == "15m")
    assert (quarter.start_price, quarter.start_quote_time) == (95.0, monday_open)
    assert quarter.end_price == 109.0
    assert quarter.note == "published Saturday; measured from Monday's open"


def test_a_window_without_a_price_of_its_own_is_measured_with_no_figure(
    news: NewsStore, markets: MarketStore, engine: sa.Engine
) -> None:
    markets.save_bars(minute_bars("DJI", PUBLISHED - timedelta(hours=3), [100.0]))
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    store = ReactionStore(engine)
    measure_due(store, PUBLISHED + timedelta(minutes=17))
    quarter = next(r for r in store.reactions(article_id) if r.horizon == "15m")
    assert quarter.known and quarter.move_pct is None and quarter.end_price is None


def test_due_horizons_survive_a_restart(
    news: NewsStore, markets: MarketStore, engine: sa.Engine, database_url: str
) -> None:
    """Nothing is held in memory: a store opened afresh (a restarted process) finds them."""
    an_hour_of_prices(markets)
    article_id = save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    fresh = sa.create_engine(database_url)
    try:
        due = ReactionStore(fresh).due(PUBLISHED + timedelta(hours=2))
    finally:
        fresh.dispose()
    assert {(d.article_id, d.horizon) for d in due} == {(article_id, "15m"), (article_id, "1h")}


def test_an_untagged_article_records_nothing(news: NewsStore, engine: sa.Engine) -> None:
    article_id = save_tagged(news, "Weather", PUBLISHED)
    assert ReactionStore(engine).prices(article_id) == []
    assert ReactionStore(engine).reactions(article_id) == []
