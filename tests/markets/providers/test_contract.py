"""The contract every HTTP provider keeps, checked the same way for each of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from support.provider_server import ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument, Registry
from tickerwire.markets.providers.base import Provider
from tickerwire.markets.providers.coinbase import CoinbaseProvider
from tickerwire.markets.providers.coingecko import CoinGeckoProvider
from tickerwire.markets.providers.ecb import EcbProvider
from tickerwire.markets.providers.fred import FredProvider
from tickerwire.markets.providers.http import HttpProvider
from tickerwire.markets.providers.stooq import StooqProvider
from tickerwire.markets.providers.treasury import TreasuryProvider
from tickerwire.markets.providers.twelvedata import TwelveDataProvider
from tickerwire.markets.providers.yahoo import YahooProvider
from tickerwire.markets.quotes import Interval
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
START = datetime(2024, 11, 20, tzinfo=UTC)
CURVE_2024 = "/resource-center/data-chart-center/interest-rates/daily-treasury-rates.csv/2024/all"


@dataclass(frozen=True)
class Case:
    """One provider with the answers it needs: (path, fixture) for quotes and history."""

    make: Callable[[ProviderSettings, Fetcher], HttpProvider]
    instrument: Instrument
    interval: Interval
    quote_route: tuple[str, str]
    history_route: tuple[str, str]
    also_route: tuple[str, str] | None = None  # a second endpoint a quote needs


CASES = {
    "yahoo": Case(
        lambda s, f: YahooProvider(s, f, max_bytes=65536),
        REGISTRY.get("SPX"),
        Interval.D1,
        ("/v8/finance/chart/^GSPC", "yahoo/chart_gspc_1d.json"),
        ("/v8/finance/chart/^GSPC", "yahoo/chart_gspc_daily.json"),
    ),
    "stooq": Case(
        lambda s, f: StooqProvider(s, f, max_bytes=65536),
        REGISTRY.get("SPX"),
        Interval.D1,
        ("/q/l/", "stooq/quotes.csv"),
        ("/q/d/l/", "stooq/history_spx_daily.csv"),
    ),
    "coingecko": Case(
        lambda s, f: CoinGeckoProvider(s, f, max_bytes=65536),
        REGISTRY.get("BTCUSD"),
        Interval.H1,
        ("/api/v3/simple/price", "coingecko/simple_price.json"),
        ("/api/v3/coins/bitcoin/market_chart/range", "coingecko/market_chart_range.json"),
    ),
    "coinbase": Case(
        lambda s, f: CoinbaseProvider(s, f, max_bytes=65536),
        REGISTRY.get("BTCUSD"),
        Interval.H1,
        ("/products/BTC-USD/ticker", "coinbase/ticker_btc_usd.json"),
        ("/products/BTC-USD/candles", "coinbase/candles_btc_usd_hourly.json"),
        ("/products/BTC-USD/stats", "coinbase/stats_btc_usd.json"),
    ),
    "ecb": Case(
        lambda s, f: EcbProvider(s, f, max_bytes=65536),
        REGISTRY.get("EURUSD"),
        Interval.D1,
        ("/stats/eurofxref/eurofxref-daily.xml", "ecb/eurofxref_daily.xml"),
        ("/stats/eurofxref/eurofxref-hist-90d.xml", "ecb/eurofxref_hist_90d.xml"),
    ),
    "treasury": Case(
        lambda s, f: TreasuryProvider(s, f, max_bytes=65536, clock=lambda: START),
        REGISTRY.get("TNX"),
        Interval.D1,
        (CURVE_2024, "treasury/yield_curve_2024.csv"),
        (CURVE_2024, "treasury/yield_curve_2024.csv"),
    ),
    "fred": Case(
        lambda s, f: FredProvider(s, f, max_bytes=65536),
        REGISTRY.get("TNX"),
        Interval.D1,
        ("/fred/series/observations", "fred/observations_dgs10_latest.json"),
        ("/fred/series/observations", "fred/observations_dgs10_range.json"),
    ),
    "twelvedata": Case(
        lambda s, f: TwelveDataProvider(s, f, max_bytes=65536),
        REGISTRY.get("BTCUSD"),
        Interval.D1,
        ("/quote", "twelvedata/quote_single.json"),
        ("/time_series", "twelvedata/time_series_eurusd_daily.json"),
    ),
}


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


@pytest.fixture
def provider(case: Case, provider_settings: ProviderSettings, fetcher: Fetcher) -> HttpProvider:
    return case.make(provider_settings, fetcher)


def serve_quote(server: ProviderServer, case: Case) -> None:
    server.serve_file(*case.quote_route)
    if case.also_route is not None:
        server.serve_file(*case.also_route)


async def test_it_is_a_real_provider(provider: HttpProvider, case: Case) -> None:
    assert isinstance(provider, Provider)
    assert not provider.simulated
    assert provider.supports(case.instrument)


async def test_quotes_are_keyed_by_our_symbol_and_name_the_provider(
    server: ProviderServer, provider: HttpProvider, case: Case
) -> None:
    serve_quote(server, case)
    quotes = await provider.quotes([case.instrument])
    assert list(quotes) == [case.instrument.symbol]
    assert all(q.symbol == symbol and q.provider == provider.name for symbol, q in quotes.items())


async def test_quote_times_are_utc(
    server: ProviderServer, provider: HttpProvider, case: Case
) -> None:
    serve_quote(server, case)
    quotes = await provider.quotes([case.instrument])
    assert all(q.as_of.utcoffset() == timedelta(0) for q in quotes.values())


async def test_history_bars_ascend_with_valid_ohlc(
    server: ProviderServer, provider: HttpProvider, case: Case
) -> None:
    server.serve_file(*case.history_route)
    bars = await provider.history(case.instrument, START, START + timedelta(days=6), case.interval)
    assert bars
    assert all(a.start < b.start for a, b in pairwise(bars))
    for bar in bars:
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
        assert (bar.symbol, bar.provider, bar.interval) == (
            case.instrument.symbol,
            provider.name,
            case.interval,
        )
        assert bar.start.utcoffset() == timedelta(0)
