"""The instruments and entities each article concerns, and what they let us ask.

Lists of tagged articles put those about the tag first: an article whose tag relevance is at
least :data:`ABOUT` (named in its headline or lead) ranks above any that only mention it in
passing, newest first within each group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, Subquery, case, delete, func, select

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

#: Relevance from which an article is about its tag rather than passing by it (tagger.relevance:
#: a name in the lead alone scores 0.34, five body mentions 0.2).
ABOUT = 0.3


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
                {
                    "article_id": article_id,
                    "symbol": t.symbol,
                    "mentions": t.mentions,
                    "relevance": t.relevance,
                }
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
                    "relevance": e.relevance,
                }
                for e in tags.entities
            ],
        )


@dataclass(frozen=True)
class Taggable:
    """What the tagger reads of a stored article."""

    id: int
    title: str | None
    text: str


class TagQueries:
    engine: Engine

    def taggable(self, after_id: int, limit: int) -> list[Taggable]:
        """Stored articles with ids above ``after_id``, in id order: re-tagging walks the
        whole store in batches of ``limit`` without holding it in memory."""
        query = (
            select(articles.c.id, articles.c.title, articles.c.text)
            .where(articles.c.id > after_id)
            .order_by(articles.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [Taggable(r.id, r.title, r.text or "") for r in connection.execute(query)]

    def taggable_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar_one())

    def save_tags(self, article_id: int, tags: ArticleTags) -> None:
        """Replace one article's tags, in their own transaction."""
        with self.engine.begin() as connection:
            replace_tags(connection, article_id, tags)

    def tags(self, article_id: int) -> ArticleTags:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(
                    article_instruments.c.symbol,
                    article_instruments.c.mentions,
                    article_instruments.c.relevance,
                )
                .where(article_instruments.c.article_id == article_id)
                .order_by(
                    article_instruments.c.relevance.desc(),
                    article_instruments.c.mentions.desc(),
                    article_instruments.c.symbol,
                )
            )
            instruments = [ArticleInstrument(r.symbol, r.mentions, r.relevance) for r in found]
            named = connection.execute(
                select(
                    article_entities.c.slug,
                    article_entities.c.name,
                    article_entities.c.kind,
                    article_entities.c.mentions,
                    article_entities.c.relevance,
                )
                .where(article_entities.c.article_id == article_id)
                .order_by(
                    article_entities.c.relevance.desc(),
                    article_entities.c.mentions.desc(),
                    article_entities.c.name,
                )
            )
            entities = [
                ArticleEntity(r.slug, r.name, r.kind, r.mentions, r.relevance) for r in named
            ]
        return ArticleTags(instruments, entities)

    def _tagged_articles(self, tagged: Subquery, limit: int) -> list[ArticleListing]:
        """Articles of ``tagged`` (article_id, relevance): those about the tag first."""
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        about = case((tagged.c.relevance >= ABOUT, 1), else_=0)
        query = (
            select(*LISTING_COLUMNS)
            .join_from(articles, tagged, tagged.c.article_id == articles.c.id)
            .order_by(about.desc(), when.desc(), articles.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [listing(row) for row in connection.execute(query)]

    def articles_for_symbol(self, symbol: str, limit: int = 20) -> list[ArticleListing]:
        """Articles tagged with ``symbol``: those about it first, then passing mentions."""
        tagged = (
            select(article_instruments.c.article_id, article_instruments.c.relevance)
            .where(article_instruments.c.symbol == symbol)
            .subquery()
        )
        return self._tagged_articles(tagged, limit)

    def articles_for_entity(self, slug: str, limit: int = 20) -> list[ArticleListing]:
        """Articles tagged with the entity ``slug``: those about it first."""
        tagged = (
            select(article_entities.c.article_id, article_entities.c.relevance)
            .where(article_entities.c.slug == slug)
            .subquery()
        )
        return self._tagged_articles(tagged, limit)

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
