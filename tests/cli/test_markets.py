"""``tickerwire quotes`` and ``tickerwire backfill``, run as a user would."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from cli.conftest import invoke_cli
from support.http_server import LocalServer, Reply
from support.offline import DEFAULT_SOURCES
from support.ports import free_port
from tickerwire.config import load_settings
from tickerwire.runtime import Runtime


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's data folder, where the real and the demo SQLite files live."""
    monkeypatch.setenv("TICKERWIRE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def providers_down(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    for name in DEFAULT_SOURCES:
        monkeypatch.setenv(f"TICKERWIRE_PROVIDERS__{name.upper()}_BASE_URL", dead)
    monkeypatch.setenv("TICKERWIRE_FETCH__ALLOW_HOSTS", '["127.0.0.1"]')
    monkeypatch.setenv("TICKERWIRE_FETCH__DEADLINE", "2")


def bar_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("select interval, count(*) from bars group by interval"))
        counts = {interval: count for interval, count in rows}
    engine.dispose()
    return counts


def test_quotes_prints_a_table_of_simulated_quotes(data_dir: Path) -> None:
    outcome = invoke_cli("quotes", "SPX", "btcusd", "--demo")
    assert outcome.code == 0, outcome.output
    assert "S&P 500" in outcome.stdout and "Bitcoin USD" in outcome.stdout
    assert "SIMULATED" in outcome.stdout


def test_quotes_for_an_unknown_symbol_names_it_and_the_known_ones(data_dir: Path) -> None:
    outcome = invoke_cli("quotes", "NOPE")
    assert outcome.code == 1
    assert "unknown instrument NOPE" in outcome.stderr and "SPX" in outcome.stderr


def test_quotes_with_every_provider_down_exits_1_naming_them(
    data_dir: Path, providers_down: None
) -> None:
    outcome = invoke_cli("quotes", "SPX")
    assert outcome.code == 1
    assert "yahoo failed" in outcome.stderr and "no quote for SPX" in outcome.stderr
    assert "Traceback" not in outcome.output


def test_backfill_fills_daily_and_recent_bars_and_a_rerun_adds_none(data_dir: Path) -> None:
    demo_db = f"sqlite:///{data_dir / 'tickerwire-demo.sqlite3'}"
    outcome = invoke_cli("backfill", "SPX", "--range", "6mo", "--demo")
    assert outcome.code == 0, outcome.output
    first = bar_counts(demo_db)
    assert 120 <= first["1d"] <= 130  # about six months of NYSE sessions
    assert {"1m", "5m", "1h"} <= set(first)
    assert invoke_cli("backfill", "SPX", "--range", "6mo", "--demo").code == 0
    assert bar_counts(demo_db) == first


def test_backfill_that_writes_nothing_exits_1(data_dir: Path, providers_down: None) -> None:
    outcome = invoke_cli("backfill", "SPX", "--range", "30d")
    assert outcome.code == 1 and "no bars written for SPX" in outcome.stderr


def test_backfill_refuses_a_range_it_cannot_read(data_dir: Path) -> None:
    outcome = invoke_cli("backfill", "SPX", "--range", "soon", "--demo")
    assert outcome.code == 1 and "30d, 6mo, 5y or max" in outcome.stderr


@pytest.mark.parametrize("command", [["quotes", "SPX"], ["backfill", "SPX"]])
def test_demo_on_a_database_the_user_named_is_refused(tmp_path: Path, command: list[str]) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    outcome = invoke_cli("--database-url", url, *command, "--demo")
    assert outcome.code == 1
    assert "demo mode keeps its simulated quotes" in outcome.stderr
    assert not (tmp_path / "real.sqlite3").exists()


def test_demo_quotes_never_reach_the_real_database(data_dir: Path) -> None:
    assert invoke_cli("quotes", "SPX", "--demo").code == 0

    async def real_quotes() -> int:
        runtime = await Runtime.open(load_settings())
        try:
            return len(runtime.markets.latest_quotes())
        finally:
            await runtime.close()

    assert asyncio.run(real_quotes()) == 0


@pytest.fixture
def hostile_provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Yahoo, the only provider, at a local server answering 500, at a base URL that
    carries console markup, an escape sequence and a key."""
    with LocalServer() as server:
        base = server.url("/[/bold][link=https://evil.example]x[/link]\x1b[2J?apikey=k-123")
        monkeypatch.setenv("TICKERWIRE_PROVIDERS__ORDER", '["yahoo"]')
        monkeypatch.setenv("TICKERWIRE_PROVIDERS__YAHOO_BASE_URL", base)
        monkeypatch.setenv("TICKERWIRE_FETCH__ALLOW_HOSTS", '["127.0.0.1"]')
        server.route("/", Reply(status=500))
        yield


def test_a_provider_error_is_printed_as_plain_text_without_its_key(
    data_dir: Path, hostile_provider: None
) -> None:
    outcome = invoke_cli("quotes", "SPX")
    assert outcome.code == 1 and "yahoo failed" in outcome.stderr
    assert "Traceback" not in outcome.output
    assert "\x1b" not in outcome.output and "k-123" not in outcome.output
