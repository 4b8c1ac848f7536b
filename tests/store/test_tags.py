"""What an article's tags let us ask: news for an instrument or a topic, and what trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tickerwire.news.model import (
    ArticleEntity,
    ArticleInstrument,
    ArticleTags,
    Entity,
    TrendingSymbol,
)
from tickerwire.store.news import ArticleRecord, NewsStore

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def news(engine: sa.Engine) -> NewsStore:
    return NewsStore(engine)


def save(news: NewsStore, slug: str, tags: ArticleTags, *, hours_ago: float = 0) -> int:
    """A minimal article published ``hours_ago``, tagged as given."""
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


def symbols(*pairs: tuple[str, int]) -> ArticleTags:
    return ArticleTags(instruments=[ArticleInstrument(s, m) for s, m in pairs])


def test_an_instruments_news_is_its_tagged_articles_newest_first(news: NewsStore) -> None:
    save(news, "older", symbols(("GC", 1)), hours_ago=2)
    save(news, "newer", symbols(("GC", 1)), hours_ago=1)
    save(news, "untagged", ArticleTags())
    assert [a.title for a in news.articles_for_symbol("GC")] == ["newer", "older"]


def test_a_topics_news_is_the_articles_naming_it(news: NewsStore) -> None:
    boj = ArticleEntity("bank-of-japan", "Bank of Japan", "central_bank", 2)
    save(news, "yen", ArticleTags(entities=[boj]))
    save(news, "gold", symbols(("GC", 1)))
    assert [a.title for a in news.articles_for_entity("bank-of-japan")] == ["yen"]


def test_a_topic_is_named_as_most_articles_name_it(news: NewsStore) -> None:
    save(news, "a", ArticleTags(entities=[ArticleEntity("boj", "Bank of Japan", "org", 1)]))
    save(news, "b", ArticleTags(entities=[ArticleEntity("boj", "Bank of Japan", "org", 1)]))
    save(news, "c", ArticleTags(entities=[ArticleEntity("boj", "BoJ", "org", 5)]))
    assert news.entity("boj") == Entity("boj", "Bank of Japan", "org")


def test_a_topic_no_article_names_is_none(news: NewsStore) -> None:
    assert news.entity("nobody") is None


def test_trending_ranks_by_articles_then_mentions_within_the_window(news: NewsStore) -> None:
    save(news, "a", symbols(("GC", 1), ("CL", 5)))
    save(news, "b", symbols(("GC", 1)))
    save(news, "c", symbols(("SI", 9)))
    save(news, "stale", symbols(("SI", 1), ("EURUSD", 1)), hours_ago=48)
    assert news.trending(NOW - timedelta(hours=24)) == [
        TrendingSymbol("GC", 2, 2),
        TrendingSymbol("SI", 1, 9),
        TrendingSymbol("CL", 1, 5),
    ]
