"""Turning tags into what the store keeps: entity slugs for /topic URLs, tag rows."""

from __future__ import annotations

from slugify import slugify

from tickerwire.news.tag.tagger import Tagger, Tags
from tickerwire.store.news import NewsStore


def entity_slug(name: str) -> str:
    """'Bank of England' -> 'bank-of-england'; stable, ASCII, at most 120 characters."""
    return slugify(name, max_length=120) or "unnamed"


def tag_article(tagger: Tagger, store: NewsStore, article_id: int) -> Tags | None:
    """Tag one stored article from its title and text and save the tags (replacing any)."""
    row = store.article(article_id)
    if row is None:
        return None
    tags = tagger.tag(row["text"], title=row["title"])
    store.save_tags(
        article_id,
        [(t.symbol, t.mentions) for t in tags.instruments],
        [(entity_slug(e.name), e.name, e.kind, e.mentions) for e in tags.entities],
    )
    return tags
