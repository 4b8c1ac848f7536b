"""Running the CLI as a user would, in-process through click's runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from support.http_server import LocalServer
from support.newsroom import FED_STORY, OIL_STORY, Newsroom
from tickerwire.cli import cli


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


Invoke = Callable[..., Outcome]


def invoke_cli(*args: str, columns: int = 200) -> Outcome:
    result = CliRunner(env={"COLUMNS": str(columns)}).invoke(cli, list(args))
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY, OIL_STORY)
        yield server


@pytest.fixture
def invoke(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """The CLI on the test database, allowed to fetch from the local test server."""
    monkeypatch.setenv("TICKERWIRE_FETCH__ALLOW_HOSTS", '["127.0.0.1"]')
    monkeypatch.setenv("TICKERWIRE_DEFAULT_FEEDS", "[]")

    def run(*args: str, columns: int = 200) -> Outcome:
        return invoke_cli("--database-url", database_url, *args, columns=columns)

    return run
