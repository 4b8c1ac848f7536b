"""The instrument registry: sixteen defaults, configurable membership and order."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tickerwire.instruments import DEFAULT_INSTRUMENTS, Instrument, Registry, UnknownInstrument

RIBBON = [
    "S&P 500", "Dow 30", "Nasdaq", "Russell 2000", "Crude Oil", "Gold", "Silver", "EUR/USD",
    "10-Yr Bond", "VIX", "GBP/USD", "USD/JPY", "Bitcoin USD", "CMC Crypto 200", "FTSE 100",
    "Nikkei 225",
]  # fmt: skip

APPLE = Instrument(
    symbol="AAPL", name="Apple Inc.", asset_class="equity", calendar="XNYS",
    provider_symbols={"yahoo": "AAPL"},
)  # fmt: skip


def test_the_default_ribbon_is_the_sixteen_of_a_finance_portal_in_order() -> None:
    assert [i.label for i in Registry.build().ribbon] == RIBBON


def test_every_default_has_a_calendar_currency_precision_and_a_yahoo_symbol() -> None:
    for instrument in DEFAULT_INSTRUMENTS:
        assert instrument.calendar and instrument.currency and instrument.precision >= 2
        assert instrument.symbol_at("yahoo"), instrument.symbol


def test_an_added_instrument_joins_the_end_of_the_ribbon() -> None:
    ribbon = Registry.build([APPLE]).ribbon
    assert ribbon[-1].symbol == "AAPL" and len(ribbon) == 17


def test_a_ribbon_setting_chooses_and_orders_instruments() -> None:
    registry = Registry.build([APPLE], ribbon=["btcusd", "AAPL", "SPX"])
    assert [i.symbol for i in registry.ribbon] == ["BTCUSD", "AAPL", "SPX"]
    assert "DJI" in registry  # still tracked, just not on the ribbon


def test_removed_instruments_leave_registry_and_ribbon() -> None:
    registry = Registry.build(remove=["cmc200"])
    assert "CMC200" not in registry
    assert len(registry.ribbon) == 15


def test_a_ribbon_naming_an_undefined_instrument_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="NOPE"):
        Registry.build(ribbon=["SPX", "NOPE"])


def test_looking_up_an_unknown_symbol_says_so() -> None:
    with pytest.raises(UnknownInstrument, match="not in the registry"):
        Registry.build().get("ZZZ")


def test_symbols_are_upper_cased_and_validated() -> None:
    assert (
        Instrument(symbol="msft", name="M", asset_class="equity", calendar="XNYS").symbol == "MSFT"
    )
    with pytest.raises(ValidationError):
        Instrument(symbol="<script>", name="x", asset_class="equity", calendar="XNYS")
