"""``tickerwire db …``: the schema."""

from __future__ import annotations

import click

from tickerwire.cli.common import console, reaching_database, settings_from
from tickerwire.jobs.schema import ensure_schema
from tickerwire.store import db as store_db


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the schema to the newest version (safe to rerun); on PostgreSQL
    the job engine's tables too."""
    settings = settings_from(ctx)
    with reaching_database(settings):
        engine = store_db.make_engine(settings.effective_database_url)
        try:
            before = store_db.current_revision(engine)
            store_db.upgrade(engine)
            after = store_db.current_revision(engine)
            jobs = ensure_schema(engine)
        finally:
            engine.dispose()
    console.print(f"Database at revision {after} (was {before or 'empty'}).")
    if jobs is not None:
        console.print(f"{jobs.describe()}.")
