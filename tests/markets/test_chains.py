"""Per-instrument provider order: a symbol's own chain, its asset class's, then the rest."""

from __future__ import annotations

import pytest

from tickerwire.instruments import Registry
from tickerwire.markets.chains import ChainPlan

REGISTRY = Registry.build()


def test_without_chains_every_instrument_uses_the_configured_order() -> None:
    plan = ChainPlan(["yahoo", "stooq", "coingecko"])
    assert plan.order_for(REGISTRY.get("SPX")) == ["yahoo", "stooq", "coingecko"]


def test_an_asset_class_chain_goes_first_and_the_rest_of_the_order_follows() -> None:
    plan = ChainPlan(["yahoo", "stooq", "coingecko"], {"crypto": ["coingecko", "yahoo"]})
    assert plan.order_for(REGISTRY.get("BTCUSD")) == ["coingecko", "yahoo", "stooq"]
    assert plan.order_for(REGISTRY.get("SPX")) == ["yahoo", "stooq", "coingecko"]


def test_a_symbols_own_chain_beats_its_asset_class() -> None:
    plan = ChainPlan(["yahoo", "stooq"], {"index": ["yahoo"], "ftse": ["stooq"]})
    assert plan.order_for(REGISTRY.get("FTSE")) == ["stooq", "yahoo"]
    assert plan.order_for(REGISTRY.get("SPX")) == ["yahoo", "stooq"]


def test_a_chained_provider_that_is_not_configured_is_passed_over() -> None:
    plan = ChainPlan(["yahoo", "stooq"], {"index": ["twelvedata", "stooq"]})
    assert plan.order_for(REGISTRY.get("SPX")) == ["stooq", "yahoo"]


def test_a_chain_naming_an_unknown_provider_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown providers yahooo; known: yahoo, stooq"):
        ChainPlan(["yahoo"], {"index": ["yahooo"]}, known=["yahoo", "stooq"])
