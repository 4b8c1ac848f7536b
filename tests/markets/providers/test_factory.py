"""Building providers from settings: every known name builds, keyed ones only with a key."""

from __future__ import annotations

import pytest

from tickerwire.config import ProviderSettings, Settings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import Provider
from tickerwire.markets.providers.factory import KNOWN, build_providers
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

HTTP_PROVIDERS = [n for n in KNOWN if n not in ("replay", "simulated")]


def settings(order: list[str], **keys: str) -> Settings:
    return Settings(providers=ProviderSettings(order=order, **keys))


async def test_every_http_provider_builds_in_the_order_given(fetcher: Fetcher) -> None:
    chosen = settings(list(reversed(HTTP_PROVIDERS)), fred_api_key="k", twelvedata_api_key="k")
    built = build_providers(chosen, fetcher)
    assert [p.name for p in built] == list(reversed(HTTP_PROVIDERS))
    assert all(isinstance(p, Provider) and not p.simulated for p in built)


@pytest.mark.parametrize("name", ["fred", "twelvedata"])
async def test_a_keyed_provider_without_its_key_is_refused_by_name(
    fetcher: Fetcher, name: str
) -> None:
    with pytest.raises(ValueError, match=f"{name}_api_key"):
        build_providers(settings(["yahoo", name]), fetcher)


async def test_an_unknown_name_lists_the_known_ones(fetcher: Fetcher) -> None:
    with pytest.raises(ValueError, match="known: yahoo, stooq"):
        build_providers(settings(["bloomberg"]), fetcher)


async def test_every_default_instrument_has_two_sources_but_the_cmc_200(
    fetcher: Fetcher,
) -> None:
    """Issue 13: no single outage blanks a cell. The CMC Crypto 200 is published by Yahoo
    alone among the sources we know (docs/providers.md), so it is the one exception."""
    keys = {"fred_api_key": "k", "twelvedata_api_key": "k"}
    built = build_providers(settings(HTTP_PROVIDERS, **keys), fetcher)
    sources = {i.symbol: [p.name for p in built if p.supports(i)] for i in Registry.build()}
    assert {s for s, names in sources.items() if len(names) < 2} == {"CMC200"}
    keyless = [p for p in built if p.name not in ("fred", "twelvedata")]
    assert all(
        len([p for p in keyless if p.supports(i)]) >= 2
        for i in Registry.build()
        if i.symbol != "CMC200"
    )
