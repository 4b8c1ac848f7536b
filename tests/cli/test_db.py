"""``tickerwire db upgrade``."""

from __future__ import annotations

import pytest

from cli.conftest import invoke_cli


def test_db_upgrade_creates_and_then_keeps_the_schema(database_url: str) -> None:
    outcome = invoke_cli("--database-url", database_url, "db", "upgrade")
    assert outcome.code == 0 and "was empty" in outcome.stdout
    outcome = invoke_cli("--database-url", database_url, "db", "upgrade")
    assert outcome.code == 0 and "was empty" not in outcome.stdout


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_db_upgrade_on_postgresql_creates_the_job_engine_tables_too(database_url: str) -> None:
    first = invoke_cli("--database-url", database_url, "db", "upgrade")
    assert first.code == 0 and "Job engine schema (procrastinate " in first.stdout
    again = invoke_cli("--database-url", database_url, "db", "upgrade")
    assert again.code == 0 and "Job engine schema at procrastinate " in again.stdout


def test_db_upgrade_on_an_unreachable_database_is_a_sentence() -> None:
    outcome = invoke_cli(
        "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/x", "db", "upgrade"
    )
    assert outcome.code == 1 and "cannot reach the database at 127.0.0.1:1/x" in outcome.stderr
