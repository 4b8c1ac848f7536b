"""What the pipeline hands the store to write: an article and a feed entry, as plain
records, so the store's modules and its limits share them without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tickerwire.news.model import Figure, Video


@dataclass(frozen=True)
class ArticleRecord:
    """An article as the pipeline hands it to the store; HTML already sanitized."""

    canonical_url: str
    url: str
    title: str
    title_key: str
    byline: str | None
    site_name: str | None
    lang: str | None
    published: datetime | None
    updated: datetime | None
    lead_image: Figure | None
    figures: list[Figure]
    video: Video | None
    body_html: str
    text: str
    summary_html: str
    extracted: bool
    extraction_error: str | None
    fingerprint: int | None
    fetched_at: datetime
    story_id: int | None = None
    retry_at: datetime | None = None
    """When to fetch the page again for its full text; None when there is no reason to."""


@dataclass(frozen=True)
class EntryRecord:
    identity: str
    guid: str
    url: str | None
    title: str
    summary_html: str
    published: datetime | None
    image_url: str | None
    authors: list[str]
    article_id: int | None
