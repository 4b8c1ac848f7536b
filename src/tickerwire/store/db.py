"""Engines and migrations, with the per-backend settings that make them safe to share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from tickerwire.store.bits import SQLITE_FUNCTION, bits_apart_of

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and a busy timeout so the web server and the
    poller can write and read at once without 'database is locked'."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            dbapi_connection.create_function(SQLITE_FUNCTION, 2, bits_apart_of, deterministic=True)

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", None):
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_pre_ping=True)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; each migration runs in its own transaction, so an
    interrupted upgrade leaves the previous revision intact and can simply be rerun."""
    _migrate(engine, lambda config: command.upgrade(config, revision))


def _migrate(engine: Engine, run: Callable[[Config], None]) -> None:
    """Run migrations in one transaction. On SQLite foreign keys are off meanwhile, as its
    documentation prescribes for schema changes: rebuilding a table (the only way to
    change its constraints) drops it, and with foreign keys on that drop would delete the
    rows that reference it. The keys are checked before the commit and turned on again."""
    config = _alembic_config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                run(config)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(f"a migration left a broken foreign key: {broken}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (``base`` for nothing), as :func:`upgrade` does."""
    _migrate(engine, lambda config: command.downgrade(config, revision))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()
