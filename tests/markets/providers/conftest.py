"""Fixtures for provider tests: the local API server, settings pointing at it, a fetcher."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from support.provider_server import ProviderServer
from tickerwire.config import FetchSettings, ProviderSettings
from tickerwire.net.fetch import Fetcher


@pytest.fixture
def provider_settings(server: ProviderServer) -> ProviderSettings:
    return ProviderSettings(
        yahoo_base_url=server.base_url,
        stooq_base_url=server.base_url,
        coingecko_base_url=server.base_url,
        coinbase_base_url=server.base_url,
        kraken_base_url=server.base_url,
        ecb_base_url=server.base_url,
        treasury_base_url=server.base_url,
        fred_base_url=server.base_url,
        fred_api_key="fred-test-key",
        twelvedata_base_url=server.base_url,
        twelvedata_api_key="twelvedata-test-key",
    )


@pytest.fixture
def fetch_settings() -> FetchSettings:
    return FetchSettings(allow_hosts=["127.0.0.1"], deadline=5)


@pytest.fixture
async def fetcher(fetch_settings: FetchSettings) -> AsyncIterator[Fetcher]:
    fetcher = Fetcher(fetch_settings)
    yield fetcher
    await fetcher.aclose()
