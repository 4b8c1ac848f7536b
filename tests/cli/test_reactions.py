"""``tickerwire reactions``: measuring what is due, and one article's reaction, as a user
would run them on a database that already holds the article and its prices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from cli.conftest import Invoke
from support.tagged_news import save_tagged
from tickerwire.instruments import Registry
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.reactions.snapshot import PublicationPrices
from tickerwire.store import db
from tickerwire.store.markets import MarketStore
from tickerwire.store.news import NewsStore

#: Tuesday 1 December 2026, 10:00 in New York: long past by the time the test runs.
PUBLISHED = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def stored_article(database_url: str) -> int:
    """A story about the Dow with two hours of its minute bars (and the S&P 500's)."""
    engine = sa.create_engine(database_url)
    try:
        db.upgrade(engine)
        start = PUBLISHED - timedelta(minutes=10)
        for symbol, level in (("DJI", 100.0), ("SPX", 200.0)):
            MarketStore(engine).save_bars(
                Bar(symbol, Interval.M1, start + timedelta(minutes=n), p, p, p, p, None, "yahoo")
                for n, p in ((n, level + n) for n in range(1500))
            )
        news = NewsStore(engine, PublicationPrices(Registry.build()))
        return save_tagged(news, "Dow climbs", PUBLISHED, symbols=("DJI",))
    finally:
        engine.dispose()


def test_measure_then_show_an_articles_reaction(database_url: str, invoke: Invoke) -> None:
    article_id = stored_article(database_url)
    measured = invoke("reactions", "measure")
    assert measured.code == 0, measured.output
    assert "3 horizons measured, for 1 articles" in measured.stdout
    shown = invoke("reactions", "show", str(article_id))
    assert shown.code == 0, shown.output
    assert "At publication: 109.00 (yahoo 1m bar" in shown.stdout
    # 15 minutes later the Dow's bar closed at 124: +13.76 %; the S&P 500 +7.18 %.
    assert "+13.76 %" in shown.stdout and "+7.18 %" in shown.stdout
    assert "Not investment advice" in shown.stdout


def test_show_an_article_with_nothing_recorded(database_url: str, invoke: Invoke) -> None:
    engine = sa.create_engine(database_url)
    try:
        db.upgrade(engine)
        article_id = save_tagged(NewsStore(engine), "Weather", PUBLISHED)
    finally:
        engine.dispose()
    shown = invoke("reactions", "show", str(article_id))
    assert shown.code == 0 and "Nothing recorded" in shown.stdout
