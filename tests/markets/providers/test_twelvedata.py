"""Twelve Data's /quote and /time_series, played by the local server from hand-written JSON.

The files under ``responses/twelvedata/`` follow https://twelvedata.com/docs#quote (a quote
object of strings: close, open, high, low, previous_close, timestamp, last_quote_at...; a
batch is an object keyed by the symbols asked for) and https://twelvedata.com/docs#time-series
(meta plus ``values`` newest first), with errors as on https://twelvedata.com/docs#errors
(``{"code", "message", "status": "error"}`` sent with HTTP 200: 400/404 bad or unknown
symbol, 401 bad key, 403 not on your plan, 429 out of credits). The messages are written in
the manner of those the service sends, not copied from an answer. ``quote_zero_and_stale_fields``
holds a price of 0 and a quote whose ``close`` was renamed ``price``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.provider_server import ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.twelvedata import CREDITS_RETRY, TwelveDataProvider
from tickerwire.markets.quotes import Interval
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
EURUSD, GC, SPX, DJI, BTC = (REGISTRY.get(s) for s in ("EURUSD", "GC", "SPX", "DJI", "BTCUSD"))


@pytest.fixture
def twelvedata(provider_settings: ProviderSettings, fetcher: Fetcher) -> TwelveDataProvider:
    return TwelveDataProvider(provider_settings, fetcher, max_bytes=65536)


async def test_one_batch_request_answers_every_symbol_with_the_key(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/quote", "twelvedata/quote_batch.json")
    quotes = await twelvedata.quotes([EURUSD, GC, SPX])
    assert len(server.requests) == 1
    assert server.query() == {"symbol": ["EUR/USD,XAU/USD,SPX"], "apikey": ["twelvedata-test-key"]}
    assert set(quotes) == {"EURUSD", "GC"}  # SPX is refused on a free plan: absent


async def test_a_quote_is_the_close_with_its_day_and_last_quote_time(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/quote", "twelvedata/quote_batch.json")
    quote = (await twelvedata.quotes([EURUSD, GC]))["EURUSD"]
    assert (quote.price, quote.previous_close, quote.open) == (1.0418, 1.0472, 1.0472)
    assert (quote.day_high, quote.day_low, quote.volume) == (1.0478, 1.0334, None)
    assert quote.as_of == datetime(2024, 11, 22, 20, 59, tzinfo=UTC)


async def test_a_single_symbol_is_answered_unkeyed(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/quote", "twelvedata/quote_single.json")
    assert (await twelvedata.quotes([BTC]))["BTCUSD"].price == 98407.49


async def test_when_every_symbol_is_refused_the_call_fails_saying_why(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/quote", "twelvedata/quote_all_refused.json")
    with pytest.raises(ProviderError, match="not available with your plan"):
        await twelvedata.quotes([SPX, DJI])


async def test_running_out_of_credits_backs_off_a_minute(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/quote", "twelvedata/out_of_credits.json")
    with pytest.raises(ProviderError, match="out of API credits") as failure:
        await twelvedata.quotes([EURUSD, GC])
    assert failure.value.retry_after == CREDITS_RETRY


async def test_a_refused_key_is_named_without_the_key(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/quote", "twelvedata/bad_key.json")
    with pytest.raises(ProviderError, match="key refused") as failure:
        await twelvedata.quotes([EURUSD])
    assert "twelvedata-test-key" not in str(failure.value)


async def test_a_zero_price_or_a_renamed_field_gives_no_quote(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/quote", "twelvedata/quote_zero_and_stale_fields.json")
    assert await twelvedata.quotes([EURUSD, GC]) == {}


@pytest.mark.parametrize(
    ("fixture", "message"),
    [("maintenance.html", "HTML page"), ("yahoo/chart_truncated.json", "malformed JSON")],
)
async def test_a_page_or_a_truncated_body_fails_the_call(
    server: ProviderServer, twelvedata: TwelveDataProvider, fixture: str, message: str
) -> None:
    server.serve_file("/quote", fixture)
    with pytest.raises(ProviderError, match=message):
        await twelvedata.quotes([EURUSD, GC])


async def test_it_covers_fx_bitcoin_metals_crude_and_indices_for_paid_keys(
    twelvedata: TwelveDataProvider,
) -> None:
    covered = {i.symbol for i in REGISTRY if twelvedata.supports(i)}
    assert {"EURUSD", "GBPUSD", "USDJPY", "BTCUSD", "GC", "SI", "CL", "SPX"} <= covered
    assert "TNX" not in covered and "CMC200" not in covered


async def test_it_needs_a_key(fetcher: Fetcher) -> None:
    with pytest.raises(ValueError, match="twelvedata_api_key"):
        TwelveDataProvider(ProviderSettings(), fetcher, max_bytes=65536)


async def test_history_asks_in_utc_and_ascends(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/time_series", "twelvedata/time_series_eurusd_daily.json")
    start, end = datetime(2024, 11, 20, tzinfo=UTC), datetime(2024, 11, 23, tzinfo=UTC)
    bars = await twelvedata.history(EURUSD, start, end, Interval.D1)
    assert [(b.start.day, b.close) for b in bars] == [(20, 1.0544), (21, 1.0472), (22, 1.0418)]
    asked = server.query()
    assert (asked["interval"], asked["timezone"]) == (["1day"], ["UTC"])
    assert asked["start_date"] == ["2024-11-20 00:00:00"]


async def test_no_data_for_the_dates_is_empty_history(
    server: ProviderServer, twelvedata: TwelveDataProvider
) -> None:
    server.serve_file("/time_series", "twelvedata/time_series_no_data.json")
    start, end = datetime(2024, 11, 20, tzinfo=UTC), datetime(2024, 11, 23, tzinfo=UTC)
    assert await twelvedata.history(EURUSD, start, end, Interval.D1) == []
