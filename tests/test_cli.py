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


def test_worker_polls_until_told_to_stop(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    env = dict(os.environ, TICKERWIRE_DEFAULT_FEEDS="[]")
    worker = subprocess.Popen(
        [sys.executable, "-m", "tickerwire", "--database-url", url, "worker", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    engine = sa.create_engine(url)
    try:
        deadline = time.monotonic() + 60
        count = 0
        while time.monotonic() < deadline and count < 16:
            time.sleep(0.5)
            try:
                with engine.connect() as connection:
                    count = connection.execute(sa.text("select count(*) from quotes")).scalar_one()
            except sa.exc.OperationalError:
                continue  # the schema is not there yet
        assert count == 16
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
        engine.dispose()
    assert worker.returncode == 0, err.decode()


def test_backfill_fills_daily_and_recent_bars_and_a_rerun_adds_none(tmp_path: Path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'history.sqlite3'}"

    def bars() -> dict[str, int]:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("select interval, count(*) from bars group by interval")
            ).all()
        engine.dispose()
        return {interval: count for interval, count in rows}

    code, output = run("--database-url", url, "backfill", "SPX", "--range", "6mo", "--demo")
    assert code == 0, output
    first = bars()
    assert 120 <= first["1d"] <= 130  # about six months of NYSE sessions
    assert {"1m", "5m", "1h"} <= set(first)
    code, _ = run("--database-url", url, "backfill", "SPX", "--range", "6mo", "--demo")
    assert code == 0 and bars() == first


def test_backfill_refuses_a_range_it_cannot_read(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    code, output = run("--database-url", url, "backfill", "SPX", "--range", "soon", "--demo")
    assert code != 0 and "30d, 6mo, 5y or max" in output
