"""A store with a little of everything an export reads: minute and daily bars, tagged
articles, prices at publication and reactions, written by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert

from support.runtimes import opened_runtime
from support.tagged_news import save_tagged
from tickerwire.config import Settings
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.runtime import Runtime
from tickerwire.store.schema import article_prices, article_reactions

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
RUSSIA = ("russia", "Russia", "country")


def bar(symbol: str, interval: Interval, start: datetime, close: float) -> Bar:
    return Bar(symbol, interval, start, close - 1, close + 1, close - 2, close, 1000.0, "yahoo")


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, poller_enabled=False)
    with opened_runtime(settings, clock=lambda: NOW) as runtime:
        days = [datetime(2026, 11, d, tzinfo=UTC) for d in (2, 3, 4, 30)]
        runtime.markets.save_bars(bar("SPX", Interval.D1, d, 6000 + n) for n, d in enumerate(days))
        runtime.markets.save_bars(bar("CL", Interval.D1, d, 70 + n) for n, d in enumerate(days))
        minute = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
        runtime.markets.save_bars(
            bar("SPX", Interval.M1, minute + timedelta(minutes=n), 6010 + n) for n in range(3)
        )
        oil = save_tagged(
            runtime.news,
            "Oil jumps as Russia cuts supply",
            datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
            symbols=("CL",),
            entities=(RUSSIA,),
        )
        stocks = save_tagged(
            runtime.news,
            "Stocks edge higher",
            datetime(2026, 11, 3, 15, 0, tzinfo=UTC),
            symbols=("SPX",),
        )
        with runtime.engine.begin() as connection:
            # Storing an article records its own prices and reactions due; these tests
            # export rows of known values instead.
            connection.execute(delete(article_reactions))
            connection.execute(delete(article_prices))
            connection.execute(
                insert(article_prices),
                [
                    price_row(oil, "CL", "tagged", 72.5),
                    price_row(oil, "SPX", "benchmark", 6010.0),
                    price_row(stocks, "SPX", "tagged", 6001.0),
                ],
            )
            connection.execute(insert(article_reactions), [reaction_row(oil, "CL", "1d", 3.0)])
        yield runtime


def price_row(article_id: int, symbol: str, role: str, price: float) -> dict[str, object]:
    at = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    return {
        "article_id": article_id,
        "symbol": symbol,
        "role": role,
        "price": price,
        "quote_time": at - timedelta(minutes=1),
        "source": "yahoo",
        "simulated": False,
        "market_state": "open",
        "recorded_at": at,
    }


def reaction_row(article_id: int, symbol: str, horizon: str, move: float) -> dict[str, object]:
    start = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    return {
        "article_id": article_id,
        "symbol": symbol,
        "horizon": horizon,
        "start_time": start,
        "end_time": start + timedelta(days=1),
        "start_price": 72.5,
        "start_quote_time": start,
        "end_price": 72.5 * (1 + move / 100),
        "end_quote_time": start + timedelta(days=1),
        "move_pct": move,
        "benchmark_symbol": "SPX",
        "benchmark_move_pct": 0.5,
        "excess_pct": move - 0.5,
        "simulated": False,
        "computed_at": start + timedelta(days=1, minutes=1),
        "note": None,
    }
