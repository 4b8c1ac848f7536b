"""CoinGecko's simple price and market chart endpoints, played by the local server.

The answers under ``responses/coingecko/`` follow the examples of
https://docs.coingecko.com/v3.0.1/reference/simple-price (coin id, then ``usd``,
``usd_24h_vol``, ``usd_24h_change``, ``last_updated_at``) and
https://docs.coingecko.com/v3.0.1/reference/coins-id-market-chart-range (``prices`` as
[milliseconds, price] pairs), with the error body of
https://docs.coingecko.com/reference/common-errors-rate-limit (``status.error_code`` 429).
``simple_price_renamed.json`` renames the price field: that coin then has no quote.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.http_server import Reply
from support.provider_server import ProviderServer
from tickerwire.config import FetchSettings, ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.coingecko import CoinGeckoProvider
from tickerwire.markets.quotes import Interval
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

BTCUSD = Registry.build().get("BTCUSD")
ETHUSD = BTCUSD.model_copy(
    update={
        "symbol": "ETHUSD",
        "name": "Ethereum USD",
        "provider_symbols": {"coingecko": "ethereum"},
    }
)
START = datetime(2024, 11, 22, 8, tzinfo=UTC)
END = datetime(2024, 11, 22, 10, tzinfo=UTC)
PRICE = "/api/v3/simple/price"
CHART = "/api/v3/coins/bitcoin/market_chart/range"


@pytest.fixture
def coingecko(provider_settings: ProviderSettings, fetcher: Fetcher) -> CoinGeckoProvider:
    return CoinGeckoProvider(provider_settings, fetcher, max_bytes=64 * 1024)


async def test_a_quote_carries_price_time_and_volume(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(PRICE, "coingecko/simple_price.json")
    quote = (await coingecko.quotes([BTCUSD]))["BTCUSD"]
    assert (quote.price, quote.volume, quote.provider) == (98750.0, 61834958821.42, "coingecko")
    assert quote.as_of == datetime(2024, 11, 22, 16, 35, tzinfo=UTC)


async def test_the_previous_close_is_the_price_24_hours_ago(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(PRICE, "coingecko/simple_price.json")
    quote = (await coingecko.quotes([BTCUSD]))["BTCUSD"]
    assert quote.change_percent == pytest.approx(2.5)


async def test_quotes_ask_for_every_coin_in_one_request(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(PRICE, "coingecko/simple_price.json")
    await coingecko.quotes([BTCUSD, ETHUSD])
    assert server.query() == {
        "ids": ["bitcoin,ethereum"],
        "vs_currencies": ["usd"],
        "include_24hr_change": ["true"],
        "include_last_updated_at": ["true"],
        "include_24hr_vol": ["true"],
    }


async def test_a_coin_coingecko_leaves_out_is_absent(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(PRICE, "coingecko/simple_price.json")
    assert set(await coingecko.quotes([BTCUSD, ETHUSD])) == {"BTCUSD"}


async def test_null_and_negative_prices_are_skipped(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(PRICE, "coingecko/simple_price_bad.json")
    assert await coingecko.quotes([BTCUSD, ETHUSD]) == {}


async def test_rate_limiting_keeps_retry_after(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(PRICE, "coingecko/rate_limited.json", status=429, **{"Retry-After": "90"})
    with pytest.raises(ProviderError) as failure:
        await coingecko.quotes([BTCUSD])
    assert failure.value.retry_after == 90


async def test_a_server_error_is_a_provider_error(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.route(PRICE, Reply(500, b"{}"))
    with pytest.raises(ProviderError, match="500"):
        await coingecko.quotes([BTCUSD])


async def test_malformed_json_is_a_provider_error(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.route(PRICE, Reply(200, b'{"bitcoin": {"usd": 98'))
    with pytest.raises(ProviderError, match="malformed"):
        await coingecko.quotes([BTCUSD])


async def test_a_server_that_never_answers_hits_the_deadline(
    server: ProviderServer, provider_settings: ProviderSettings
) -> None:
    server.serve_silence(PRICE)
    fetcher = Fetcher(FetchSettings(allow_hosts=["127.0.0.1"], deadline=1))
    try:
        with pytest.raises(ProviderError, match="deadline"):
            await CoinGeckoProvider(provider_settings, fetcher, max_bytes=65536).quotes([BTCUSD])
    finally:
        await fetcher.aclose()


async def test_history_asks_for_the_range_in_epoch_seconds(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(CHART, "coingecko/market_chart_range.json")
    await coingecko.history(BTCUSD, START, END, Interval.H1)
    assert server.query() == {
        "vs_currency": ["usd"],
        "from": [str(int(START.timestamp()))],
        "to": [str(int(END.timestamp()))],
    }


async def test_history_resamples_price_samples_into_bars(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(CHART, "coingecko/market_chart_range.json")
    bars = await coingecko.history(BTCUSD, START, END, Interval.H1)
    assert [(b.start.hour, b.open, b.high, b.low, b.close) for b in bars] == [
        (8, 98000.0, 98600.5, 97800.25, 98100.0),
        (9, 98200.0, 98350.75, 98200.0, 98350.75),
    ]


async def test_history_of_an_unknown_coin_is_empty(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(CHART, "coingecko/coin_not_found.json", status=404)
    assert await coingecko.history(BTCUSD, START, END, Interval.D1) == []


async def test_a_renamed_price_field_gives_no_quote(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(PRICE, "coingecko/simple_price_renamed.json")
    assert await coingecko.quotes([BTCUSD]) == {}


async def test_a_maintenance_page_is_named_as_such(
    server: ProviderServer, coingecko: CoinGeckoProvider
) -> None:
    server.serve_file(PRICE, "maintenance.html")
    with pytest.raises(ProviderError, match="HTML page instead of data"):
        await coingecko.quotes([BTCUSD])
