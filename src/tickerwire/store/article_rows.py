"""Rows of the ``articles`` table turned into the news records, and figures to and from
their JSON columns: the one place that knows how an article is laid out in the store."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Row, func

from tickerwire.news.model import ArticleListing, Figure, ImageSource, StoredArticle, Video
from tickerwire.store.schema import articles

LISTING_TEXT_CHARS = 500
"""A listing carries the start of the text (enough for a feed entry's summary), never
the whole body: a page of headlines must not load every article's full text."""

#: What a headline needs: the columns every article listing selects.
LISTING_COLUMNS = (
    articles.c.id,
    articles.c.story_id,
    articles.c.title,
    articles.c.site_name,
    articles.c.byline,
    articles.c.published,
    articles.c.first_seen_at,
    articles.c.lead_image,
    articles.c.url,
    articles.c.extracted,
    func.substr(articles.c.text, 1, LISTING_TEXT_CHARS).label("text"),
)


def figure_json(figure: Figure | None) -> dict[str, Any] | None:
    return asdict(figure) if figure is not None else None


def video_json(video: Video | None) -> dict[str, Any] | None:
    return asdict(video) if video is not None else None


def _figure(raw: dict[str, Any] | None) -> Figure | None:
    if not raw or not raw.get("url"):
        return None
    return Figure(
        url=raw["url"],
        caption=raw.get("caption"),
        credit=raw.get("credit"),
        alt=raw.get("alt"),
        sources=tuple(_sources(raw.get("sources"))),
    )


def _sources(raw: Any) -> list[ImageSource]:
    """A figure's renditions; rows written before figures kept them have none."""
    return [
        ImageSource(url=s["url"], width=s["width"])
        for s in raw or []
        if isinstance(s, dict) and isinstance(s.get("url"), str) and isinstance(s.get("width"), int)
    ]


def _video(raw: dict[str, Any] | None) -> Video | None:
    if not raw or not raw.get("url"):
        return None
    duration = raw.get("duration")
    return Video(
        url=raw["url"],
        title=raw.get("title"),
        thumbnail=raw.get("thumbnail"),
        provider=raw.get("provider"),
        duration=duration if isinstance(duration, int) else None,
    )


def listing(row: Row[*tuple[Any, ...]]) -> ArticleListing:
    return ArticleListing(
        id=row.id,
        story_id=row.story_id,
        title=row.title,
        site_name=row.site_name,
        byline=row.byline,
        published=row.published,
        first_seen_at=row.first_seen_at,
        lead_image=_figure(row.lead_image),
        url=row.url,
        extracted=bool(row.extracted),
        text=row.text,
    )


def stored_article(row: Row[*tuple[Any, ...]]) -> StoredArticle:
    return StoredArticle(
        id=row.id,
        story_id=row.story_id,
        canonical_url=row.canonical_url,
        url=row.url,
        title=row.title,
        byline=row.byline,
        site_name=row.site_name,
        lang=row.lang,
        published=row.published,
        updated=row.updated,
        lead_image=_figure(row.lead_image),
        figures=[f for f in map(_figure, row.figures or []) if f is not None],
        video=_video(row.video),
        body_html=row.body_html,
        text=row.text,
        summary_html=row.summary_html,
        extracted=bool(row.extracted),
        extraction_error=row.extraction_error,
        first_seen_at=row.first_seen_at,
        fetched_at=row.fetched_at,
    )
