"""The job engine's tables: procrastinate's own schema, kept beside ours on PostgreSQL.

Procrastinate versions its SQL itself (``schema.sql`` for a new database, one migration
file per change, named after the version that brought it), so that SQL is applied as
procrastinate ships it rather than copied into our Alembic history, where every upgrade of
the library would need a revision of ours. :func:`ensure_schema` runs after our migrations,
from ``tickerwire db upgrade`` and when a worker starts: it applies the whole schema to a
database without it, or the migration files shipped since the version recorded at the
last application. It holds an advisory lock meanwhile, so processes starting together
apply it once, and runs in one transaction, so an interrupted run changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import procrastinate
from packaging.version import Version
from procrastinate.schema import SchemaManager
from sqlalchemy import Connection, Engine, select, text

from tickerwire.store.schema import settings_state
from tickerwire.store.upsert import upsert

log = logging.getLogger(__name__)

VERSION_FLAG = "jobs_schema_version"
"""The procrastinate version whose schema the database has, in ``settings_state``."""
_LOCK = 0x7457_4A4F_4253  # "tWJOBS": the advisory lock of schema changes
MIGRATIONS = Path(SchemaManager.get_migrations_path())


@dataclass(frozen=True)
class SchemaChange:
    """What :func:`ensure_schema` found and did; ``before`` is None for a new schema."""

    before: str | None
    after: str
    applied: list[str]

    def describe(self) -> str:
        if self.before is None:
            return f"Job engine schema (procrastinate {self.after}) created"
        if self.before == self.after:
            return f"Job engine schema at procrastinate {self.after}"
        return (
            f"Job engine schema migrated from procrastinate {self.before} to {self.after} "
            f"({len(self.applied)} migrations)"
        )


def ensure_schema(engine: Engine) -> SchemaChange | None:
    """Bring procrastinate's tables to the installed version; None on SQLite, which has no
    job engine. Safe to run from any number of processes at once, and to rerun."""
    if engine.dialect.name != "postgresql":
        return None
    installed = procrastinate.__version__
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        recorded = connection.execute(
            select(settings_state.c.value).where(settings_state.c.key == VERSION_FLAG)
        ).scalar()
        present = connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
        if present is None:
            _run_sql(connection, SchemaManager.get_schema())
            change = SchemaChange(None, installed, [])
        elif recorded is None:
            # Applied by hand (`procrastinate schema --apply`): taken to be the installed one.
            change = SchemaChange(installed, installed, [])
        elif Version(recorded) > Version(installed):
            log.warning(
                "the job engine schema is from procrastinate %s, newer than the installed %s: "
                "upgrade Tickerwire on this host",
                recorded,
                installed,
            )
            return SchemaChange(recorded, recorded, [])
        else:
            pending = migrations_after(recorded, installed, (p.name for p in _sql_files()))
            for name in pending:
                _run_sql(connection, (MIGRATIONS / name).read_text(encoding="utf-8"))
            change = SchemaChange(recorded, installed, pending)
        upsert(
            connection, settings_state, [{"key": VERSION_FLAG, "value": change.after}], keys=["key"]
        )
    return change


def migrations_after(recorded: str, installed: str, names: Iterable[str]) -> list[str]:
    """The migration files a schema at version ``recorded`` lacks, up to ``installed``, in
    the order procrastinate applies them (by name: version, then number)."""
    low, high = Version(recorded), Version(installed)
    return sorted(name for name in names if low < Version(name.split("_", 1)[0]) <= high)


def _sql_files() -> list[Path]:
    return sorted(MIGRATIONS.glob("*.sql"))


def _run_sql(connection: Connection, sql: str) -> None:
    """Run a script of many statements in the connection's transaction. Straight on the
    driver, without parameters, so nothing in it is read as a placeholder."""
    driver = connection.connection.dbapi_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()
