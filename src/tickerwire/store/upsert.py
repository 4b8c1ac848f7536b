"""INSERT ... ON CONFLICT for both backends, and the id of a new row: how Tickerwire writes rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

#: Given the table and the ``excluded`` pseudo-table, the values to set on conflict.
UpdateBuilder = Callable[[Table, Any], Mapping[str, ColumnElement[Any] | Any]]


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    update: UpdateBuilder | None = None,
) -> None:
    """Insert ``rows``; on a key conflict update the non-key columns (or what ``update``
    says), so writing the same data twice leaves the table as writing it once."""
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statement: Any = sqlite.insert(table)
    elif dialect == "postgresql":
        statement = postgresql.insert(table)
    else:
        raise NotImplementedError(f"no upsert for the {dialect} backend")
    excluded = statement.excluded
    if update is None:
        values: Mapping[str, Any] = {
            c.name: excluded[c.name] for c in table.columns if c.name not in keys
        }
    else:
        values = update(table, excluded)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=dict(values))
    connection.execute(statement, list(rows))


def new_id(result: CursorResult[Any]) -> int:
    """The id the database gave a row just inserted."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the database returned no id for a new row")
    return int(key[0])
