"""The typed records of the news flow, in one place so every stage and every door speaks
of the same things: a parsed ``Feed`` and its ``Entry`` items, an extracted ``Article`` with
its ``Figure`` images (caption and credit kept apart, the widths the page offered as
``ImageSource`` renditions) and its ``Video``; and what the store hands back: a
``StoredArticle``, ``ArticleListing`` rows, ``StorySibling`` copies, an article's
``ArticleTags``, a topic's ``Entity`` and ``TrendingSymbol`` counts.

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
class ImageSource:
    """One rendition a page offers of an image (a ``srcset`` candidate), by its width."""

    url: str
    width: int


@dataclass(frozen=True)
class Figure:
    """An image of the article with the words printed under it."""

    url: str
    """The rendition shown by default and fetched ahead: the page's own image, or, where it
    offered several widths, the one nearest 1200 px (news/srcset.py)."""
    caption: str | None
    credit: str | None
    alt: str | None
    follows: str | None = None
    """The end of the text the figure stood after in the page, so the body can put it back
    at its place (news/compose.py); None when it led the page."""
    precedes: str | None = None
    """The start of the text the figure stood before in the page, to place it when the body
    dropped the paragraph it followed (news/compose.py); None when nothing came after."""
    sources: tuple[ImageSource, ...] = ()
    """Every width the page offered (``srcset``, ``<picture><source>``), narrowest first,
    for pages to offer them again; empty when it gave one image."""


@dataclass(frozen=True)
class Video:
    """A video embedded in or linked from the article, shown as "Now watch"."""

    url: str
    title: str | None
    thumbnail: str | None
    provider: str | None
    duration: int | None = None
    """Its running time in whole seconds, when the page says."""


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


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store keeps it: the extracted fields plus where it sits (its
    story) and when we saw it. ``extracted`` is False when the page could not be read and
    ``body_html``/``text`` come from the feed's summary (``extraction_error`` says why).
    ``body_html`` holds the figures in place and is shown exactly as stored
    (news/compose.py); ``figures`` lists them again for the JSON twin."""

    id: int
    story_id: int
    canonical_url: str
    url: str
    title: str
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
    first_seen_at: datetime
    fetched_at: datetime


@dataclass(frozen=True)
class ArticleListing:
    """One row of a list of articles: what a headline or a feed entry needs."""

    id: int
    story_id: int
    title: str
    site_name: str | None
    byline: str | None
    published: datetime | None
    first_seen_at: datetime
    lead_image: Figure | None
    url: str
    extracted: bool
    text: str
    """The start of the article's text (at most 500 characters), for summaries."""

    @property
    def when(self) -> datetime:
        """The time lists sort and show it by: published, else when we first saw it."""
        return self.published or self.first_seen_at


@dataclass(frozen=True)
class StorySibling:
    """Another article of the same story: a syndicated copy, shown as "Also from"."""

    id: int
    title: str
    site_name: str | None
    url: str


@dataclass(frozen=True)
class ArticleInstrument:
    """An instrument an article names (by registry symbol), how often, and how much the
    article is about it (tagger.relevance)."""

    symbol: str
    mentions: int
    relevance: float = 0.0


@dataclass(frozen=True)
class ArticleEntity:
    """A company, person, institution or place an article names; ``slug`` is its topic."""

    slug: str
    name: str
    kind: str
    mentions: int
    relevance: float = 0.0


@dataclass(frozen=True)
class ArticleTags:
    """Everything an article is tagged with, most mentioned first; saved and read as one."""

    instruments: list[ArticleInstrument] = field(default_factory=list)
    entities: list[ArticleEntity] = field(default_factory=list)


@dataclass(frozen=True)
class Entity:
    """A topic page's subject: an entity by its slug, with its usual name and kind."""

    slug: str
    name: str
    kind: str


@dataclass(frozen=True)
class TrendingSymbol:
    """An instrument by how much the recent news names it."""

    symbol: str
    articles: int
    mentions: int
