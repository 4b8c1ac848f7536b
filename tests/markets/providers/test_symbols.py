"""Which symbol a provider uses: the instrument's own entry first, then the shipped table."""

from __future__ import annotations

from tickerwire.instruments import AssetClass, Instrument, Registry
from tickerwire.markets.providers.symbols import shipped_table, symbol_for

REGISTRY = Registry.build()


def test_the_registry_names_the_first_providers_symbols() -> None:
    assert symbol_for("yahoo", REGISTRY.get("SPX")) == "^GSPC"


def test_later_providers_symbols_come_from_the_shipped_table() -> None:
    assert symbol_for("coinbase", REGISTRY.get("BTCUSD")) == "BTC-USD"
    assert symbol_for("fred", REGISTRY.get("TNX")) == "DGS10"


def test_an_instruments_own_entry_wins_over_the_table() -> None:
    mine = Instrument(
        symbol="BTCUSD",
        name="Bitcoin",
        asset_class=AssetClass.CRYPTO,
        calendar="24/7",
        provider_symbols={"coinbase": "BTC-USDC"},
    )
    assert symbol_for("coinbase", mine) == "BTC-USDC"


def test_an_instrument_a_provider_does_not_carry_has_no_symbol_there() -> None:
    assert symbol_for("treasury", REGISTRY.get("SPX")) is None
    assert symbol_for("no-such-provider", REGISTRY.get("SPX")) is None


def test_the_table_only_names_instruments_of_the_registry() -> None:
    known = {i.symbol for i in REGISTRY}
    assert all(set(symbols) <= known for symbols in shipped_table().values())
