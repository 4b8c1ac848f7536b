"""Full-text search over articles: FTS5 on SQLite, a weighted tsvector on PostgreSQL.

Every object made here is named ``search_*``: schema.py does not declare them (an FTS5
virtual table and a generated tsvector column have no portable declaration), and
:func:`tickerwire.store.search.is_search_object` is the filter that keeps autogenerate's
comparison from reporting them as stray.

SQLite: an external-content FTS5 table over articles (title, byline, site_name, text)
indexes what the articles table holds without a second copy of the text; triggers keep it
in step on insert, update and delete, and 'rebuild' indexes rows already there. A later
migration that rebuilds the articles table (batch mode) drops these triggers with it and
must create them again.

PostgreSQL: a stored generated tsvector column (title A, byline and site B, body C) with a
GIN index; adding the column computes it for existing rows. The text search configuration
``search_english`` is English stemming without a stop-word list, so that, as on SQLite,
every word typed counts: tickers such as ON, IT or ALL are stop words in 'english'. The
body is cut at 100,000 characters because a tsvector cannot exceed 1 MB, and an article
too long for it must still be storable.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE search_articles USING fts5(
        title, byline, site_name, text, content='articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_articles_insert AFTER INSERT ON articles BEGIN
        INSERT INTO search_articles(rowid, title, byline, site_name, text)
        VALUES (new.id, new.title, new.byline, new.site_name, new.text);
    END""",
    """CREATE TRIGGER search_articles_delete AFTER DELETE ON articles BEGIN
        INSERT INTO search_articles(search_articles, rowid, title, byline, site_name, text)
        VALUES ('delete', old.id, old.title, old.byline, old.site_name, old.text);
    END""",
    """CREATE TRIGGER search_articles_update
    AFTER UPDATE OF title, byline, site_name, text ON articles BEGIN
        INSERT INTO search_articles(search_articles, rowid, title, byline, site_name, text)
        VALUES ('delete', old.id, old.title, old.byline, old.site_name, old.text);
        INSERT INTO search_articles(rowid, title, byline, site_name, text)
        VALUES (new.id, new.title, new.byline, new.site_name, new.text);
    END""",
    "INSERT INTO search_articles(search_articles) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER search_articles_update",
    "DROP TRIGGER search_articles_delete",
    "DROP TRIGGER search_articles_insert",
    "DROP TABLE search_articles",
]

POSTGRESQL_UP = [
    "CREATE TEXT SEARCH DICTIONARY search_english_stem (TEMPLATE = snowball, LANGUAGE = english)",
    "CREATE TEXT SEARCH CONFIGURATION search_english (COPY = english)",
    """ALTER TEXT SEARCH CONFIGURATION search_english
        ALTER MAPPING REPLACE english_stem WITH search_english_stem""",
    """ALTER TABLE articles ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('search_english', title), 'A')
        || setweight(to_tsvector('search_english',
                     coalesce(byline, '') || ' ' || coalesce(site_name, '')), 'B')
        || setweight(to_tsvector('search_english', left(text, 100000)), 'C')
    ) STORED""",
    "CREATE INDEX search_articles_document ON articles USING gin (search_document)",
]

POSTGRESQL_DOWN = [
    "DROP INDEX search_articles_document",
    "ALTER TABLE articles DROP COLUMN search_document",
    "DROP TEXT SEARCH CONFIGURATION search_english",
    "DROP TEXT SEARCH DICTIONARY search_english_stem",
]


def _run(statements: dict[str, list[str]]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in statements:
        raise NotImplementedError(f"no full-text search for the {dialect} backend")
    for statement in statements[dialect]:
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
