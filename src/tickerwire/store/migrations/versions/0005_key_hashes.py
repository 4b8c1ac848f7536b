"""Keys by hash, feed continuity, per-host back-off, full-text retries.

Keys a feed controls (a feed's URL, an article's canonical URL, an entry's identity) were
unique text columns; PostgreSQL cannot index an entry over about 2.7 KB, so one long link
or GUID failed the whole refresh. They are now unique by their SHA-256
(:func:`tickerwire.store.limits.key_hash`), computed here for the rows already stored.
Texts longer than the search index takes are cut, so on SQLite the FTS5 index (fed by
triggers with the whole text) and the text agree.

Feeds gain their host (for per-host back-off, kept in ``host_backoffs``), a record of the
last gap, how many items the last fetch could not store, and how far their 304s are
trusted; entries a hash of their title and summary (so an edit at the source is seen);
articles a time to retry a page that was an interstitial.

On SQLite the unique constraints are changed by rebuilding the tables (batch mode), with
foreign keys off (see :func:`tickerwire.store.db.upgrade`), which drops the search
triggers on ``articles``: they are made again here, as migration 0004 made them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from tickerwire.store.feeds import content_hash, host_of
from tickerwire.store.limits import SEARCH_INDEXED_CHARS, key_hash
from tickerwire.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SEARCH_TRIGGERS = [
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
]


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def _fill(name: str, sources: tuple[str, ...], compute: dict[str, Callable[..., str]]) -> None:
    """Set computed columns on every row, in Python (the hashes are Python's), from the
    ``sources`` columns of each."""
    table = sa.table(name, sa.column("id"), *map(sa.column, (*sources, *compute)))
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, *(table.c[c] for c in sources))).all()
    if not rows:
        return
    values = [
        {"row_id": row[0], **{column: make(*row[1:]) for column, make in compute.items()}}
        for row in rows
    ]
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam(column) for column in compute})
    )
    bind.execute(statement, values)


def upgrade() -> None:
    op.add_column("feeds", sa.Column("url_hash", sa.String(64)))
    op.add_column("feeds", sa.Column("host", sa.String(255)))
    op.add_column("feeds", sa.Column("last_gap_at", UTCDateTime()))
    op.add_column("feeds", sa.Column("last_cuts", sa.Text()))
    op.add_column(
        "feeds", sa.Column("unstored_items", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "feeds",
        sa.Column("not_modified_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("feeds", sa.Column("last_full_fetch_at", UTCDateTime()))
    op.add_column(
        "feeds",
        sa.Column("validators_trusted", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    _fill("feeds", ("url",), {"url_hash": key_hash, "host": host_of})
    with op.batch_alter_table("feeds") as batch:
        batch.alter_column("url_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("host", existing_type=sa.String(255), nullable=False)
        batch.drop_constraint("uq_feeds_url", type_="unique")
        batch.create_unique_constraint("uq_feeds_url_hash", ["url_hash"])
        batch.create_index("ix_feeds_host", ["host"])
    op.create_table(
        "host_backoffs",
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("retry_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("host", name="pk_host_backoffs"),
    )

    op.add_column("articles", sa.Column("canonical_url_hash", sa.String(64)))
    op.add_column("articles", sa.Column("retry_at", UTCDateTime()))
    op.add_column(
        "articles", sa.Column("retries", sa.Integer(), nullable=False, server_default="0")
    )
    _fill("articles", ("canonical_url",), {"canonical_url_hash": key_hash})
    op.execute(
        sa.text("UPDATE articles SET text = substr(text, 1, :cap) WHERE length(text) > :cap")
        .bindparams(cap=SEARCH_INDEXED_CHARS)
    )  # fmt: skip
    with op.batch_alter_table("articles") as batch:
        batch.alter_column("canonical_url_hash", existing_type=sa.String(64), nullable=False)
        batch.drop_constraint("uq_articles_canonical_url", type_="unique")
        batch.create_unique_constraint("uq_articles_canonical_url_hash", ["canonical_url_hash"])
        batch.create_index("ix_articles_retry_at", ["retry_at"])
    if _sqlite():
        _remake_search_triggers()

    op.add_column("entries", sa.Column("identity_hash", sa.String(64)))
    op.add_column("entries", sa.Column("content_hash", sa.String(64)))
    _fill("entries", ("identity",), {"identity_hash": key_hash})
    _fill("entries", ("title", "summary_html"), {"content_hash": content_hash})
    with op.batch_alter_table("entries") as batch:
        batch.alter_column("identity_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("content_hash", existing_type=sa.String(64), nullable=False)
        batch.drop_constraint("uq_entries_feed_identity", type_="unique")
        batch.create_unique_constraint(
            "uq_entries_feed_identity_hash", ["feed_id", "identity_hash"]
        )


def _remake_search_triggers() -> None:
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS search_articles_{name}")
    for statement in _SEARCH_TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO search_articles(search_articles) VALUES ('rebuild')")


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_constraint("uq_entries_feed_identity_hash", type_="unique")
        batch.create_unique_constraint("uq_entries_feed_identity", ["feed_id", "identity"])
        batch.drop_column("content_hash")
        batch.drop_column("identity_hash")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_retry_at")
        batch.drop_constraint("uq_articles_canonical_url_hash", type_="unique")
        batch.create_unique_constraint("uq_articles_canonical_url", ["canonical_url"])
        batch.drop_column("retries")
        batch.drop_column("retry_at")
        batch.drop_column("canonical_url_hash")
    if _sqlite():
        _remake_search_triggers()
    op.drop_table("host_backoffs")
    with op.batch_alter_table("feeds") as batch:
        batch.drop_index("ix_feeds_host")
        batch.drop_constraint("uq_feeds_url_hash", type_="unique")
        batch.create_unique_constraint("uq_feeds_url", ["url"])
        for column in (
            "validators_trusted",
            "last_full_fetch_at",
            "not_modified_count",
            "unstored_items",
            "last_cuts",
            "last_gap_at",
            "host",
            "url_hash",
        ):
            batch.drop_column(column)
