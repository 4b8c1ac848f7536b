"""Coinbase Exchange's public endpoints, played by the local server from hand-written JSON.

The files under ``responses/coinbase/`` follow the response examples of
https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-ticker
(ask, bid, volume, trade_id, price, size, time: numbers as strings),
.../products/get-product-stats (open, high, low, last, volume, volume_30day) and
.../products/get-product-candles (rows of time, low, high, open, close, volume, newest
first); errors as on https://docs.cdp.coinbase.com/exchange/docs/rest-requests
(``{"message": ...}`` with 404 or 429). The renamed-field file is the ticker with ``price``
renamed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.provider_server import ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.coinbase import CoinbaseProvider
from tickerwire.markets.quotes import Interval, PriceKind
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
BTC = REGISTRY.get("BTCUSD")
PRODUCT = "/products/BTC-USD"


@pytest.fixture
def coinbase(provider_settings: ProviderSettings, fetcher: Fetcher) -> CoinbaseProvider:
    return CoinbaseProvider(provider_settings, fetcher, max_bytes=65536)


def serve_quote(server: ProviderServer, ticker: str = "coinbase/ticker_btc_usd.json") -> None:
    server.serve_file(PRODUCT + "/ticker", ticker)
    server.serve_file(PRODUCT + "/stats", "coinbase/stats_btc_usd.json")


async def test_a_quote_is_the_last_trade_with_the_price_24_hours_ago_as_close(
    server: ProviderServer, coinbase: CoinbaseProvider
) -> None:
    serve_quote(server)
    quote = (await coinbase.quotes([BTC]))["BTCUSD"]
    assert (quote.price, quote.previous_close) == (98407.49, 98905.04)
    assert (quote.day_high, quote.day_low, quote.volume) == (99588.01, 97222.0, 21355.81754862)
    assert quote.as_of == datetime(2024, 11, 22, 20, 59, 58, 412077, tzinfo=UTC)
    assert (quote.provider, quote.kind) == ("coinbase", PriceKind.INTRADAY)


async def test_it_covers_bitcoin_only(coinbase: CoinbaseProvider) -> None:
    assert {i.symbol for i in REGISTRY if coinbase.supports(i)} == {"BTCUSD"}


async def test_an_unknown_product_is_absent(
    server: ProviderServer, coinbase: CoinbaseProvider
) -> None:
    server.serve_file(PRODUCT + "/ticker", "coinbase/not_found.json", status=404)
    assert await coinbase.quotes([BTC]) == {}


async def test_rate_limiting_fails_the_call_with_retry_after(
    server: ProviderServer, coinbase: CoinbaseProvider
) -> None:
    server.serve_file(
        PRODUCT + "/ticker", "coinbase/rate_limited.json", status=429, **{"Retry-After": "120"}
    )
    with pytest.raises(ProviderError) as failure:
        await coinbase.quotes([BTC])
    assert failure.value.retry_after == 120


async def test_an_error_message_inside_a_200_fails_the_call(
    server: ProviderServer, coinbase: CoinbaseProvider
) -> None:
    server.serve_file(PRODUCT + "/ticker", "coinbase/rate_limited.json")
    with pytest.raises(ProviderError, match="Public rate limit exceeded"):
        await coinbase.quotes([BTC])


@pytest.mark.parametrize(
    "ticker", ["coinbase/ticker_zero_price.json", "coinbase/ticker_renamed_field.json"]
)
async def test_a_ticker_without_a_real_price_gives_no_quote(
    server: ProviderServer, coinbase: CoinbaseProvider, ticker: str
) -> None:
    serve_quote(server, ticker)
    assert await coinbase.quotes([BTC]) == {}


@pytest.mark.parametrize(
    ("fixture", "message"),
    [("maintenance.html", "HTML page"), ("yahoo/chart_truncated.json", "malformed JSON")],
)
async def test_a_page_or_a_truncated_body_fails_the_call(
    server: ProviderServer, coinbase: CoinbaseProvider, fixture: str, message: str
) -> None:
    serve_quote(server, fixture)
    with pytest.raises(ProviderError, match=message):
        await coinbase.quotes([BTC])


async def test_history_comes_from_candles_oldest_first(
    server: ProviderServer, coinbase: CoinbaseProvider
) -> None:
    server.serve_file(PRODUCT + "/candles", "coinbase/candles_btc_usd_hourly.json")
    start, end = datetime(2024, 11, 22, 19, tzinfo=UTC), datetime(2024, 11, 22, 22, tzinfo=UTC)
    bars = await coinbase.history(BTC, start, end, Interval.H1)
    assert [b.start.hour for b in bars] == [19, 20, 21]
    first = bars[0]
    assert (first.open, first.high, first.low, first.close) == (
        98905.04,
        99120.77,
        98500.0,
        98744.1,
    )
    assert server.query()["granularity"] == ["3600"]


async def test_a_long_range_is_cut_to_the_newest_300_candles(
    server: ProviderServer, coinbase: CoinbaseProvider
) -> None:
    server.serve_file(PRODUCT + "/candles", "coinbase/candles_btc_usd_hourly.json")
    end = datetime(2024, 11, 22, 22, tzinfo=UTC)
    await coinbase.history(BTC, datetime(2024, 1, 1, tzinfo=UTC), end, Interval.M1)
    assert server.query()["start"] == ["2024-11-22T17:00:00+00:00"]
