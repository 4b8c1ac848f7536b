"""The article page: headline, publisher, byline, hero image, body with its figures,
"Now watch", "More from", the instruments and topics it names, and the market's reaction
to it since publication.

The body is shown exactly as stored: its figures were placed and the whole sanitized on
the way in (news/compose.py), so nothing here parses or rewrites markup.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from tickerwire import actions
from tickerwire.humanize import running_time
from tickerwire.news.demo import is_demo_url
from tickerwire.news.extract.video import is_api_endpoint
from tickerwire.news.model import ArticleTags, Figure, Video
from tickerwire.news.srcset import ARTICLE_SIZES
from tickerwire.news.urls import safe_url
from tickerwire.runtime import Runtime
from tickerwire.web.cache import NEWS, Sources, reaction_source
from tickerwire.web.parts import (
    Headline,
    checked_image,
    headline,
    image_src,
    image_srcset,
    quote_figures,
    time_text,
)
from tickerwire.web.past_view import MarketsThen, markets_then
from tickerwire.web.reaction_views import SincePublicationView, since_publication
from tickerwire.web.twins import Page, PageNotFound, PageRequest

MORE_FROM = 5


EMBED_HOSTS = {
    "www.youtube.com": "youtube",
    "youtube.com": "youtube",
    "www.youtube-nocookie.com": "youtube",
    "player.vimeo.com": "vimeo",
}


class FigureView(BaseModel):
    url: str
    """Where the page loads the image: the portal's own signed path (media/)."""
    source_url: str
    """Where the publisher has it."""
    caption: str | None
    credit: str | None
    alt: str | None
    srcset: str | None = None
    """Every width the publisher offered, each loaded from where ``url`` is."""
    sizes: str | None = None


class VideoView(BaseModel):
    url: str
    embed_url: str | None
    title: str | None
    thumbnail: str | None
    """Loaded from our own origin, as every image is."""
    provider: str | None
    duration: int | None
    """Running time in seconds."""
    duration_text: str | None
    """The running time as a player shows it: "2:31", "1:04:09"."""


class SourceView(BaseModel):
    title: str
    publisher: str | None
    path: str
    url: str | None


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
    body_html: str
    """Sanitized on the way in with the figures in place (news/compose.py); shown as is."""
    text: str = Field(exclude=True)  # the body again, as text: the twin carries it once
    figures: list[FigureView]
    video: VideoView | None
    full_text: bool
    sample: bool
    extraction_note: str | None
    more_from: list[Headline]
    also_from: list[SourceView]
    instruments: list[TagChip]
    entities: list[TagChip]
    since_publication: SincePublicationView | None
    """The prices at publication and the moves since, per tagged instrument."""
    markets_then: MarketsThen | None = None
    """The ribbon as it was when the article was published (web/past_view.py)."""


def _figure(runtime: Runtime, figure: Figure | None) -> FigureView | None:
    """A figure outside the body (the hero image, the twin's list): its URLs checked again
    on output, as every URL field is, trackers and tracking parameters included, and each
    of its widths loaded from where its ``src`` is."""
    url = checked_image(figure.url) if figure else None
    if figure is None or url is None:
        return None
    srcset = image_srcset(runtime, figure.sources)
    return FigureView(
        url=image_src(runtime, url) or url,
        source_url=url,
        caption=figure.caption,
        credit=figure.credit,
        alt=figure.alt,
        srcset=srcset,
        sizes=ARTICLE_SIZES if srcset else None,
    )


def _video(runtime: Runtime, video: Video | None) -> VideoView | None:
    """The "Now watch" part, linking only where a reader can watch (never to an API
    endpoint), its still from our own origin."""
    url = safe_url(video.url) if video else None
    if video is None or url is None or is_api_endpoint(url):
        return None
    parts = urlsplit(url)
    embeddable = parts.hostname in EMBED_HOSTS and (
        "/embed/" in parts.path or parts.hostname == "player.vimeo.com"
    )
    return VideoView(
        url=url,
        embed_url=url if embeddable else None,
        title=video.title,
        thumbnail=image_src(runtime, video.thumbnail),
        provider=video.provider,
        duration=video.duration,
        duration_text=running_time(video.duration) if video.duration else None,
    )


def article_page(runtime: Runtime, article_id: int) -> ArticlePage | None:
    row = runtime.news.article(article_id)
    if row is None:
        return None
    zone = runtime.settings.timezone
    now = runtime.now()
    figures = [f for f in (_figure(runtime, raw) for raw in row.figures) if f is not None]
    more = []
    if row.site_name:
        more = [
            headline(runtime, r, now)
            for r in runtime.news.latest_articles(
                MORE_FROM, site_name=row.site_name, exclude=article_id, one_per_story=False
            )
        ]
    siblings = [
        SourceView(
            title=s.title, publisher=s.site_name, path=f"/article/{s.id}", url=safe_url(s.url)
        )
        for s in runtime.news.story_articles(row.story_id)
        if s.id != article_id
    ]
    sample = is_demo_url(row.url)
    note = None
    if sample:
        note = "A sample article written for the offline demo: the events are invented."
    elif not row.extracted:
        note = (
            "We could not fetch the full article"
            + (f" ({row.extraction_error})" if row.extraction_error else "")
            + "; this is the summary from the publisher's feed."
        )
    return ArticlePage(
        id=row.id,
        title=row.title,
        publisher=row.site_name,
        byline=row.byline,
        published=row.published,
        updated=row.updated,
        time_text=time_text(row.published, zone, now),
        lang=row.lang,
        original_url=None if sample else safe_url(row.url),
        lead_image=_figure(runtime, row.lead_image),
        body_html=row.body_html,
        text=row.text,
        figures=figures,
        video=_video(runtime, row.video),
        full_text=row.extracted,
        sample=sample,
        extraction_note=note,
        more_from=more,
        also_from=siblings,
        since_publication=since_publication(
            actions.article_reaction(runtime, article_id), zone, now
        ),
        markets_then=markets_then(runtime, row.published, row.first_seen_at),
        **_chips(runtime, runtime.news.tags(article_id)),
    )


def _chips(runtime: Runtime, tags: ArticleTags) -> dict[str, list[TagChip]]:
    known = [t for t in tags.instruments if t.symbol in runtime.registry]
    quotes = runtime.markets.latest_quotes([t.symbol for t in known])
    instruments = []
    zone, now = runtime.settings.timezone, runtime.now()
    for tag in known:
        instrument = runtime.registry.get(tag.symbol)
        quote = quotes.get(instrument.symbol)
        figures = quote_figures(instrument, quote, zone, now) if quote else None
        instruments.append(
            TagChip(
                label=instrument.label,
                symbol=instrument.symbol,
                path=f"/quote/{instrument.symbol}",
                kind=instrument.asset_class.value,
                mentions=tag.mentions,
                price_text=figures.price_text if figures else None,
                percent_text=figures.percent_text if figures else None,
                direction=figures.direction if figures else None,
            )
        )
    # An index or commodity already shown as an instrument chip needs no second chip.
    shown = {name for tag in known for name in _names(runtime, tag.symbol)}
    entities = [
        TagChip(label=e.name, path=f"/topic/{e.slug}", kind=e.kind, mentions=e.mentions)
        for e in tags.entities
        if e.name not in shown
    ]
    return {"instruments": instruments, "entities": entities}


def _names(runtime: Runtime, symbol: str) -> set[str]:
    instrument = runtime.registry.get(symbol)
    return {instrument.name, instrument.label}


class ArticleParams(BaseModel):
    article_id: int


def build(request: PageRequest[ArticleParams]) -> ArticlePage:
    number = request.params.article_id
    page = article_page(request.runtime, number)
    if page is None:
        raise PageNotFound(f"There is no article {number}. It may have been removed.")
    return page


def sources(params: ArticleParams) -> Sources:
    """The news, and this article's reaction: a horizon measured renders the page anew."""
    return (NEWS, reaction_source(params.article_id))


PAGE = Page(
    name="article",
    path="/article/{article_id}",
    template="article.html",
    build=build,
    params=ArticleParams,
    sources=sources,
)
