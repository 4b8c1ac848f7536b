"""The typed records of the news flow, in one place so every stage and every door speaks
of the same things: a parsed ``Feed`` and its ``Entry`` items, an extracted ``Article`` with
its ``Figure`` images (caption and credit kept apart) and its ``Video``.

HTML fields hold sanitized HTML; text fields hold plain text, to be escaped at output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Enclosure:
    """A file attached to an entry: podcast audio, a video, an image."""

    url: str
    media_type: str | None = None
    length: int | None = None


@dataclass(frozen=True)
class Entry:
    """One item of a feed. HTML fields are sanitized; URL fields passed :func:`safe_url`."""

    id: str
    url: str | None
    title: str
    summary_html: str = ""
    content_html: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    authors: list[str] = field(default_factory=list)
    image_url: str | None = None
    enclosures: list[Enclosure] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Feed:
    """A parsed feed; ``format`` is e.g. ``rss20``, ``rss10``, ``atom10``, ``json11``."""

    title: str
    link: str | None
    description: str
    language: str | None
    ttl_minutes: int | None
    entries: list[Entry]
    format: str


@dataclass(frozen=True)
class Figure:
    """An image of the article with the words printed under it."""

    url: str
    caption: str | None
    credit: str | None
    alt: str | None


@dataclass(frozen=True)
class Video:
    """A video embedded in or linked from the article, shown as "Now watch"."""

    url: str
    title: str | None
    thumbnail: str | None
    provider: str | None


@dataclass(frozen=True)
class Article:
    """An extracted article. ``body_html`` is already sanitized and holds text only (images
    are in ``lead_image`` and ``figures``); ``byline`` is ``authors`` joined with ", ";
    times are UTC."""

    title: str | None
    byline: str | None
    authors: list[str]
    published: datetime | None
    updated: datetime | None
    site_name: str | None
    canonical_url: str | None
    lang: str | None
    lead_image: Figure | None
    figures: list[Figure]
    video: Video | None
    body_html: str
    text: str
    description: str | None
