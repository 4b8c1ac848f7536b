"""The headlines as they stood at a past moment: only articles first seen by then.

An article's ``published`` time is the publisher's word and can lie in either direction;
``first_seen_at`` is when Tickerwire stored it, so it alone decides whether the portal could
have shown the article at the moment. Within those, the order is the home page's: newest by
published time (else first seen), one article per story, the first one stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select

from tickerwire.news.model import ArticleListing
from tickerwire.store.article_rows import LISTING_COLUMNS, listing
from tickerwire.store.schema import articles


def articles_seen_by(
    engine: Engine, moment: datetime, limit: int = 20, offset: int = 0
) -> list[ArticleListing]:
    """Newest first, as :meth:`ArticleQueries.latest_articles` orders them, of the articles
    first seen at or before ``moment``."""
    seen = articles.c.first_seen_at <= moment
    first_of_story = (
        select(func.min(articles.c.id)).where(seen).group_by(articles.c.story_id).scalar_subquery()
    )
    when = func.coalesce(articles.c.published, articles.c.first_seen_at)
    query = (
        select(*LISTING_COLUMNS)
        .where(seen, articles.c.id.in_(first_of_story))
        .order_by(when.desc(), articles.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with engine.connect() as connection:
        return [listing(row) for row in connection.execute(query)]


def first_article_seen(engine: Engine) -> datetime | None:
    """When the first article was stored: before it the portal had no headlines."""
    with engine.connect() as connection:
        value: datetime | None = connection.execute(
            select(articles.c.first_seen_at).order_by(articles.c.first_seen_at).limit(1)
        ).scalar()
    return value
