"""Added instruments and the chain's stored verdicts, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tickerwire.instruments import AssetClass, Instrument, Registry, UnknownInstrument
from tickerwire.markets.providers.chain import SourceState
from tickerwire.store.instruments import InstrumentStore, merge_added

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
ASML = Instrument(
    symbol="ASML",
    name="ASML Holding N.V.",
    short_name="ASML",
    asset_class=AssetClass.EQUITY,
    calendar="XAMS",
    exchange="Amsterdam",
    currency="EUR",
    precision=2,
    provider_symbols={"yahoo": "ASML.AS"},
)


def test_an_added_instrument_comes_back_as_it_was_added(engine: sa.Engine) -> None:
    store = InstrumentStore(engine)
    store.add(ASML, at=NOW, by=None)
    assert store.added() == [ASML]


def test_adding_a_symbol_again_replaces_it(engine: sa.Engine) -> None:
    store = InstrumentStore(engine)
    store.add(ASML, at=NOW, by=None)
    store.add(ASML.model_copy(update={"precision": 3}), at=NOW, by=None)
    assert [i.precision for i in store.added()] == [3]


def test_removing_says_whether_the_symbol_was_stored(engine: sa.Engine) -> None:
    store = InstrumentStore(engine)
    store.add(ASML, at=NOW, by=None)
    assert store.remove("ASML") is True
    assert store.remove("ASML") is False
    assert store.added() == []


def test_verdicts_are_kept_per_provider_and_instrument_latest_wins(engine: sa.Engine) -> None:
    store = InstrumentStore(engine)
    first = SourceState("yahoo", "SPX", NOW, "trusted", 6000.0, NOW, None, 4)
    store.save_sources([first, SourceState("stooq", "SPX", NOW, "disagrees", 6300.0, NOW, "+5 %")])
    store.save_sources([SourceState("yahoo", "SPX", NOW, "distrusted", 0.5, NOW, "jumped", 0)])
    stored = {s.provider: s for s in store.sources()}
    assert stored["stooq"].verdict == "disagrees" and stored["stooq"].reason == "+5 %"
    assert stored["yahoo"].verdict == "distrusted" and stored["yahoo"].distrusted


def test_merging_added_instruments_keeps_them_off_the_ribbon_and_settings_win() -> None:
    registry = Registry.build()
    ribbon = registry.ribbon
    spx_again = ASML.model_copy(update={"symbol": "SPX", "name": "not the S&P"})
    assert registry.merge([ASML, spx_again]) == [ASML]
    assert registry.get("ASML") == ASML
    assert registry.get("SPX").name == "S&P 500"
    assert registry.ribbon == ribbon


def test_a_registry_finds_an_instrument_another_process_added(engine: sa.Engine) -> None:
    elsewhere = Registry.build()
    merge_added(elsewhere, engine)
    InstrumentStore(engine).add(ASML, at=NOW, by=None)
    assert "ASML" in elsewhere
    assert elsewhere.get("ASML") == ASML
    assert elsewhere.ribbon == Registry.build().ribbon


def test_an_unknown_symbol_is_still_unknown_after_the_store_is_asked(engine: sa.Engine) -> None:
    registry = Registry.build()
    merge_added(registry, engine)
    with pytest.raises(UnknownInstrument):
        registry.get("NOPE")
