"""Articles stored straight into a runtime's news store with the tags a test names, for
tests that need news about an instrument or an entity without running the pipeline."""

from __future__ import annotations

from datetime import datetime, timedelta

from tickerwire.news.model import ArticleEntity, ArticleInstrument, ArticleTags
from tickerwire.store.news import ArticleRecord, NewsStore


def save_tagged(
    news: NewsStore,
    title: str,
    now: datetime,
    *,
    symbols: tuple[str, ...] = (),
    entities: tuple[tuple[str, str, str], ...] = (),
    hours_ago: float = 0,
    story_id: int | None = None,
    publisher: str = "Example Wire",
) -> int:
    """An article titled ``title``, published ``hours_ago`` before ``now``, tagged with
    ``symbols`` and ``entities`` (each ``(slug, name, kind)``), by ``publisher``, in the
    story ``story_id`` when given (a syndicated copy) or a new one."""
    slug = title.lower().replace(" ", "-")
    url = f"https://wire.example/news/{slug}"
    record = ArticleRecord(
        canonical_url=url,
        url=url,
        title=title,
        title_key=title.lower(),
        byline=None,
        site_name=publisher,
        lang="en",
        published=now - timedelta(hours=hours_ago),
        updated=None,
        lead_image=None,
        figures=[],
        video=None,
        body_html=f"<p>Text of {title}.</p>",
        text=f"Text of {title}.",
        summary_html="",
        extracted=True,
        extraction_error=None,
        fingerprint=None,
        fetched_at=now,
        story_id=story_id,
    )
    tags = ArticleTags(
        instruments=[ArticleInstrument(s, 1) for s in symbols],
        entities=[ArticleEntity(s, n, k, 1) for s, n, k in entities],
    )
    return news.save_article(record, tags, now=now)
