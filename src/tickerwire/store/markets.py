"""Queries for the markets flow: latest quotes, bars and provider health."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, bindparam, case, delete, func, select

from tickerwire.markets.quotes import Bar, Interval, Quote
from tickerwire.store.schema import bars, provider_health, quotes
from tickerwire.store.upsert import upsert

_QUOTE_FIELDS = [c.name for c in quotes.columns]


def _quote_from_row(row: Any) -> Quote:
    return Quote(**{name: getattr(row, name) for name in _QUOTE_FIELDS})


def _bar_from_row(row: Any) -> Bar:
    return Bar(
        symbol=row.symbol,
        interval=Interval(row.interval),
        start=row.start,
        open=row.open,
        high=row.high,
        low=row.low,
        close=row.close,
        volume=row.volume,
        provider=row.provider,
    )


def _merge_into_bar(table: Any, excluded: Any) -> dict[str, Any]:
    """Fold a new observation into an existing bar: keep its open, widen high and low."""
    return {
        "high": case((excluded.high > table.c.high, excluded.high), else_=table.c.high),
        "low": case((excluded.low < table.c.low, excluded.low), else_=table.c.low),
        "close": excluded.close,
        "volume": excluded.volume,
        "provider": excluded.provider,
    }


def _window(symbol: str, interval: Interval, start: datetime, end: datetime) -> Any:
    """One instrument's bars of one interval starting in [start, end)."""
    return and_(
        bars.c.symbol == symbol,
        bars.c.interval == interval.value,
        bars.c.start >= start,
        bars.c.start < end,
    )


_IN_WINDOW = and_(
    bars.c.symbol == bindparam("symbol"),
    bars.c.interval == bindparam("interval"),
    bars.c.start >= bindparam("start"),
    bars.c.start < bindparam("end"),
)
# Built once: a statement made per call costs more than the query on a small window.
_CLOSES_IN_WINDOW = select(bars.c.start, bars.c.close).where(_IN_WINDOW).order_by(bars.c.start)
_COUNT_IN_WINDOW = select(func.count()).where(_IN_WINDOW)
KEPT_WINDOWS = 256
"""Sessions of closes kept for :meth:`MarketStore.closes`: a ribbon's and some more."""


class MarketStore:
    """The markets half of the store. Every write is an idempotent upsert."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._kept_closes: OrderedDict[
            tuple[str, Interval, datetime, datetime], list[tuple[datetime, float]]
        ] = OrderedDict()

    def save_quotes(self, new_quotes: Iterable[Quote]) -> None:
        """Keep the newest quote per symbol; an older quote arriving late never wins."""
        rows = [{name: getattr(q, name) for name in _QUOTE_FIELDS} for q in new_quotes]

        def newer_wins(table: Any, excluded: Any) -> dict[str, Any]:
            return {
                name: case((excluded.as_of >= table.c.as_of, excluded[name]), else_=table.c[name])
                for name in _QUOTE_FIELDS
                if name != "symbol"
            }

        with self.engine.begin() as connection:
            upsert(connection, quotes, rows, keys=["symbol"], update=newer_wins)

    def latest_quotes(self, symbols: Sequence[str] | None = None) -> dict[str, Quote]:
        query = select(quotes)
        if symbols is not None:
            query = query.where(quotes.c.symbol.in_(list(symbols)))
        with self.engine.connect() as connection:
            return {row.symbol: _quote_from_row(row) for row in connection.execute(query)}

    def save_bars(self, new_bars: Iterable[Bar]) -> int:
        """Store whole bars from a provider's history; rewriting one replaces it."""
        rows = [asdict(b) | {"interval": b.interval.value} for b in new_bars]
        with self.engine.begin() as connection:
            upsert(connection, bars, rows, keys=["symbol", "interval", "start"])
        return len(rows)

    def fold_quote_into_bar(self, quote: Quote, interval: Interval = Interval.M1) -> None:
        """Append the quote to the bar of its minute: open on first sight, then widen."""
        seconds = int(interval.delta.total_seconds())
        epoch = int(quote.as_of.timestamp())
        start = datetime.fromtimestamp(epoch - epoch % seconds, tz=quote.as_of.tzinfo)
        row = {
            "symbol": quote.symbol,
            "interval": interval.value,
            "start": start,
            "open": quote.price,
            "high": quote.price,
            "low": quote.price,
            "close": quote.price,
            "volume": None,
            "provider": quote.provider,
        }
        with self.engine.begin() as connection:
            upsert(
                connection,
                bars,
                [row],
                keys=["symbol", "interval", "start"],
                update=_merge_into_bar,
            )

    def bars(self, symbol: str, interval: Interval, start: datetime, end: datetime) -> list[Bar]:
        query = select(bars).where(_window(symbol, interval, start, end)).order_by(bars.c.start)
        with self.engine.connect() as connection:
            return [_bar_from_row(row) for row in connection.execute(query)]

    def closes(
        self, symbol: str, interval: Interval, start: datetime, end: datetime
    ) -> list[float]:
        """Only the closes, oldest first: what a sparkline needs, without building bars.

        The ribbon asks for every instrument's session of minute bars each time a quote
        ticks, and reading a whole session (up to 1,440 rows) each time was most of a
        ribbon's render. A session's bars only grow, and only the latest one changes, so
        the closes read before are kept and each call reads from the latest kept bar on;
        a count of the bars before it catches any filled in behind (a backfill, another
        process), and the window is read whole again then."""
        key = (symbol, interval, start, end)
        kept = self._kept_closes.get(key)
        params = {"symbol": symbol, "interval": interval.value, "start": start, "end": end}
        with self.engine.connect() as connection:
            if kept:
                last = kept[-1][0]
                behind = connection.execute(_COUNT_IN_WINDOW, params | {"end": last}).scalar_one()
                if behind == len(kept) - 1:
                    newer = connection.execute(_CLOSES_IN_WINDOW, params | {"start": last})
                    fresh = kept[:-1] + [(s, float(c)) for s, c in newer]
                else:
                    kept = None
            if not kept:
                whole = connection.execute(_CLOSES_IN_WINDOW, params)
                fresh = [(s, float(c)) for s, c in whole]
        self._kept_closes[key] = fresh
        self._kept_closes.move_to_end(key)
        while len(self._kept_closes) > KEPT_WINDOWS:
            self._kept_closes.popitem(last=False)
        return [close for _, close in fresh]

    def last_close_before(self, symbol: str, moment: datetime) -> float | None:
        """The close of the latest bar, of any interval, that had ended by ``moment``.

        This is what "previous close" means when a provider does not say: the close of the
        session before the one in progress, whichever granularity recorded it last.
        """
        best: tuple[datetime, float] | None = None
        with self.engine.connect() as connection:
            for interval in Interval:
                query = (
                    select(bars.c.start, bars.c.close)
                    .where(
                        bars.c.symbol == symbol,
                        bars.c.interval == interval.value,
                        bars.c.start <= moment - interval.delta,
                    )
                    .order_by(bars.c.start.desc())
                    .limit(1)
                )
                row = connection.execute(query).first()
                if row is not None and (best is None or row.start + interval.delta > best[0]):
                    best = (row.start + interval.delta, float(row.close))
        return best[1] if best else None

    def daily_range(self, symbol: str, since: datetime) -> tuple[float | None, float | None]:
        """Lowest low and highest high of the daily bars since ``since`` (the 52-week range)."""
        query = select(func.min(bars.c.low), func.max(bars.c.high)).where(
            bars.c.symbol == symbol, bars.c.interval == Interval.D1.value, bars.c.start >= since
        )
        with self.engine.connect() as connection:
            low, high = connection.execute(query).one()
        return (float(low) if low is not None else None, float(high) if high is not None else None)

    def average_volume(self, symbol: str, since: datetime) -> float | None:
        """Mean daily volume since ``since``, over the days that report one."""
        query = select(func.avg(bars.c.volume)).where(
            bars.c.symbol == symbol,
            bars.c.interval == Interval.D1.value,
            bars.c.start >= since,
            bars.c.volume.is_not(None),
        )
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar()
        return float(value) if value is not None else None

    def count_bars(self, symbol: str, interval: Interval) -> int:
        query = select(func.count()).where(
            bars.c.symbol == symbol, bars.c.interval == interval.value
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def prune_bars(self, interval: Interval, older_than: datetime) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(bars).where(bars.c.interval == interval.value, bars.c.start < older_than)
            )
            return int(result.rowcount or 0)

    def save_health(self, rows: Iterable[dict[str, Any]]) -> None:
        with self.engine.begin() as connection:
            upsert(connection, provider_health, list(rows), keys=["name"])

    def health(self) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            result = connection.execute(select(provider_health).order_by(provider_health.c.name))
            return [dict(row._mapping) for row in result]
