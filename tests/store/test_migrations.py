"""Migrations build exactly the schema the code declares, on both backends."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tickerwire.store import db
from tickerwire.store.schema import metadata
from tickerwire.store.search import is_search_object


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
    from alembic import command

    config = db._alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
