"""The replay provider plays CSV history back, oldest first, never pretending it is today."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tickerwire.instruments import DEFAULT_INSTRUMENTS, Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.replay import ReplayProvider, read_bars
from tickerwire.markets.quotes import Interval

pytestmark = pytest.mark.anyio
SPX = Registry(DEFAULT_INSTRUMENTS).get("SPX")
WTI = Registry(DEFAULT_INSTRUMENTS).get("CL")
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "SPX.csv").write_text(
        "Date,Open,High,Low,Close,Volume\n"
        "2024-01-02,4745.2,4754.3,4722.7,4742.8,3743050000\n"
        "2024-01-03,4725.1,4729.3,4699.7,4704.8,3950760000\n"
        "2024-01-04,4697.4,4726.8,4687.5,4688.7,3715480000\n"
    )
    (tmp_path / "cl.csv").write_text(
        "DATE,DCOILWTICO\n1/2/2024,70.38\n1/3/2024,.\n1/4/2024,72.19\n"
    )
    return tmp_path


async def test_the_first_quote_is_the_first_bar(folder: Path) -> None:
    provider = ReplayProvider(folder, speed=1.0, clock=FakeClock())
    quote = (await provider.quotes([SPX]))["SPX"]
    assert (quote.price, quote.previous_close, quote.provider) == (4742.8, None, "replay")
    assert quote.as_of == datetime(2024, 1, 2, tzinfo=UTC)


async def test_replay_time_advances_at_the_configured_speed(folder: Path) -> None:
    clock = FakeClock()
    provider = ReplayProvider(folder, speed=86400.0, clock=clock)
    clock.now = START + timedelta(seconds=1)
    quote = (await provider.quotes([SPX]))["SPX"]
    assert (quote.price, quote.previous_close) == (4704.8, 4742.8)


async def test_replay_stops_at_the_last_bar(folder: Path) -> None:
    clock = FakeClock()
    provider = ReplayProvider(folder, speed=86400.0, clock=clock)
    clock.now = START + timedelta(days=30)
    assert (await provider.quotes([SPX]))["SPX"].price == 4688.7


async def test_a_single_value_column_with_missing_days_is_read_as_closes(folder: Path) -> None:
    provider = ReplayProvider(folder, clock=FakeClock())
    bars = await provider.history(
        WTI, datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC), Interval.D1
    )
    assert [b.close for b in bars] == [70.38, 72.19]


async def test_instruments_without_a_file_are_not_supported(folder: Path) -> None:
    provider = ReplayProvider(folder, clock=FakeClock())
    gold = Registry(DEFAULT_INSTRUMENTS).get("GC")
    assert not provider.supports(gold)
    assert await provider.quotes([gold]) == {}


def test_a_missing_folder_is_a_clear_provider_error(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="does not exist"):
        ReplayProvider(tmp_path / "nope")


def test_the_shared_sp500_series_replays_in_full(shared_corpus: Path) -> None:
    bars = read_bars(shared_corpus / "markets" / "arch" / "sp500.csv", "SPX")
    assert len(bars) == 5031
    assert bars[0].start == datetime(1999, 1, 4, tzinfo=UTC)
    assert all(a.start < b.start for a, b in itertools.pairwise(bars))


def test_fred_series_with_dot_markers_skip_the_holidays(shared_corpus: Path) -> None:
    path = shared_corpus / "markets" / "arch" / "wti.csv"
    rows = path.read_text().splitlines()[1:]
    bars = read_bars(path, "CL")
    quoted = [row for row in rows if row.split(",")[1].strip() not in ("", ".")]
    assert len(bars) == len(quoted) < len(rows)
