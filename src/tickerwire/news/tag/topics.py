"""Turning tags into what the store keeps: entity slugs for /topic URLs, tag rows."""

from __future__ import annotations

from dataclasses import replace

from slugify import slugify

from tickerwire.news.model import ArticleEntity, ArticleInstrument, ArticleTags
from tickerwire.news.tag.tagger import Tags


def entity_slug(name: str) -> str:
    """'Bank of England' -> 'bank-of-england'; stable, ASCII, at most 120 characters."""
    return slugify(name, max_length=120) or "unnamed"


def article_tags(tags: Tags) -> ArticleTags:
    """The tagger's result as the article's tag rows: the one place tags become rows.

    Two names that slug alike (``S&P Global`` and ``S-P Global``) are one topic, so their
    mentions are added up under the first name seen, keeping the higher relevance: a topic's
    slug is the key of its row.
    """
    entities: dict[str, ArticleEntity] = {}
    for entity in tags.entities:
        slug = entity_slug(entity.name)
        seen = entities.get(slug)
        entities[slug] = (
            replace(
                seen,
                mentions=seen.mentions + entity.mentions,
                relevance=max(seen.relevance, entity.relevance),
            )
            if seen
            else ArticleEntity(slug, entity.name, entity.kind, entity.mentions, entity.relevance)
        )
    return ArticleTags(
        instruments=[
            ArticleInstrument(t.symbol, t.mentions, t.relevance) for t in tags.instruments
        ],
        entities=list(entities.values()),
    )
