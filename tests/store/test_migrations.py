"""Migrations build exactly the schema the code declares, on both backends, and carry the
rows already stored across (keys hashed, tags and search kept)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tickerwire.store import db
from tickerwire.store.feeds import content_hash
from tickerwire.store.news import NewsStore
from tickerwire.store.schema import (
    article_instruments,
    articles,
    entries,
    feeds,
    metadata,
    stories,
)
from tickerwire.store.search import SearchQuery, SearchStore, is_search_object


def test_the_migrated_schema_matches_the_declared_one(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": False,
                "include_name": lambda name, kind, parents: (
                    not is_search_object(name, kind, parents)
                ),
            },
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_downgrading_to_nothing_and_back_up_works(engine: sa.Engine) -> None:
    db.downgrade(engine, "base")
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()


NOW = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
FEED_URL = "https://harbour.example/feed.xml"
ARTICLE_URL = "https://harbour.example/news/zirconium"
IDENTITY = f"url:{ARTICLE_URL}"


def insert(connection: sa.Connection, table: sa.Table, **values: object) -> None:
    """A row with only the columns named (typed as schema.py has them), so a schema from
    before a migration takes it too."""
    target = sa.table(table.name, *(table.c[name]._copy() for name in values))
    connection.execute(target.insert().values(**values))


@pytest.fixture
def upgraded_from_0004(database_url: str) -> Iterator[sa.Engine]:
    """A store at revision 0004 holding one feed, entry, article and tag, then upgraded."""
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0004")
    with engine.begin() as connection:
        insert(
            connection,
            feeds,
            id=1,
            url=FEED_URL,
            title="Harbour Wire",
            added_at=NOW,
            next_fetch_at=NOW,
            consecutive_failures=0,
        )
        insert(connection, stories, id=1, title="Zirconium", first_seen_at=NOW, updated_at=NOW)
        insert(
            connection,
            articles,
            id=1,
            canonical_url=ARTICLE_URL,
            url=ARTICLE_URL,
            story_id=1,
            title="Zirconium demand grows",
            title_key="zirconium demand grows",
            figures=[],
            body_html="<p>Zirconium demand grew.</p>",
            text="Zirconium demand grew.",
            summary_html="",
            extracted=True,
            first_seen_at=NOW,
            fetched_at=NOW,
        )
        insert(
            connection,
            entries,
            id=1,
            feed_id=1,
            identity=IDENTITY,
            guid="z-1",
            url=ARTICLE_URL,
            title="Zirconium demand grows",
            summary_html="",
            authors=[],
            article_id=1,
            first_seen_at=NOW,
        )
        insert(connection, article_instruments, article_id=1, symbol="GC", mentions=2)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_a_feed_stored_before_key_hashes_is_found_by_its_url(upgraded_from_0004: sa.Engine) -> None:
    feed = NewsStore(upgraded_from_0004).feed_by_url(FEED_URL)
    assert feed is not None and (feed.id, feed.host) == (1, "harbour.example")


def test_an_article_stored_before_key_hashes_is_found_by_its_url(
    upgraded_from_0004: sa.Engine,
) -> None:
    assert NewsStore(upgraded_from_0004).article_id_for_url(ARTICLE_URL) == 1


def test_an_entry_stored_before_key_hashes_is_known_and_unedited(
    upgraded_from_0004: sa.Engine,
) -> None:
    known = NewsStore(upgraded_from_0004).known_entries(1, [IDENTITY])
    assert known[IDENTITY].content_hash == content_hash("Zirconium demand grows", "")


def test_the_upgrade_keeps_the_tags_of_stored_articles(upgraded_from_0004: sa.Engine) -> None:
    """On SQLite the articles table is rebuilt; with foreign keys on, dropping it would
    have deleted its tags by cascade."""
    tags = NewsStore(upgraded_from_0004).tags(1)
    assert [(t.symbol, t.mentions) for t in tags.instruments] == [("GC", 2)]


def test_articles_stay_searchable_across_the_upgrade(upgraded_from_0004: sa.Engine) -> None:
    found = SearchStore(upgraded_from_0004).search(SearchQuery("zirconium"), now=NOW)
    assert [hit.article_id for hit in found.hits] == [1]


def test_articles_written_after_the_upgrade_are_searchable(upgraded_from_0004: sa.Engine) -> None:
    with upgraded_from_0004.begin() as connection:
        connection.execute(
            sa.update(articles).where(articles.c.id == 1).values(text="Hafnium output fell.")
        )
    found = SearchStore(upgraded_from_0004).search(SearchQuery("hafnium"), now=NOW)
    assert [hit.article_id for hit in found.hits] == [1]
