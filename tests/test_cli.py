"""The command line, run as a user would (in-process through click's runner)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tickerwire.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "160"}).invoke(cli, list(args))
    return result.exit_code, result.output


def test_help_lists_the_commands() -> None:
    code, output = run("--help")
    assert code == 0
    for command in ("serve", "quotes", "db"):
        assert command in output


def test_db_upgrade_creates_and_then_keeps_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    code, output = run("--database-url", url, "db", "upgrade")
    assert code == 0 and "was empty" in output
    code, output = run("--database-url", url, "db", "upgrade")
    assert code == 0 and "was empty" not in output


def test_quotes_prints_a_table_of_simulated_quotes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    code, output = run("--database-url", url, "quotes", "SPX", "btcusd", "--demo")
    assert code == 0, output
    assert "S&P 500" in output and "Bitcoin USD" in output
    assert "SIMULATED" in output


def test_quotes_for_an_unknown_symbol_names_it_and_the_known_ones(tmp_path: Path) -> None:
    code, output = run("--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}", "quotes", "NOPE")
    assert code != 0
    assert "NOPE" in output and "SPX" in output
