"""``tickerwire providers check`` run as a user runs it: a subprocess against the local fake
Yahoo, Stooq and CoinGecko, reading its table row by row."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.conftest import invoke_cli
from support.http_server import LocalServer
from support.markets_desk import MarketsDesk, desk_environment


@pytest.fixture
def desk() -> Iterator[MarketsDesk]:
    with LocalServer() as server:
        yield MarketsDesk(server)


def providers_check(
    desk: MarketsDesk, tmp_path: Path, *symbols: str
) -> subprocess.CompletedProcess[str]:
    environment = (
        os.environ
        | desk_environment(desk.server)
        | {
            "TICKERWIRE_DATA_DIR": str(tmp_path),
            "COLUMNS": "220",
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "tickerwire", "providers", "check", *symbols],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rows(output: str) -> dict[tuple[str, str], list[str]]:
    """The table's rows by (instrument, provider), their cells stripped."""
    found = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().removeprefix("│").removesuffix("│").split("│")]
        if len(cells) >= 8 and cells[1] in ("yahoo", "stooq", "coingecko"):
            found[(cells[0], cells[1])] = cells
    return found


def test_providers_check_prints_a_row_per_provider_and_instrument(
    desk: MarketsDesk, tmp_path: Path
) -> None:
    result = providers_check(desk, tmp_path)
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert {s for s, _ in table} >= {"SPX", "EURUSD", "BTCUSD", "CMC200", "N225"}
    spx_yahoo = table[("SPX", "yahoo")]
    assert spx_yahoo[2] == "yes" and spx_yahoo[4] == "5,900.00" and spx_yahoo[5] == "just now"
    assert spx_yahoo[3].endswith(" ms")
    assert table[("SPX", "stooq")][6] == "agrees"
    assert table[("BTCUSD", "coingecko")][6] in ("trusted", "agrees")
    assert "Every instrument has a working source" in result.stdout


def test_a_disagreeing_source_is_named_with_its_gap(desk: MarketsDesk, tmp_path: Path) -> None:
    desk.prices[("stooq", "SPX")] = 6200.0
    result = providers_check(desk, tmp_path, "SPX")
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert table[("SPX", "yahoo")][6] == "trusted"
    assert table[("SPX", "stooq")][6] == "+5.08 % from yahoo (tolerance 0.5 %)"


def test_a_source_turned_off_shows_its_error_and_the_others_still_cover(
    desk: MarketsDesk, tmp_path: Path
) -> None:
    desk.off.add("yahoo")
    result = providers_check(desk, tmp_path, "SPX", "DJI")
    table = rows(result.stdout)
    assert table[("SPX", "yahoo")][2] == "no"
    assert table[("SPX", "yahoo")][7].startswith("HTTP 503 from")
    assert table[("SPX", "stooq")][2] == "yes"
    assert result.returncode == 0, result.stderr


def test_an_instrument_without_a_working_source_exits_1_naming_it(
    desk: MarketsDesk, tmp_path: Path
) -> None:
    desk.off.add("yahoo")
    result = providers_check(desk, tmp_path, "CMC200", "SPX")
    assert result.returncode == 1
    assert "no working source for CMC200" in result.stderr
    assert rows(result.stdout)[("CMC200", "yahoo")][2] == "no"


def test_an_absurd_answer_is_shown_refused(desk: MarketsDesk, tmp_path: Path) -> None:
    desk.prices[("yahoo", "CL")] = 0.0  # crude may print zero: a future, so not refused
    desk.prices[("stooq", "SPX")] = -1.0
    result = providers_check(desk, tmp_path, "SPX")
    table = rows(result.stdout)
    assert table[("SPX", "stooq")][2] == "no"  # Stooq's own parsing drops a negative index
    assert table[("SPX", "yahoo")][6] == "alone"


def test_sources_shows_each_instruments_chain_and_the_verdicts_of_the_last_poll(
    desk: MarketsDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in desk_environment(desk.server).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TICKERWIRE_DATA_DIR", str(tmp_path))
    desk.prices[("stooq", "SPX")] = 6300.0
    assert invoke_cli("quotes", "SPX").code == 0
    outcome = invoke_cli("providers", "sources", columns=220)
    assert outcome.code == 0, outcome.output
    lines = [line for line in outcome.stdout.splitlines() if "│" in line]
    spx = [line for line in lines if "SPX" in line or "disagrees" in line]
    assert "yahoo > stooq" in spx[0] and "trusted" in spx[0]
    assert "+6.78 % from yahoo (tolerance 0.5 %)" in outcome.stdout
    assert any("DJI" in line and "not polled yet" in line for line in lines)
