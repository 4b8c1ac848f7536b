"""Each instrument is set against its market's main index or its asset class's reference,
never against itself, and never against something the registry has no prices for."""

from __future__ import annotations

import pytest

from tickerwire.instruments import AssetClass, Instrument, Registry
from tickerwire.reactions.benchmarks import benchmark_for

REGISTRY = Registry.build(
    [Instrument(symbol="ACME", name="Acme Corp", asset_class=AssetClass.EQUITY, calendar="XNYS")]
)


@pytest.mark.parametrize(
    ("symbol", "benchmark"),
    [
        ("ACME", "SPX"),
        ("DJI", "SPX"),
        ("VIX", "SPX"),
        ("BTCUSD", "CMC200"),
        ("SPX", None),
        ("FTSE", None),
        ("CMC200", None),
        ("CL", None),
        ("EURUSD", None),
    ],
)
def test_benchmark_of_each_kind_of_instrument(symbol: str, benchmark: str | None) -> None:
    found = benchmark_for(REGISTRY.get(symbol), REGISTRY)
    assert (found.symbol if found else None) == benchmark


def test_a_benchmark_removed_from_the_registry_is_none() -> None:
    without_spx = Registry.build(remove=["SPX"])
    assert benchmark_for(without_spx.get("DJI"), without_spx) is None
