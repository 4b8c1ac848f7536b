"""Kraken's public Ticker and OHLC endpoints, played by the local server from hand-written JSON.

The files under ``responses/kraken/`` follow
https://docs.kraken.com/api/docs/rest-api/get-ticker-information (``error`` list, then
``result`` keyed by Kraken's pair name: ``c`` last trade [price, lot], ``h``/``l``/``v``
[today, last 24 h], ``o`` today's open) and
https://docs.kraken.com/api/docs/rest-api/get-ohlc-data (rows of time, open, high, low,
close, vwap, volume, count, plus ``last``); the error strings are those listed on
https://docs.kraken.com/api/docs/guides/spot-errors (EQuery:Unknown asset pair,
EGeneral:Too many requests, EService:Unavailable), all sent with HTTP 200.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.provider_server import ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.kraken import THROTTLED_RETRY, KrakenProvider
from tickerwire.markets.quotes import Interval
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
BTC = REGISTRY.get("BTCUSD")
TICKER = "/0/public/Ticker"
DATE = {"Date": "Fri, 22 Nov 2024 21:00:00 GMT"}


@pytest.fixture
def kraken(provider_settings: ProviderSettings, fetcher: Fetcher) -> KrakenProvider:
    return KrakenProvider(provider_settings, fetcher, max_bytes=65536)


async def test_a_quote_is_the_last_trade_dated_by_krakens_clock(
    server: ProviderServer, kraken: KrakenProvider
) -> None:
    server.serve_file(TICKER, "kraken/ticker_xbtusd.json", **DATE)
    quote = (await kraken.quotes([BTC]))["BTCUSD"]
    assert (quote.price, quote.previous_close) == (98410.0, 98920.1)
    assert (quote.day_high, quote.day_low, quote.volume) == (99500.0, 97231.4, 1988.41629077)
    assert quote.as_of == datetime(2024, 11, 22, 21, 0, tzinfo=UTC)
    assert server.query() == {"pair": ["XBTUSD"]}


async def test_it_covers_bitcoin_only(kraken: KrakenProvider) -> None:
    assert {i.symbol for i in REGISTRY if kraken.supports(i)} == {"BTCUSD"}


async def test_an_unknown_pair_is_absent(server: ProviderServer, kraken: KrakenProvider) -> None:
    server.serve_file(TICKER, "kraken/unknown_pair.json", **DATE)
    assert await kraken.quotes([BTC]) == {}


async def test_throttling_inside_a_200_backs_off(
    server: ProviderServer, kraken: KrakenProvider
) -> None:
    server.serve_file(TICKER, "kraken/too_many_requests.json", **DATE)
    with pytest.raises(ProviderError, match="throttled") as failure:
        await kraken.quotes([BTC])
    assert failure.value.retry_after == THROTTLED_RETRY


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("kraken/service_unavailable.json", "EService:Unavailable"),
        ("maintenance.html", "HTML page"),
        ("yahoo/chart_truncated.json", "malformed JSON"),
        ("coinbase/stats_btc_usd.json", "no error list|no result object"),
    ],
)
async def test_an_error_a_page_or_a_changed_answer_fails_the_call(
    server: ProviderServer, kraken: KrakenProvider, fixture: str, message: str
) -> None:
    server.serve_file(TICKER, fixture, **DATE)
    with pytest.raises(ProviderError, match=message):
        await kraken.quotes([BTC])


async def test_a_nan_price_gives_no_quote(server: ProviderServer, kraken: KrakenProvider) -> None:
    server.serve_file(TICKER, "kraken/ticker_nan_price.json", **DATE)
    assert await kraken.quotes([BTC]) == {}


async def test_an_answer_without_a_date_cannot_be_dated(
    server: ProviderServer, kraken: KrakenProvider
) -> None:
    server.serve_file(TICKER, "kraken/ticker_xbtusd.json")
    with pytest.raises(ProviderError, match="without a Date header"):
        await kraken.quotes([BTC])


async def test_history_is_the_ohlc_rows_within_the_range(
    server: ProviderServer, kraken: KrakenProvider
) -> None:
    server.serve_file("/0/public/OHLC", "kraken/ohlc_xbtusd_hourly.json")
    start, end = datetime(2024, 11, 22, 20, tzinfo=UTC), datetime(2024, 11, 22, 22, tzinfo=UTC)
    bars = await kraken.history(BTC, start, end, Interval.H1)
    assert [(b.start.hour, b.close, b.volume) for b in bars] == [
        (20, 98390.5, 230.12984410),
        (21, 98407.4, 99.00210002),
    ]
    assert server.query()["interval"] == ["60"]
