"""What every command shares: sentences instead of tracebacks, quiet logs, plain outside text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rich.console import Console

from cli.conftest import Invoke, invoke_cli
from support.http_server import LocalServer
from tickerwire.cli.common import outside, visible


def test_an_unreachable_database_is_a_sentence_saying_where_and_what_to_check() -> None:
    outcome = invoke_cli(
        "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/x", "feeds", "list"
    )
    assert outcome.code == 1
    assert "cannot reach the database at 127.0.0.1:1/x" in outcome.stderr
    assert (
        "check that it is running" in outcome.stderr and "TICKERWIRE_DATABASE_URL" in outcome.stderr
    )
    assert "Traceback" not in outcome.output and len(outcome.stderr.splitlines()) == 1


def test_a_ribbon_naming_an_unknown_instrument_is_refused_naming_it_and_the_known_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKERWIRE_RIBBON", '["SPX", "AAPL"]')
    outcome = invoke_cli("feeds", "list")
    assert outcome.code == 1
    assert "settings refused: ribbon names AAPL, which is not an instrument" in outcome.stderr
    assert "known: SPX, DJI" in outcome.stderr


def test_a_misspelt_environment_variable_is_refused_with_the_closest_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKERWIRE_RIBON", '["SPX"]')
    outcome = invoke_cli("feeds", "list")
    assert outcome.code == 1
    assert "TICKERWIRE_RIBON is not a setting (did you mean TICKERWIRE_RIBBON?)" in outcome.stderr


def test_a_misspelt_toml_key_is_refused_with_the_closest_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "tickerwire.toml"
    config.write_text("[fetch]\nconect_timeout = 3\n")
    monkeypatch.setenv("TICKERWIRE_CONFIG", str(config))
    outcome = invoke_cli("feeds", "list")
    assert outcome.code == 1
    assert "fetch.conect_timeout is not a setting (did you mean fetch.connect_timeout?)" in (
        outcome.stderr
    )


def test_by_default_no_library_chatter_reaches_the_console(
    invoke: Invoke, server: LocalServer
) -> None:
    outcome = invoke("feeds", "add", server.url("/feed.xml"))
    assert outcome.code == 0, outcome.output
    assert "HTTP Request" not in outcome.output
    assert "alembic" not in outcome.output.lower() and "Running upgrade" not in outcome.output


def test_with_v_library_logs_show(database_url: str) -> None:
    outcome = invoke_cli("--database-url", database_url, "-v", "db", "upgrade")
    assert "alembic.runtime.migration" in outcome.stderr


def test_quiet_logging_keeps_our_warnings_and_drops_library_chatter(invoke: Invoke) -> None:
    assert invoke("feeds", "list").code == 0
    ours = logging.getLogger("tickerwire.news.pipeline")
    assert ours.isEnabledFor(logging.WARNING) and not ours.isEnabledFor(logging.INFO)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert not logging.getLogger("trafilatura").isEnabledFor(logging.WARNING)


def test_outside_text_shows_control_characters_and_is_never_markup() -> None:
    console = Console(width=80, record=True, force_terminal=False)
    console.print(outside("[bold]Wire[/bold]\x1b[31m\u202eevil\n"))
    assert console.export_text() == "[bold]Wire[/bold]\\x1b[31m\\u202eevil\\n\n"


def test_visible_leaves_ordinary_text_alone() -> None:
    assert visible("Börsen-Zeitung — “Märkte” 5%") == "Börsen-Zeitung — “Märkte” 5%"
