"""Stooq's CSV endpoints, played by the local server from hand-written answers.

Stooq has no API documentation; the CSV under ``responses/stooq/`` follows what its own
download links produce (``/q/l/?s=...&f=sd2t2ohlcv&h&e=csv``: a header row, ``N/D`` for
a symbol without data; ``/q/d/l/?s=...&i=d``: Date,Open,High,Low,Close,Volume, or the text
"No data"), and its limit page is the plain "Exceeded the daily hits limit" it answers
instead. ``quotes_polish_header.csv`` is the same quote with stooq.pl's Polish column
names, the header change the parser must refuse.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.http_server import Reply
from support.provider_server import ProviderServer
from tickerwire.config import FetchSettings, ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.stooq import StooqProvider, warsaw_to_utc
from tickerwire.markets.quotes import Interval
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
SPX, EURUSD, DJI, IXIC = (REGISTRY.get(s) for s in ("SPX", "EURUSD", "DJI", "IXIC"))
START = datetime(2024, 11, 20, tzinfo=UTC)
END = datetime(2024, 11, 26, tzinfo=UTC)


@pytest.fixture
def stooq(provider_settings: ProviderSettings, fetcher: Fetcher) -> StooqProvider:
    return StooqProvider(provider_settings, fetcher, max_bytes=64 * 1024)


def test_winter_warsaw_time_is_one_hour_ahead_of_utc() -> None:
    assert warsaw_to_utc("2024-11-22", "22:00:00") == datetime(2024, 11, 22, 21, tzinfo=UTC)


def test_summer_warsaw_time_is_two_hours_ahead_of_utc() -> None:
    assert warsaw_to_utc("2024-07-15", "15:30:00") == datetime(2024, 7, 15, 13, 30, tzinfo=UTC)


def test_missing_dates_are_no_time_at_all() -> None:
    assert warsaw_to_utc("N/D", "N/D") is None


async def test_quotes_are_keyed_by_our_symbol_with_utc_times(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/l/", "stooq/quotes.csv")
    quotes = await stooq.quotes([SPX, EURUSD])
    assert quotes["SPX"].price == 5969.34
    assert quotes["SPX"].as_of == datetime(2024, 11, 22, 21, tzinfo=UTC)
    assert quotes["EURUSD"].as_of == datetime(2024, 11, 22, 21, 59, 51, tzinfo=UTC)


async def test_all_symbols_go_in_one_request(server: ProviderServer, stooq: StooqProvider) -> None:
    server.serve_file("/q/l/", "stooq/quotes.csv")
    await stooq.quotes([SPX, EURUSD])
    assert server.query() == {
        "s": ["^spx eurusd"],
        "f": ["sd2t2ohlcv"],
        "h": [""],
        "e": ["csv"],
    }


async def test_a_quote_has_no_previous_close_and_is_delayed(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/l/", "stooq/quotes.csv")
    quote = (await stooq.quotes([SPX]))["SPX"]
    assert (quote.previous_close, quote.delayed, quote.open) == (None, True, 5944.36)


async def test_an_empty_volume_is_unknown(server: ProviderServer, stooq: StooqProvider) -> None:
    server.serve_file("/q/l/", "stooq/quotes.csv")
    assert (await stooq.quotes([EURUSD]))["EURUSD"].volume is None


async def test_rows_marked_no_data_or_with_negative_prices_are_skipped(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/l/", "stooq/quotes.csv")
    assert set(await stooq.quotes([SPX, DJI, IXIC])) == {"SPX"}


async def test_an_answer_that_is_not_the_csv_asked_for_is_a_provider_error(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/l/", "stooq/hits_limit.txt")
    with pytest.raises(ProviderError, match="malformed"):
        await stooq.quotes([SPX])


async def test_a_server_error_is_a_provider_error(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.route("/q/l/", Reply(500, b"oops"))
    with pytest.raises(ProviderError, match="500"):
        await stooq.quotes([SPX])


async def test_rate_limiting_keeps_retry_after(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.route("/q/l/", Reply(429, b"slow down", {"Retry-After": "300"}))
    with pytest.raises(ProviderError) as failure:
        await stooq.quotes([SPX])
    assert failure.value.retry_after == 300


async def test_a_server_that_never_answers_hits_the_deadline(
    server: ProviderServer, provider_settings: ProviderSettings
) -> None:
    server.serve_silence("/q/l/")
    fetcher = Fetcher(FetchSettings(allow_hosts=["127.0.0.1"], deadline=1))
    try:
        with pytest.raises(ProviderError, match="deadline"):
            await StooqProvider(provider_settings, fetcher, max_bytes=65536).quotes([SPX])
    finally:
        await fetcher.aclose()


async def test_daily_history_asks_for_the_dates_in_warsaw(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/d/l/", "stooq/history_spx_daily.csv")
    await stooq.history(SPX, START, END, Interval.D1)
    assert server.query() == {"s": ["^spx"], "i": ["d"], "d1": ["20241120"], "d2": ["20241126"]}


async def test_daily_history_skips_bad_rows_and_starts_bars_at_midnight_utc(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/d/l/", "stooq/history_spx_daily.csv")
    bars = await stooq.history(SPX, START, END, Interval.D1)
    assert [b.start for b in bars] == [datetime(2024, 11, d, tzinfo=UTC) for d in (20, 21, 22)]
    assert bars[-1].close == 5969.34


async def test_history_of_an_unknown_symbol_is_empty(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/d/l/", "stooq/history_no_data.csv")
    assert await stooq.history(SPX, START, END, Interval.D1) == []


async def test_intraday_history_is_not_offered(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    assert await stooq.history(SPX, START, END, Interval.M5) == []
    assert server.requests == []


async def test_a_changed_header_is_a_clear_error(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/l/", "stooq/quotes_polish_header.csv")
    with pytest.raises(ProviderError, match="lacks"):
        await stooq.quotes([SPX])


async def test_a_maintenance_page_is_named_as_such(
    server: ProviderServer, stooq: StooqProvider
) -> None:
    server.serve_file("/q/l/", "maintenance.html")
    with pytest.raises(ProviderError, match="HTML page instead of data"):
        await stooq.quotes([SPX])
