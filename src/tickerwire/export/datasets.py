"""Each dataset: its columns (a pyarrow schema, the one the files carry and docs/export.md
documents) and the query that reads its rows in batches, in a stable order.

Times are UTC instants; prices are in the instrument's own currency, as stored; moves are
percentages (1.5 means 1.5 %). Tags are space-separated (symbols and topic slugs hold no
spaces), so the CSV and the Parquet file have the same columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from tickerwire.export.filters import ExportFilter
from tickerwire.store.schema import (
    article_entities,
    article_instruments,
    article_prices,
    article_reactions,
    articles,
    bars,
)

UTC_TIME = pa.timestamp("us", tz="UTC")
Columns = dict[str, list[Any]]
"""A batch of rows as columns, as Arrow holds them: no per-row dict is ever built."""


@dataclass(frozen=True)
class Dataset:
    name: str
    schema: pa.Schema
    query: Callable[[ExportFilter], Select[Any]]
    """Every row the filter lets through, in the order the file has them."""
    finish: Callable[[Connection, Columns, ExportFilter], Columns] = lambda _c, cols, _f: cols
    """What a batch still needs once read (an article's tags)."""
    takes_entities: bool = True

    def schema_for(self, chosen: ExportFilter) -> pa.Schema:
        if self.name == "articles" and chosen.with_bodies:
            return self.schema.append(pa.field("text", pa.string()))
        return self.schema


def _when() -> ColumnElement[Any]:
    return func.coalesce(articles.c.published, articles.c.first_seen_at)


def _article_conditions(
    chosen: ExportFilter, article_id: Any, *, by_symbol: bool
) -> list[ColumnElement[bool]]:
    """Entities and days narrow by the article; symbols too when ``by_symbol`` (articles
    tagged with one), else the caller narrows its own symbol column."""
    conditions: list[ColumnElement[bool]] = []
    if by_symbol and chosen.symbols:
        tagged = select(article_instruments.c.article_id).where(
            article_instruments.c.symbol.in_(chosen.symbols)
        )
        conditions.append(article_id.in_(tagged))
    if chosen.entities:
        named = select(article_entities.c.article_id).where(
            article_entities.c.slug.in_(chosen.entities)
        )
        conditions.append(article_id.in_(named))
    if chosen.starts is not None:
        conditions.append(_when() >= chosen.starts)
    if chosen.ends is not None:
        conditions.append(_when() < chosen.ends)
    return conditions


# Bars ------------------------------------------------------------------------------------

BARS = pa.schema(
    [
        pa.field("symbol", pa.string(), nullable=False),
        pa.field("interval", pa.string(), nullable=False),
        pa.field("start", UTC_TIME, nullable=False),
        pa.field("open", pa.float64(), nullable=False),
        pa.field("high", pa.float64(), nullable=False),
        pa.field("low", pa.float64(), nullable=False),
        pa.field("close", pa.float64(), nullable=False),
        pa.field("volume", pa.float64()),
        pa.field("provider", pa.string(), nullable=False),
    ]
)


def _bars(chosen: ExportFilter) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = []
    if chosen.symbols:
        conditions.append(bars.c.symbol.in_(chosen.symbols))
    if chosen.interval is not None:
        conditions.append(bars.c.interval == chosen.interval.value)
    if chosen.starts is not None:
        conditions.append(bars.c.start >= chosen.starts)
    if chosen.ends is not None:
        conditions.append(bars.c.start < chosen.ends)
    query = select(*(bars.c[name] for name in BARS.names))
    return query.where(*conditions).order_by(bars.c.symbol, bars.c.interval, bars.c.start)


# Articles --------------------------------------------------------------------------------

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.int64(), nullable=False),
        pa.field("story_id", pa.int64(), nullable=False),
        pa.field("title", pa.string(), nullable=False),
        pa.field("publisher", pa.string()),
        pa.field("byline", pa.string()),
        pa.field("lang", pa.string()),
        pa.field("url", pa.string(), nullable=False),
        pa.field("published", UTC_TIME),
        pa.field("first_seen_at", UTC_TIME, nullable=False),
        pa.field("symbols", pa.string(), nullable=False),
        pa.field("entities", pa.string(), nullable=False),
        pa.field("full_text", pa.bool_(), nullable=False),
    ]
)


def _articles(chosen: ExportFilter) -> Select[Any]:
    columns = [
        articles.c.id.label("article_id"),
        articles.c.story_id,
        articles.c.title,
        articles.c.site_name.label("publisher"),
        articles.c.byline,
        articles.c.lang,
        articles.c.url,
        articles.c.published,
        articles.c.first_seen_at,
        articles.c.extracted.label("full_text"),
    ]
    if chosen.with_bodies:
        columns.append(articles.c.text)
    conditions = _article_conditions(chosen, articles.c.id, by_symbol=True)
    return select(*columns).where(*conditions).order_by(articles.c.id)


def _with_tags(connection: Connection, batch: Columns, _chosen: ExportFilter) -> Columns:
    """Each article's symbols and entity slugs, read for the whole batch at once."""
    ids = batch["article_id"]
    symbols: dict[int, list[str]] = {}
    entities: dict[int, list[str]] = {}
    for article_id, symbol in connection.execute(
        select(article_instruments.c.article_id, article_instruments.c.symbol)
        .where(article_instruments.c.article_id.in_(ids))
        .order_by(article_instruments.c.article_id, article_instruments.c.symbol)
    ):
        symbols.setdefault(article_id, []).append(symbol)
    for article_id, slug in connection.execute(
        select(article_entities.c.article_id, article_entities.c.slug)
        .where(article_entities.c.article_id.in_(ids))
        .order_by(article_entities.c.article_id, article_entities.c.slug)
    ):
        entities.setdefault(article_id, []).append(slug)
    return batch | {
        "symbols": [" ".join(symbols.get(i, [])) for i in ids],
        "entities": [" ".join(entities.get(i, [])) for i in ids],
    }


# Prices at publication and reactions -----------------------------------------------------

PRICES = pa.schema(
    [
        pa.field("article_id", pa.int64(), nullable=False),
        pa.field("article_published", UTC_TIME, nullable=False),
        pa.field("symbol", pa.string(), nullable=False),
        pa.field("role", pa.string(), nullable=False),
        pa.field("price", pa.float64()),
        pa.field("quote_time", UTC_TIME),
        pa.field("source", pa.string()),
        pa.field("simulated", pa.bool_(), nullable=False),
        pa.field("market_state", pa.string(), nullable=False),
        pa.field("recorded_at", UTC_TIME, nullable=False),
    ]
)


def _prices(chosen: ExportFilter) -> Select[Any]:
    columns = [_when().label("article_published")] + [
        article_prices.c[name] for name in PRICES.names if name != "article_published"
    ]
    conditions = _article_conditions(chosen, article_prices.c.article_id, by_symbol=False)
    if chosen.symbols:
        conditions.append(article_prices.c.symbol.in_(chosen.symbols))
    return (
        select(*columns)
        .select_from(article_prices.join(articles, articles.c.id == article_prices.c.article_id))
        .where(*conditions)
        .order_by(article_prices.c.article_id, article_prices.c.symbol)
    )


REACTIONS = pa.schema(
    [
        pa.field("article_id", pa.int64(), nullable=False),
        pa.field("article_published", UTC_TIME, nullable=False),
        pa.field("symbol", pa.string(), nullable=False),
        pa.field("horizon", pa.string(), nullable=False),
        pa.field("start_time", UTC_TIME, nullable=False),
        pa.field("end_time", UTC_TIME, nullable=False),
        pa.field("start_price", pa.float64()),
        pa.field("start_quote_time", UTC_TIME),
        pa.field("end_price", pa.float64()),
        pa.field("end_quote_time", UTC_TIME),
        pa.field("move_pct", pa.float64()),
        pa.field("benchmark_symbol", pa.string()),
        pa.field("benchmark_move_pct", pa.float64()),
        pa.field("excess_pct", pa.float64()),
        pa.field("simulated", pa.bool_(), nullable=False),
        pa.field("computed_at", UTC_TIME),
        pa.field("note", pa.string()),
    ]
)


def _reactions(chosen: ExportFilter) -> Select[Any]:
    columns = [_when().label("article_published")] + [
        article_reactions.c[name] for name in REACTIONS.names if name != "article_published"
    ]
    conditions = _article_conditions(chosen, article_reactions.c.article_id, by_symbol=False)
    if chosen.symbols:
        conditions.append(article_reactions.c.symbol.in_(chosen.symbols))
    joined = article_reactions.join(articles, articles.c.id == article_reactions.c.article_id)
    return (
        select(*columns)
        .select_from(joined)
        .where(*conditions)
        .order_by(
            article_reactions.c.article_id,
            article_reactions.c.symbol,
            article_reactions.c.start_time,
            article_reactions.c.horizon,
        )
    )


DATASETS: dict[str, Dataset] = {
    "bars": Dataset("bars", BARS, _bars, takes_entities=False),
    "articles": Dataset("articles", ARTICLES, _articles, _with_tags),
    "prices": Dataset("prices", PRICES, _prices),
    "reactions": Dataset("reactions", REACTIONS, _reactions),
}


def count(connection: Connection, dataset: Dataset, chosen: ExportFilter) -> int:
    """How many rows the export will have, for its progress bar."""
    inner = dataset.query(chosen).order_by(None).subquery()
    return int(connection.execute(select(func.count()).select_from(inner)).scalar_one())


def batches(
    connection: Connection, dataset: Dataset, chosen: ExportFilter, size: int
) -> Iterator[Columns]:
    """The rows in batches of ``size``, as columns, streamed from the database (a
    server-side cursor on PostgreSQL), so memory holds one batch at a time."""
    result = connection.execution_options(stream_results=True, yield_per=size).execute(
        dataset.query(chosen)
    )
    names = list(result.keys())
    for partition in result.partitions(size):
        values = zip(*partition, strict=True)  # rows -> columns
        columns = {name: list(column) for name, column in zip(names, values, strict=True)}
        yield dataset.finish(connection, columns, chosen)
