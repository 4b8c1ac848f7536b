"""The job engine's tables: procrastinate's schema, applied beside ours and kept current."""

from __future__ import annotations

import threading

import procrastinate
import pytest
import sqlalchemy as sa
from procrastinate.schema import SchemaManager

from jobs.conftest import postgres_only
from tickerwire.jobs.schema import VERSION_FLAG, SchemaChange, ensure_schema, migrations_after
from tickerwire.store.feeds import FeedQueries

INSTALLED = procrastinate.__version__


def recorded_version(engine: sa.Engine) -> str | None:
    queries = FeedQueries()
    queries.engine = engine
    return queries.flag(VERSION_FLAG)


@postgres_only
def test_the_schema_is_created_once_and_then_left_as_it_is(engine: sa.Engine) -> None:
    first = ensure_schema(engine)
    second = ensure_schema(engine)
    assert first == SchemaChange(None, INSTALLED, [])
    assert second == SchemaChange(INSTALLED, INSTALLED, [])
    assert recorded_version(engine) == INSTALLED
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar() == 0


@postgres_only
def test_processes_starting_together_create_it_once(engine: sa.Engine) -> None:
    changes: list[SchemaChange | None] = []
    starts = [threading.Thread(target=lambda: changes.append(ensure_schema(engine))) for _ in "ab"]
    for start in starts:
        start.start()
    for start in starts:
        start.join()
    assert sorted(str(c and c.before) for c in changes) == [INSTALLED, "None"]


@postgres_only
def test_a_schema_applied_by_hand_is_taken_for_the_installed_version(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(SchemaManager.get_schema())
    assert ensure_schema(engine) == SchemaChange(INSTALLED, INSTALLED, [])
    assert recorded_version(engine) == INSTALLED


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_has_no_job_engine_tables(engine: sa.Engine) -> None:
    assert ensure_schema(engine) is None


def test_an_older_schema_gets_the_migrations_shipped_after_its_version_in_order() -> None:
    names = [
        "03.04.00_50_post_add_retry_failed_job_procedure.sql",
        "03.01.00_01_pre_add_heartbeat.sql",
        "03.04.00_01_pre_add_retry_failed_job_procedure.sql",
        "03.00.00_01_pre_cancel_notification.sql",
        "03.05.00_01_pre_later.sql",
    ]
    assert migrations_after("3.0.0", "3.4.0", names) == [
        "03.01.00_01_pre_add_heartbeat.sql",
        "03.04.00_01_pre_add_retry_failed_job_procedure.sql",
        "03.04.00_50_post_add_retry_failed_job_procedure.sql",
    ]
    assert migrations_after("3.4.0", "3.4.0", names) == []
