"""A due horizon measured from stored prices: the move, the benchmark's, the difference.

The start is the price recorded at publication when the market was open then (the reason it
was recorded), else the opening price of the first bar of the session the measure starts
in. The end is the last price known at the horizon's end. A price from before the start
is no measure of the window, so a window without a price of its own is kept measured with
no figure (:data:`NO_PRICE` is how that reads), rather than with a move of zero.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tickerwire.store.reactions import PendingReaction, PriceBook, PricePoint, ReactionStore

NO_PRICE = "no price on record for this window"
BATCH = 2000
"""Horizons measured per read of their prices."""
Recorded = dict[tuple[int, str], PricePoint]


def _start(
    book: PriceBook, recorded: Recorded, item: PendingReaction, symbol: str
) -> PricePoint | None:
    if item.note is None:  # the measure starts at publication: use what was recorded then
        kept = recorded.get((item.article_id, symbol))
        return kept or book.price_at(symbol, item.start_time)
    return book.first_price_from(symbol, item.start_time, item.end_time)


def _end(
    book: PriceBook, symbol: str, item: PendingReaction, start: PricePoint | None
) -> PricePoint | None:
    end = book.price_at(symbol, item.end_time)
    if end is None or start is None or end.time <= max(start.time, item.start_time):
        return None  # no price made inside the window: nothing measured it
    return end


def _pair(
    book: PriceBook, recorded: Recorded, item: PendingReaction, symbol: str
) -> tuple[PricePoint, PricePoint] | None:
    """The start and end prices of ``symbol`` over ``item``'s window, if both are known."""
    start = _start(book, recorded, item, symbol)
    end = _end(book, symbol, item, start)
    return (start, end) if start is not None and end is not None else None


def percent_move(start: float, end: float) -> float | None:
    return None if start == 0 else (end / start - 1.0) * 100.0


def measure(
    book: PriceBook, recorded: Recorded, item: PendingReaction, now: datetime
) -> dict[str, Any]:
    """The values that complete ``item``'s row."""
    own = _pair(book, recorded, item, item.symbol)
    bench = None
    if item.benchmark_symbol is not None:
        bench = _pair(book, recorded, item, item.benchmark_symbol)
    move = percent_move(own[0].price, own[1].price) if own else None
    bench_move = percent_move(bench[0].price, bench[1].price) if bench else None
    used = [*(own or ()), *(bench or ())]
    return {
        "article_id": item.article_id,
        "symbol": item.symbol,
        "horizon": item.horizon,
        "start_price": own[0].price if own else None,
        "start_quote_time": own[0].time if own else None,
        "start_source": own[0].source if own else None,
        "end_price": own[1].price if own else None,
        "end_quote_time": own[1].time if own else None,
        "end_source": own[1].source if own else None,
        "move_pct": move,
        "benchmark_start": bench[0].price if bench else None,
        "benchmark_start_time": bench[0].time if bench else None,
        "benchmark_end": bench[1].price if bench else None,
        "benchmark_end_time": bench[1].time if bench else None,
        "benchmark_source": bench[1].source if bench else None,
        "benchmark_move_pct": bench_move,
        "excess_pct": move - bench_move if move is not None and bench_move is not None else None,
        "simulated": any(p.simulated for p in used),
        "computed_at": now,
    }


def measure_due(
    store: ReactionStore, now: datetime, limit: int = BATCH
) -> tuple[int, list[tuple[int, str]]]:
    """Measure every horizon due at ``now``, ``limit`` at a time. How many were stored,
    and the (article, symbol) of each horizon measured."""
    stored, saved, measured = 0, 0, []
    while True:
        due = store.due(now, limit)
        if due:
            symbols = {d.symbol for d in due} | {
                d.benchmark_symbol for d in due if d.benchmark_symbol
            }
            with store.engine.connect() as connection:
                book = PriceBook(connection, symbols)
                recorded = store.publication_prices(connection, (d.article_id for d in due))
                rows = [measure(book, recorded, item, now) for item in due]
            saved = store.save_measured(rows)
            stored += saved
            measured += [(d.article_id, d.symbol) for d in due]
        if len(due) < limit or not saved:
            return stored, measured
