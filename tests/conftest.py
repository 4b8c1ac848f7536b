"""Shared fixtures: a migrated store on each backend, settings that never touch the network.

Every test that takes ``database_url`` runs twice, on SQLite and on PostgreSQL (the server
at 127.0.0.1:5432, database ``test``; each test gets its own schema, dropped afterwards).
Without a server the PostgreSQL half is skipped, unless TICKERWIRE_REQUIRE_POSTGRES=1
(as in CI), where it fails instead, so CI can never pass on SQLite alone.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
POSTGRES_URL = os.environ.get(
    "TICKERWIRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own config file or writes into their data folder."""
    keep = ("TICKERWIRE_TEST_", "TICKERWIRE_REQUIRE_POSTGRES")
    for name in list(os.environ):
        if name.startswith("TICKERWIRE_") and not name.startswith(keep):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except sa.exc.OperationalError as error:
        return str(error).splitlines()[0]


@pytest.fixture(scope="session")
def postgres_problem() -> str | None:
    return _postgres_available()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_problem: str | None
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tickerwire.sqlite3'}"
        return
    if postgres_problem is not None:
        message = f"PostgreSQL at {POSTGRES_URL} is not answering: {postgres_problem}"
        if os.environ.get("TICKERWIRE_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    from tickerwire.store import db

    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def shared_corpus() -> Path:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"the shared corpus is not at {corpus}: clone ../shared beside the repo")
    return corpus


@pytest.fixture
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its lightest, for tests that sign up and in many times (each hash at the
    recommended settings costs a quarter of a second here). The settings travel inside
    each hash, so verifying works exactly as it does with the real ones."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from tickerwire.accounts import passwords

    light = Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", PasswordHash((light,)))
