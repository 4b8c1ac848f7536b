"""The instruments and entities each article concerns, and what they let us ask."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Engine, delete, func, select

from tickerwire.news.model import (
    ArticleEntity,
    ArticleInstrument,
    ArticleListing,
    ArticleTags,
    Entity,
    TrendingSymbol,
)
from tickerwire.store.article_rows import LISTING_COLUMNS, listing
from tickerwire.store.schema import article_entities, article_instruments, articles


def replace_tags(connection: Connection, article_id: int, tags: ArticleTags) -> None:
    """Replace an article's tags inside the caller's transaction, so the article and its
    tags are committed (or rolled back) together."""
    connection.execute(
        delete(article_instruments).where(article_instruments.c.article_id == article_id)
    )
    connection.execute(delete(article_entities).where(article_entities.c.article_id == article_id))
    if tags.instruments:
        connection.execute(
            article_instruments.insert(),
            [
                {"article_id": article_id, "symbol": t.symbol, "mentions": t.mentions}
                for t in tags.instruments
            ],
        )
    if tags.entities:
        connection.execute(
            article_entities.insert(),
            [
                {
                    "article_id": article_id,
                    "slug": e.slug,
                    "name": e.name,
                    "kind": e.kind,
                    "mentions": e.mentions,
                }
                for e in tags.entities
            ],
        )


class TagQueries:
    engine: Engine

    def tags(self, article_id: int) -> ArticleTags:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(article_instruments.c.symbol, article_instruments.c.mentions)
                .where(article_instruments.c.article_id == article_id)
                .order_by(article_instruments.c.mentions.desc(), article_instruments.c.symbol)
            )
            instruments = [ArticleInstrument(r.symbol, r.mentions) for r in found]
            named = connection.execute(
                select(
                    article_entities.c.slug,
                    article_entities.c.name,
                    article_entities.c.kind,
                    article_entities.c.mentions,
                )
                .where(article_entities.c.article_id == article_id)
                .order_by(article_entities.c.mentions.desc(), article_entities.c.name)
            )
            entities = [ArticleEntity(r.slug, r.name, r.kind, r.mentions) for r in named]
        return ArticleTags(instruments, entities)

    def _tagged_articles(self, condition: ColumnElement[bool], limit: int) -> list[ArticleListing]:
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        query = (
            select(*LISTING_COLUMNS)
            .where(condition)
            .order_by(when.desc(), articles.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [listing(row) for row in connection.execute(query)]

    def articles_for_symbol(self, symbol: str, limit: int = 20) -> list[ArticleListing]:
        tagged = select(article_instruments.c.article_id).where(
            article_instruments.c.symbol == symbol
        )
        return self._tagged_articles(articles.c.id.in_(tagged), limit)

    def articles_for_entity(self, slug: str, limit: int = 20) -> list[ArticleListing]:
        tagged = select(article_entities.c.article_id).where(article_entities.c.slug == slug)
        return self._tagged_articles(articles.c.id.in_(tagged), limit)

    def entity(self, slug: str) -> Entity | None:
        """The entity's display name and kind, as most often tagged."""
        query = (
            select(article_entities.c.name, article_entities.c.kind, func.count().label("n"))
            .where(article_entities.c.slug == slug)
            .group_by(article_entities.c.name, article_entities.c.kind)
            .order_by(func.count().desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return Entity(slug=slug, name=row.name, kind=row.kind) if row else None

    def trending(self, since: datetime, limit: int = 10) -> list[TrendingSymbol]:
        """Instruments by how many articles named them since ``since``, then mentions."""
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        query = (
            select(
                article_instruments.c.symbol,
                func.count().label("articles"),
                func.sum(article_instruments.c.mentions).label("mentions"),
            )
            .join(articles, articles.c.id == article_instruments.c.article_id)
            .where(when >= since)
            .group_by(article_instruments.c.symbol)
            .order_by(
                func.count().desc(),
                func.sum(article_instruments.c.mentions).desc(),
                article_instruments.c.symbol,
            )
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                TrendingSymbol(row.symbol, int(row.articles), int(row.mentions))
                for row in connection.execute(query)
            ]
