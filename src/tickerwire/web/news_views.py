"""View models for headlines and the article page, shared by HTML and the JSON twins.

Article HTML was sanitized on the way in; URL fields are checked again here, on the way
out, so a bad URL that slipped into the store still never reaches a page or the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from pydantic import BaseModel

from tickerwire import humanize
from tickerwire.news.demo import is_demo_url
from tickerwire.news.urls import safe_url
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt

MORE_FROM = 5
EMBED_HOSTS = {
    "www.youtube.com": "youtube",
    "youtube.com": "youtube",
    "www.youtube-nocookie.com": "youtube",
    "player.vimeo.com": "vimeo",
}


class Headline(BaseModel):
    id: int
    title: str
    publisher: str | None
    published: datetime | None
    time_text: str
    thumbnail: str | None
    path: str
    full_text: bool


class FigureView(BaseModel):
    url: str
    caption: str | None
    credit: str | None
    alt: str | None


class VideoView(BaseModel):
    url: str
    embed_url: str | None
    title: str | None
    thumbnail: str | None
    provider: str | None


class SourceView(BaseModel):
    title: str
    publisher: str | None
    path: str
    url: str | None


class BodyPart(BaseModel):
    """A run of body HTML, or a figure placed between runs."""

    html: str | None = None
    figure: FigureView | None = None


class TagChip(BaseModel):
    """An instrument (with its latest quote) or an entity the article names."""

    label: str
    path: str
    kind: str
    mentions: int
    symbol: str | None = None
    price_text: str | None = None
    percent_text: str | None = None
    direction: str | None = None


class TopicPage(BaseModel):
    slug: str
    name: str
    kind: str
    news: list[Headline]
    news_feed: str


class ArticlePage(BaseModel):
    id: int
    title: str
    publisher: str | None
    byline: str | None
    published: datetime | None
    updated: datetime | None
    time_text: str
    lang: str | None
    original_url: str | None
    lead_image: FigureView | None
    body: list[BodyPart]
    body_html: str
    text: str
    figures: list[FigureView]
    video: VideoView | None
    full_text: bool
    sample: bool
    extraction_note: str | None
    more_from: list[Headline]
    also_from: list[SourceView]
    instruments: list[TagChip]
    entities: list[TagChip]


class FeedView(BaseModel):
    id: int
    title: str
    url: str
    site_url: str | None
    state: str
    entries: int
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    next_fetch_at: datetime
    next_fetch_text: str
    last_error: str | None
    consecutive_failures: int


def feeds(runtime: Runtime) -> list[FeedView]:
    now = runtime.now()
    return [
        FeedView(
            id=f.id,
            title=f.title or f.url,
            url=f.url,
            site_url=safe_url(f.site_url),
            state=f.state,
            entries=runtime.news.entry_count(f.id),
            last_fetch_at=f.last_fetch_at,
            last_success_at=f.last_success_at,
            next_fetch_at=f.next_fetch_at,
            next_fetch_text=humanize.until(f.next_fetch_at, now),
            last_error=f.last_error,
            consecutive_failures=f.consecutive_failures,
        )
        for f in runtime.news.feeds()
    ]


def _time_text(moment: datetime | None, zone: str, now: datetime) -> str:
    return humanize.clock_time(moment, zone, now) if moment else ""


def headline(row: dict[str, Any], zone: str, now: datetime) -> Headline:
    when = row.get("published") or row.get("first_seen_at")
    lead = row.get("lead_image") or {}
    return Headline(
        id=row["id"],
        title=row["title"],
        publisher=row.get("site_name"),
        published=when,
        time_text=_time_text(when, zone, now),
        thumbnail=safe_url(lead.get("url")),
        path=f"/article/{row['id']}",
        full_text=bool(row.get("extracted")),
    )


def headlines(runtime: Runtime, limit: int = 20) -> list[Headline]:
    zone = runtime.settings.timezone
    now = runtime.now()
    return [headline(row, zone, now) for row in runtime.news.latest_articles(limit)]


def _figure(raw: dict[str, Any] | None) -> FigureView | None:
    if not raw:
        return None
    url = safe_url(raw.get("url"))
    if url is None:
        return None
    return FigureView(
        url=url, caption=raw.get("caption"), credit=raw.get("credit"), alt=raw.get("alt")
    )


def _video(raw: dict[str, Any] | None) -> VideoView | None:
    if not raw:
        return None
    url = safe_url(raw.get("url"))
    if url is None:
        return None
    parts = urlsplit(url)
    embeddable = parts.hostname in EMBED_HOSTS and (
        "/embed/" in parts.path or parts.hostname == "player.vimeo.com"
    )
    return VideoView(
        url=url,
        embed_url=url if embeddable else None,
        title=raw.get("title"),
        thumbnail=safe_url(raw.get("thumbnail")),
        provider=raw.get("provider"),
    )


def interleave(body_html: str, figures: list[FigureView]) -> list[BodyPart]:
    """Spread the inline figures evenly between the body's top-level blocks.

    The extractor keeps text and figures apart (its body is text only), so their exact
    places are lost; even spacing reads like the original far better than a gallery at
    the end.
    """
    if not body_html.strip():
        return [BodyPart(figure=f) for f in figures]
    blocks = [
        etree.tostring(node, encoding="unicode", method="html")
        if not isinstance(node, str)
        else node
        for node in lxml.html.fragments_fromstring(body_html)
    ]
    if not figures:
        return [BodyPart(html="".join(blocks))]
    parts: list[BodyPart] = []
    slots = {round((i + 1) * len(blocks) / (len(figures) + 1)): f for i, f in enumerate(figures)}
    start = 0
    for index in sorted(slots):
        parts.append(BodyPart(html="".join(blocks[start:index])))
        parts.append(BodyPart(figure=slots[index]))
        start = index
    parts.append(BodyPart(html="".join(blocks[start:])))
    return [p for p in parts if p.figure is not None or (p.html or "").strip()]


def article_page(runtime: Runtime, article_id: int) -> ArticlePage | None:
    row = runtime.news.article(article_id)
    if row is None:
        return None
    zone = runtime.settings.timezone
    now = runtime.now()
    figures = [f for f in (_figure(raw) for raw in row["figures"] or []) if f is not None]
    more = []
    if row["site_name"]:
        more = [
            headline(r, zone, now)
            for r in runtime.news.latest_articles(
                MORE_FROM, site_name=row["site_name"], exclude=article_id, one_per_story=False
            )
        ]
    siblings = [
        SourceView(
            title=s["title"],
            publisher=s["site_name"],
            path=f"/article/{s['id']}",
            url=safe_url(s["url"]),
        )
        for s in runtime.news.story_articles(row["story_id"])
        if s["id"] != article_id
    ]
    sample = is_demo_url(row["url"])
    note = None
    if sample:
        note = "A sample article written for the offline demo: the events are invented."
    elif not row["extracted"]:
        note = (
            "We could not fetch the full article"
            + (f" ({row['extraction_error']})" if row["extraction_error"] else "")
            + "; this is the summary from the publisher's feed."
        )
    return ArticlePage(
        id=row["id"],
        title=row["title"],
        publisher=row["site_name"],
        byline=row["byline"],
        published=row["published"],
        updated=row["updated"],
        time_text=_time_text(row["published"], zone, now),
        lang=row["lang"],
        original_url=None if sample else safe_url(row["url"]),
        lead_image=_figure(row["lead_image"]),
        body=interleave(row["body_html"], figures),
        body_html=row["body_html"],
        text=row["text"],
        figures=figures,
        video=_video(row["video"]),
        full_text=bool(row["extracted"]),
        sample=sample,
        extraction_note=note,
        more_from=more,
        also_from=siblings,
        **_chips(runtime, article_id),
    )


def _chips(runtime: Runtime, article_id: int) -> dict[str, list[TagChip]]:
    from tickerwire.news.tag.topics import entity_slug

    symbols, named = runtime.news.tags(article_id)
    known = [s for s in symbols if s["symbol"] in runtime.registry]
    quotes = runtime.markets.latest_quotes([s["symbol"] for s in known])
    instruments = []
    for row in known:
        instrument = runtime.registry.get(row["symbol"])
        quote = quotes.get(instrument.symbol)
        percent = quote.change_percent if quote else None
        instruments.append(
            TagChip(
                label=instrument.label,
                symbol=instrument.symbol,
                path=f"/quote/{instrument.symbol}",
                kind=instrument.asset_class.value,
                mentions=row["mentions"],
                price_text=fmt.price(quote.price, instrument.precision) if quote else None,
                percent_text=fmt.percent(percent) if quote else None,
                direction=fmt.direction(percent, 2) if quote else None,
            )
        )
    # An index or commodity already shown as an instrument chip needs no second chip.
    shown = {name for row in known for name in _names(runtime, row["symbol"])}
    entities = [
        TagChip(
            label=row["name"],
            path=f"/topic/{entity_slug(row['name'])}",
            kind=row["kind"],
            mentions=row["mentions"],
        )
        for row in named
        if row["name"] not in shown
    ]
    return {"instruments": instruments, "entities": entities}


def _names(runtime: Runtime, symbol: str) -> set[str]:
    instrument = runtime.registry.get(symbol)
    return {instrument.name, instrument.label}


def topic_page(runtime: Runtime, slug: str) -> TopicPage | None:
    found = runtime.news.entity(slug)
    if found is None:
        return None
    zone = runtime.settings.timezone
    now = runtime.now()
    return TopicPage(
        slug=slug,
        name=found["name"],
        kind=found["kind"],
        news=[headline(r, zone, now) for r in runtime.news.articles_for_entity(slug)],
        news_feed=f"/topic/{slug}/news.xml",
    )
