"""``tickerwire export``, run as a user would: a file that opens in pandas, a progress bar,
and a sentence with exit code 1 for a filter it cannot use, with no file left behind."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from cli.conftest import Invoke
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.store import db
from tickerwire.store.markets import MarketStore


@pytest.fixture
def stored(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    days = [datetime(2026, 11, d, tzinfo=UTC) for d in (2, 3, 4)]
    MarketStore(engine).save_bars(
        Bar(s, Interval.D1, d, 1.0, 5.0, 0.5, 1.5 + n, None, "yahoo")
        for s in ("SPX", "CL")
        for n, d in enumerate(days)
    )
    engine.dispose()


def test_bars_export_to_parquet_and_open_in_pandas(
    invoke: Invoke, stored: None, tmp_path: Path
) -> None:
    out = tmp_path / "spx.parquet"
    args = ("--symbols", "SPX", "--since", "2026-11-03", "--out", str(out))
    outcome = invoke("export", "bars", *args)
    assert outcome.code == 0, outcome.output
    assert f"2 rows written to {out}." in outcome.stdout
    frame = pd.read_parquet(out)
    assert list(frame["close"]) == [2.5, 3.5]


def test_the_format_follows_the_option_before_the_name(
    invoke: Invoke, stored: None, tmp_path: Path
) -> None:
    out = tmp_path / "bars.txt"
    assert invoke("export", "bars", "--format", "csv", "--out", str(out)).code == 0
    assert list(pd.read_csv(out).columns)[:3] == ["symbol", "interval", "start"]


def test_a_progress_bar_counts_the_rows(invoke: Invoke, stored: None, tmp_path: Path) -> None:
    outcome = invoke("export", "bars", "--out", str(tmp_path / "all.csv"))
    assert "Exporting: bars rows" in outcome.stderr and "6/6" in outcome.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("trades",), "no dataset 'trades'"),
        (("bars", "--symbols", "NOPE"), "unknown symbols: NOPE"),
        (("bars", "--since", "yesterday"), "since 'yesterday' is not a day"),
        (("bars", "--format", "xlsx"), "format 'xlsx' is not csv or parquet"),
        (("articles", "--interval", "1m"), "an interval narrows bars, not articles"),
    ],
)
def test_a_bad_filter_exits_1_with_a_sentence_and_writes_nothing(
    invoke: Invoke, stored: None, tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    outcome = invoke("export", *args, "--out", str(folder / "export.csv"))
    assert outcome.code == 1
    assert said in outcome.stderr and "Traceback" not in outcome.output
    assert list(folder.iterdir()) == []


def test_a_missing_folder_is_a_sentence(invoke: Invoke, stored: None, tmp_path: Path) -> None:
    outcome = invoke("export", "bars", "--out", str(tmp_path / "nowhere" / "bars.csv"))
    assert outcome.code == 1
    assert "the folder" in outcome.stderr and "does not exist" in outcome.stderr
