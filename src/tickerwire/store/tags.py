"""The instruments and entities each article concerns, and what they let us ask."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, select

from tickerwire.store.articles import LISTING_COLUMNS
from tickerwire.store.schema import article_entities, article_instruments, articles


class TagQueries:
    engine: Engine

    def save_tags(
        self,
        article_id: int,
        instruments: Sequence[tuple[str, int]],
        entities: Sequence[tuple[str, str, str, int]],
    ) -> None:
        """Replace an article's tags: (symbol, mentions) and (slug, name, kind, mentions)."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(article_instruments).where(article_instruments.c.article_id == article_id)
            )
            connection.execute(
                delete(article_entities).where(article_entities.c.article_id == article_id)
            )
            if instruments:
                connection.execute(
                    article_instruments.insert(),
                    [
                        {"article_id": article_id, "symbol": s, "mentions": m}
                        for s, m in instruments
                    ],
                )
            if entities:
                connection.execute(
                    article_entities.insert(),
                    [
                        {
                            "article_id": article_id,
                            "slug": slug,
                            "name": n,
                            "kind": k,
                            "mentions": m,
                        }
                        for slug, n, k, m in entities
                    ],
                )

    def tags(self, article_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(article_instruments.c.symbol, article_instruments.c.mentions)
                .where(article_instruments.c.article_id == article_id)
                .order_by(article_instruments.c.mentions.desc(), article_instruments.c.symbol)
            )
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
            return [dict(r._mapping) for r in found], [dict(r._mapping) for r in named]

    def _tagged_articles(self, condition: Any, limit: int) -> list[dict[str, Any]]:
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        query = (
            select(*LISTING_COLUMNS, articles.c.text)
            .where(condition)
            .order_by(when.desc(), articles.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def articles_for_symbol(self, symbol: str, limit: int = 20) -> list[dict[str, Any]]:
        tagged = select(article_instruments.c.article_id).where(
            article_instruments.c.symbol == symbol
        )
        return self._tagged_articles(articles.c.id.in_(tagged), limit)

    def articles_for_entity(self, slug: str, limit: int = 20) -> list[dict[str, Any]]:
        tagged = select(article_entities.c.article_id).where(article_entities.c.slug == slug)
        return self._tagged_articles(articles.c.id.in_(tagged), limit)

    def entity(self, slug: str) -> dict[str, Any] | None:
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
        return {"slug": slug, "name": row.name, "kind": row.kind} if row else None

    def trending(self, since: datetime, limit: int = 10) -> list[dict[str, Any]]:
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
            return [dict(row._mapping) for row in connection.execute(query)]
