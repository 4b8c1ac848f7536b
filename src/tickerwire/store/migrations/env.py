"""Alembic environment: runs on the connection :func:`tickerwire.store.db.upgrade` hands it."""

from __future__ import annotations

from alembic import context

from tickerwire.store.schema import metadata
from tickerwire.store.search import is_search_object

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    # Search indexes (FTS5 tables, tsvector columns) live in migrations only.
    include_name=lambda name, type_, parents: not is_search_object(name, type_, parents),
)
with context.begin_transaction():
    context.run_migrations()
