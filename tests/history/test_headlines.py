"""A point-in-time view never shows an article first seen after the moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from support.tagged_news import save_tagged
from tickerwire.history.headlines import articles_seen_by, first_article_seen
from tickerwire.store.news import NewsStore

MOMENT = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)


def test_an_article_first_seen_after_the_moment_is_never_shown(engine: sa.Engine) -> None:
    news = NewsStore(engine)
    save_tagged(news, "Seen before", MOMENT - timedelta(minutes=5))
    # Its publisher dates it hours before the moment, but Tickerwire stored it after.
    save_tagged(news, "Backdated", MOMENT + timedelta(minutes=1), hours_ago=3)
    save_tagged(news, "Seen later", MOMENT + timedelta(hours=2))
    titles = [a.title for a in articles_seen_by(engine, MOMENT)]
    assert titles == ["Seen before"]


def test_an_article_first_seen_at_the_moment_itself_is_shown(engine: sa.Engine) -> None:
    save_tagged(NewsStore(engine), "On the dot", MOMENT)
    assert [a.title for a in articles_seen_by(engine, MOMENT)] == ["On the dot"]


def test_headlines_are_newest_first_by_published_time(engine: sa.Engine) -> None:
    news = NewsStore(engine)
    save_tagged(news, "Older news", MOMENT - timedelta(minutes=1), hours_ago=5)
    save_tagged(news, "Newer news", MOMENT - timedelta(minutes=2), hours_ago=1)
    titles = [a.title for a in articles_seen_by(engine, MOMENT)]
    assert titles == ["Newer news", "Older news"]


def test_a_story_shows_once_as_its_first_copy(engine: sa.Engine) -> None:
    news = NewsStore(engine)
    first = save_tagged(news, "Original", MOMENT - timedelta(minutes=10))
    story = news.article(first)
    assert story is not None
    save_tagged(news, "Syndicated copy", MOMENT - timedelta(minutes=5), story_id=story.story_id)
    assert [a.title for a in articles_seen_by(engine, MOMENT)] == ["Original"]


def test_paging_skips_the_first_rows(engine: sa.Engine) -> None:
    news = NewsStore(engine)
    for n in range(3):
        save_tagged(news, f"Item {n}", MOMENT - timedelta(minutes=n), hours_ago=n)
    assert [a.title for a in articles_seen_by(engine, MOMENT, limit=2, offset=1)] == [
        "Item 1",
        "Item 2",
    ]


def test_the_first_article_stored_says_since_when_there_are_headlines(engine: sa.Engine) -> None:
    news = NewsStore(engine)
    assert first_article_seen(engine) is None
    save_tagged(news, "First", MOMENT)
    save_tagged(news, "Second", MOMENT + timedelta(days=1))
    assert first_article_seen(engine) == MOMENT
