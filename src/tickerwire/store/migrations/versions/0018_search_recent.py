"""Search on PostgreSQL: a RUM index that hands out a query's matches newest first.

Search ranks the 2,000 newest matches (store/search.py). A GIN index cannot give matches
in any order, so without this index the search intersects them with ranges of the newest
ids, widened until the window is full. The RUM extension's index keeps, for each word,
its articles ordered by an attached column, here the id, which grows with the time an
article was first seen: ``ORDER BY id <=| top LIMIT 2000`` reads the newest matches and
stops. It is named ``search_*`` like migration 0004's objects, for the same reason.

RUM is an extension a deployment may not have (Debian's ``postgresql-15-rum``), so the
index is optional: made when the extension is installed, or installed here when the
server offers it and the migrating role is a superuser (RUM is not a trusted extension).
Otherwise nothing is made and search keeps using the GIN index alone; running this
migration's upgrade again later (after a downgrade to 0017) adds the index. Building it
takes about a minute a million articles and blocks writes to articles meanwhile: on a
large table, make it first by hand with ``CREATE INDEX CONCURRENTLY`` and the statement
below, which this migration then finds there and leaves. The extension
goes into ``public`` so that it outlives the schema being migrated (a test's schema is
dropped with everything in it); an advisory lock keeps two migrations from installing it
at once. A downgrade drops the index and leaves the extension, which other schemas of the
database may use.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

INDEX = "search_articles_recent"
INSTALL_LOCK = 0x5255_4D18  # pg_advisory_xact_lock key: one installation of RUM at a time
INSTALLED = sa.text(
    "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'rum'"
)
INSTALLABLE = sa.text(
    "SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'rum')"
    " AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
    " AND to_regnamespace('public') IS NOT NULL"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _rum_schema(bind)
    if schema is None:
        return
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles USING rum ("
        f"search_document {schema}.rum_tsvector_addon_ops, id {schema}.rum_int4_ops)"
        " WITH (attach = 'id', to = 'search_document', order_by_attach = 't')"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")


def _rum_schema(bind: sa.Connection) -> str | None:
    """The schema of the RUM extension (quoted as needed), installing it if it may be;
    None when it is neither installed nor installable."""
    bind.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": INSTALL_LOCK})
    installed: str | None = bind.execute(INSTALLED).scalar()
    if installed is not None or not bind.execute(INSTALLABLE).scalar():
        return installed
    op.execute("CREATE EXTENSION rum SCHEMA public")
    return "public"
