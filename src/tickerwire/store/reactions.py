"""Prices at publication and each horizon's reaction: reads of stored prices, and the rows.

Prices are read "at or before" an instant and never after it: the newest quote, or the
close of the newest bar that had ended by then, so no figure uses a price the market had not
yet made. A horizon row is written at ingest, waiting (``due_at`` set); measuring fills it in
once and clears ``due_at``, so each figure is computed once and kept with the prices it used.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Select, bindparam, literal, select, union_all, update

from tickerwire.markets.providers.simulated import NAME as SIMULATED
from tickerwire.markets.quotes import Interval
from tickerwire.news.model import ArticleListing, ArticleTags
from tickerwire.store.article_rows import LISTING_COLUMNS, listing
from tickerwire.store.schema import (
    article_instruments,
    article_prices,
    article_reactions,
    articles,
    bars,
    quotes,
)

#: A coarser bar is only looked at when no minute bar is this recent.
_MINUTE_BARS_REACH = timedelta(days=1)


class PublicationHook(Protocol):
    """Called inside an article's save transaction to record its prices at publication."""

    def __call__(
        self, connection: Connection, article_id: int, published: datetime | None,
        tags: ArticleTags, now: datetime,
    ) -> None: ...  # fmt: skip


@dataclass(frozen=True, slots=True)
class PricePoint:
    """A stored price with its own time and where it came from."""

    price: float
    time: datetime
    source: str
    simulated: bool


def _bar_point(row: Any, interval: Interval, at_end: bool) -> PricePoint:
    time = row.start + interval.delta if at_end else row.start
    price = float(row.close if at_end else row.open)
    return PricePoint(
        price, time, f"{row.provider} {interval.value} bar", row.provider == SIMULATED
    )


def _latest_prices_statement() -> Select[Any]:
    """The quote and each interval's last bar not after an instant, as one UNION ALL with
    bound parameters: built and compiled once, since building it took a millisecond of
    Python per call (a story's snapshot makes several, inside its write transaction)."""
    latest = [
        select(
            literal("quote").label("kind"),
            quotes.c.as_of.label("start"),
            quotes.c.price.label("close"),
            quotes.c.provider,
            quotes.c.simulated,
        )
        .where(quotes.c.symbol == bindparam("symbol"), quotes.c.as_of <= bindparam("moment"))
        .limit(1)
        .subquery()
    ]
    for interval in Interval:
        latest.append(
            select(
                literal(interval.value).label("kind"),
                bars.c.start,
                bars.c.close,
                bars.c.provider,
                literal(False).label("simulated"),
            )
            .where(
                bars.c.symbol == bindparam("symbol"),
                bars.c.interval == interval.value,
                bars.c.start <= bindparam(f"ended_{interval.name}", type_=bars.c.start.type),
            )
            .order_by(bars.c.start.desc())
            .limit(1)
            .subquery()
        )
    return select(union_all(*(select(*each.c) for each in latest)).subquery())


_LATEST_PRICES = _latest_prices_statement()


def price_at(connection: Connection, symbol: str, moment: datetime) -> PricePoint | None:
    """The last price known at ``moment``: the newest quote or bar close not after it.

    The quote and each interval's last bar are read in one statement (a story names
    several instruments, and each was a query per interval before), then chosen as they
    always were: a coarser bar counts only when nothing is within a day of ``moment``, and
    only when it ended later than what was found before it."""
    ended = {f"ended_{interval.name}": moment - interval.delta for interval in Interval}
    rows = {
        row.kind: row
        for row in connection.execute(_LATEST_PRICES, {"symbol": symbol, "moment": moment, **ended})
    }
    best: PricePoint | None = None
    if (quote := rows.get("quote")) is not None:
        best = PricePoint(
            float(quote.close), quote.start, f"{quote.provider} quote", bool(quote.simulated)
        )
    for interval in Interval:
        if best is not None and best.time >= moment - _MINUTE_BARS_REACH:
            break
        row = rows.get(interval.value)
        if row is not None and (best is None or row.start + interval.delta > best.time):
            best = _bar_point(row, interval, at_end=True)
    return best


def first_price_from(
    connection: Connection, symbol: str, start: datetime, until: datetime
) -> PricePoint | None:
    """The opening price of the first bar starting in [start, until): a session's open."""
    for interval in (Interval.M1, Interval.M5, Interval.H1):
        row = connection.execute(
            select(bars.c.start, bars.c.close, bars.c.open, bars.c.provider)
            .where(
                bars.c.symbol == symbol,
                bars.c.interval == interval.value,
                bars.c.start >= start,
                bars.c.start < until,
            )
            .order_by(bars.c.start)
            .limit(1)
        ).first()
        if row is not None:
            return _bar_point(row, interval, at_end=False)
    return None


_KEYS_AND_TIMES = ("article_id", "recorded_at")
_HORIZON_KEY = ("article_id", "symbol", "horizon")


_BLOCK_HOURS = 4
_BLOCK = timedelta(hours=_BLOCK_HOURS)
_BLOCK_OF_BARS = (
    select(bars.c.start, bars.c.open, bars.c.close, bars.c.provider)
    .where(
        bars.c.symbol == bindparam("symbol"),
        bars.c.interval == Interval.M1.value,
        bars.c.start >= bindparam("start"),
        bars.c.start < bindparam("end"),
    )
    .order_by(bars.c.start)
)


_LAST_MINUTE_BAR = (
    select(bars.c.start, bars.c.open, bars.c.close, bars.c.provider)
    .where(
        bars.c.symbol == bindparam("symbol"),
        bars.c.interval == Interval.M1.value,
        bars.c.start <= bindparam("latest"),
    )
    .order_by(bars.c.start.desc())
    .limit(1)
)


def _block_of(moment: datetime) -> datetime:
    """The start of the block of hours ``moment`` falls in: bars are read a block at a time."""
    return moment.replace(
        hour=moment.hour - moment.hour % _BLOCK_HOURS, minute=0, second=0, microsecond=0
    )


class PriceBook:
    """The prices a batch of horizons needs, each read once: the batch's latest quotes in
    one query, and each symbol's minute bars four hours at a time as a lookup first needs
    them (a batch's instants gather in a few blocks, however far apart its horizons start).
    It answers :func:`price_at` and :func:`first_price_from` exactly as they do, and asks
    the database itself for a moment just after a gap in trading, and beyond a day before
    an instant (old stories, coarser bars)."""

    def __init__(self, connection: Connection, symbols: Iterable[str]) -> None:
        self.connection = connection
        self._blocks: dict[tuple[str, datetime], tuple[list[datetime], list[Any]]] = {}
        self._quotes = {
            row.symbol: PricePoint(
                float(row.price), row.as_of, f"{row.provider} quote", bool(row.simulated)
            )
            for row in connection.execute(
                select(quotes.c.symbol, quotes.c.price, quotes.c.as_of, quotes.c.provider)
                .add_columns(quotes.c.simulated)
                .where(quotes.c.symbol.in_(sorted(set(symbols))))
            )
        }

    def _block(self, symbol: str, block: datetime) -> tuple[list[datetime], list[Any]]:
        key = (symbol, block)
        if key not in self._blocks:
            params = {"symbol": symbol, "start": block, "end": block + _BLOCK}
            rows = list(self.connection.execute(_BLOCK_OF_BARS, params))
            self._blocks[key] = ([r.start for r in rows], rows)
        return self._blocks[key]

    def _last_bar_by(self, symbol: str, moment: datetime) -> PricePoint | None:
        """The close of the newest minute bar ended by ``moment``: from its block when that
        block has one, else by one indexed query (a moment just after a market's gap)."""
        latest_start = moment - Interval.M1.delta
        starts, rows = self._block(symbol, _block_of(latest_start))
        index = bisect_right(starts, latest_start) - 1
        if index >= 0:
            return _bar_point(rows[index], Interval.M1, at_end=True)
        params = {"symbol": symbol, "latest": latest_start}
        row = self.connection.execute(_LAST_MINUTE_BAR, params).first()
        return _bar_point(row, Interval.M1, at_end=True) if row is not None else None

    def price_at(self, symbol: str, moment: datetime) -> PricePoint | None:
        quote = self._quotes.get(symbol)
        best = quote if quote is not None and quote.time <= moment else None
        bar = self._last_bar_by(symbol, moment)
        if bar is not None and (best is None or bar.time > best.time):
            best = bar
        if best is not None and best.time >= moment - _MINUTE_BARS_REACH:
            return best
        return price_at(self.connection, symbol, moment)  # coarser bars may be newer

    def first_price_from(self, symbol: str, start: datetime, until: datetime) -> PricePoint | None:
        block = _block_of(start)
        for looked in (block, block + _BLOCK):
            if looked >= until:
                break
            starts, rows = self._block(symbol, looked)
            index = bisect_left(starts, start)
            if index < len(starts):
                return (
                    _bar_point(rows[index], Interval.M1, at_end=False)
                    if starts[index] < until
                    else None
                )
        return first_price_from(self.connection, symbol, start, until)


@dataclass(frozen=True, slots=True)
class PublicationPrice:
    symbol: str
    role: str
    price: float | None
    quote_time: datetime | None
    source: str | None
    simulated: bool
    market_state: str


@dataclass(frozen=True, slots=True)
class PendingReaction:
    """A horizon to measure: what the ingest knew about it."""

    article_id: int
    symbol: str
    horizon: str
    start_time: datetime
    end_time: datetime
    note: str | None
    due_at: datetime
    benchmark_symbol: str | None


@dataclass(frozen=True, slots=True)
class Reaction:
    """One horizon of one instrument after one article, measured or still pending."""

    article_id: int
    symbol: str
    horizon: str
    start_time: datetime
    end_time: datetime
    note: str | None
    due_at: datetime | None
    start_price: float | None
    start_quote_time: datetime | None
    start_source: str | None
    end_price: float | None
    end_quote_time: datetime | None
    end_source: str | None
    move_pct: float | None
    benchmark_symbol: str | None
    benchmark_start: float | None
    benchmark_start_time: datetime | None
    benchmark_end: float | None
    benchmark_end_time: datetime | None
    benchmark_source: str | None
    benchmark_move_pct: float | None
    excess_pct: float | None
    simulated: bool
    computed_at: datetime | None

    @property
    def known(self) -> bool:
        return self.computed_at is not None


_PRICE_FIELDS = [
    c.name for c in article_prices.columns if c.name not in ("article_id", "recorded_at")
]


def record_publication(
    connection: Connection,
    article_id: int,
    prices: Sequence[dict[str, Any]],
    pending: Sequence[dict[str, Any]],
    now: datetime,
) -> None:
    """Write the prices at publication and the waiting horizons, inside the caller's
    transaction; rows already there (an article saved again) are kept as first written."""
    have_prices = set(
        connection.execute(
            select(article_prices.c.symbol).where(article_prices.c.article_id == article_id)
        ).scalars()
    )
    have_horizons = {
        (r.symbol, r.horizon)
        for r in connection.execute(
            select(article_reactions.c.symbol, article_reactions.c.horizon).where(
                article_reactions.c.article_id == article_id
            )
        )
    }
    new_prices = [
        {**p, "article_id": article_id, "recorded_at": now}
        for p in prices
        if p["symbol"] not in have_prices
    ]
    new_pending = [
        {**p, "article_id": article_id}
        for p in pending
        if (p["symbol"], p["horizon"]) not in have_horizons
    ]
    if new_prices:
        connection.execute(article_prices.insert(), new_prices)
    if new_pending:
        connection.execute(article_reactions.insert(), new_pending)


class ReactionStore:
    """Reads and writes of the reaction tables for the task and the pages."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def due(self, now: datetime, limit: int = 500) -> list[PendingReaction]:
        """Horizons whose end has passed (with its grace), oldest due first."""
        query = (
            select(
                article_reactions.c.article_id,
                article_reactions.c.symbol,
                article_reactions.c.horizon,
                article_reactions.c.start_time,
                article_reactions.c.end_time,
                article_reactions.c.note,
                article_reactions.c.due_at,
                article_reactions.c.benchmark_symbol,
            )
            .where(article_reactions.c.due_at <= now)
            .order_by(article_reactions.c.due_at)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [PendingReaction(*row) for row in connection.execute(query)]

    def save_measured(self, measured: Sequence[dict[str, Any]]) -> int:
        """Store measured horizons and clear their ``due_at``, in one statement run for
        every row; a row measured already (by another worker) is left as it was, so each
        figure is computed once. How many rows were stored."""
        if not measured:
            return 0
        names = [n for n in measured[0] if n not in _HORIZON_KEY]
        statement = (
            update(article_reactions)
            .where(
                article_reactions.c.article_id == bindparam("key_article_id"),
                article_reactions.c.symbol == bindparam("key_symbol"),
                article_reactions.c.horizon == bindparam("key_horizon"),
                article_reactions.c.computed_at.is_(None),
            )
            .values({n: bindparam(f"new_{n}") for n in names} | {"due_at": None})
        )
        rows = [
            {f"key_{k}": row[k] for k in _HORIZON_KEY} | {f"new_{n}": row[n] for n in names}
            for row in measured
        ]
        with self.engine.begin() as connection:
            result = connection.execute(statement, rows)
        return int(result.rowcount or 0)

    def publication_prices(
        self, connection: Connection, article_ids: Iterable[int]
    ) -> dict[tuple[int, str], PricePoint]:
        """The prices recorded at the publication of ``article_ids``, by (article, symbol)."""
        query = select(article_prices).where(
            article_prices.c.article_id.in_(sorted(set(article_ids))),
            article_prices.c.price.is_not(None),
        )
        return {
            (row.article_id, row.symbol): PricePoint(
                float(row.price), row.quote_time, row.source, bool(row.simulated)
            )
            for row in connection.execute(query)
        }

    def prices(self, article_id: int) -> list[PublicationPrice]:
        query = (
            select(*(article_prices.c[name] for name in _PRICE_FIELDS))
            .where(article_prices.c.article_id == article_id)
            .order_by(article_prices.c.role.desc(), article_prices.c.symbol)
        )
        with self.engine.connect() as connection:
            return [PublicationPrice(*row) for row in connection.execute(query)]

    def reactions(self, article_id: int) -> list[Reaction]:
        query = select(article_reactions).where(article_reactions.c.article_id == article_id)
        with self.engine.connect() as connection:
            return [Reaction(**row._mapping) for row in connection.execute(query)]

    def moves(self, symbol: str, article_ids: Sequence[int]) -> dict[int, list[Reaction]]:
        """The horizons of ``symbol`` after each of ``article_ids``, by article."""
        found: dict[int, list[Reaction]] = {a: [] for a in article_ids}
        if not article_ids:
            return found
        query = select(article_reactions).where(
            article_reactions.c.symbol == symbol,
            article_reactions.c.article_id.in_(list(article_ids)),
        )
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                found[row.article_id].append(Reaction(**row._mapping))
        return found

    def tagged_between(
        self, symbol: str, start: datetime, end: datetime, limit: int = 200
    ) -> list[ArticleListing]:
        """Articles tagged with ``symbol`` published in [start, end), newest first."""
        query = (
            select(*LISTING_COLUMNS)
            .join(article_instruments, article_instruments.c.article_id == articles.c.id)
            .where(
                article_instruments.c.symbol == symbol,
                articles.c.published >= start,
                articles.c.published < end,
            )
            .order_by(articles.c.published.desc(), articles.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [listing(row) for row in connection.execute(query)]
