"""Tag relevance: stored with each tag, it puts the articles about an instrument or a topic
above those that name it in passing; rows tagged before migration 0012 get an estimate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tickerwire.news.model import ArticleEntity, ArticleInstrument, ArticleTags
from tickerwire.store import db
from tickerwire.store.news import ArticleRecord, NewsStore

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def news(engine: sa.Engine) -> NewsStore:
    return NewsStore(engine)


def save(news: NewsStore, slug: str, tags: ArticleTags, *, hours_ago: float) -> int:
    url = f"https://wire.example/news/{slug}"
    record = ArticleRecord(
        canonical_url=url,
        url=url,
        title=slug,
        title_key=slug,
        byline=None,
        site_name="Example Wire",
        lang="en",
        published=NOW - timedelta(hours=hours_ago),
        updated=None,
        lead_image=None,
        figures=[],
        video=None,
        body_html="",
        text=f"Text of {slug}.",
        summary_html="",
        extracted=True,
        extraction_error=None,
        fingerprint=None,
        fetched_at=NOW,
    )
    return news.save_article(record, tags, now=NOW)


def gold(relevance: float) -> ArticleTags:
    return ArticleTags(instruments=[ArticleInstrument("GC", 1, relevance)])


def fed(relevance: float) -> ArticleTags:
    entity = ArticleEntity("federal-reserve", "Federal Reserve", "central_bank", 1, relevance)
    return ArticleTags(entities=[entity])


def test_relevance_is_kept_with_each_tag(news: NewsStore) -> None:
    tags = ArticleTags(
        instruments=[ArticleInstrument("GC", 3, 0.62)],
        entities=[ArticleEntity("gold", "Gold", "commodity", 3, 0.62)],
    )
    article_id = save(news, "gold", tags, hours_ago=1)
    assert news.tags(article_id) == tags


def test_an_article_about_an_instrument_ranks_above_newer_passing_mentions(
    news: NewsStore,
) -> None:
    save(news, "about gold", gold(0.54), hours_ago=5)
    save(news, "mentions gold", gold(0.04), hours_ago=1)
    save(news, "also about gold", gold(0.34), hours_ago=3)
    titles = [a.title for a in news.articles_for_symbol("GC")]
    assert titles == ["also about gold", "about gold", "mentions gold"]


def test_an_article_about_a_topic_ranks_above_newer_passing_mentions(news: NewsStore) -> None:
    save(news, "fed decision", fed(0.8), hours_ago=4)
    save(news, "earnings, fed aside", fed(0.08), hours_ago=1)
    titles = [a.title for a in news.articles_for_entity("federal-reserve")]
    assert titles == ["fed decision", "earnings, fed aside"]


def test_rows_tagged_before_relevance_get_the_body_only_estimate(
    news: NewsStore, engine: sa.Engine
) -> None:
    tags = ArticleTags(
        instruments=[ArticleInstrument("GC", 2, 0.9), ArticleInstrument("SI", 9, 0.9)],
        entities=[ArticleEntity("gold", "Gold", "commodity", 1, 0.9)],
    )
    article_id = save(news, "gold", tags, hours_ago=1)
    db.downgrade(engine, "0011")
    db.upgrade(engine)
    kept = news.tags(article_id)
    assert [(t.symbol, t.mentions) for t in kept.instruments] == [("SI", 9), ("GC", 2)]
    assert [t.relevance for t in kept.instruments] == pytest.approx([0.2, 0.08])
    assert [t.relevance for t in kept.entities] == pytest.approx([0.04])
