"""Yahoo's chart endpoint, played by the local server from hand-written answers.

Yahoo documents no public API; the chart answers under ``responses/yahoo/`` follow the
shape yfinance parses in its ``history`` code and its issue threads show
(``chart.result[0]`` with ``meta``, ``timestamp`` and ``indicators.quote[0]``; errors as
``chart.error`` with ``code``/``description``, e.g. "Not Found: No data found, symbol may
be delisted" with 404, and 422 for a range it refuses). ``chart_meta_renamed.json`` is the
same answer with ``meta`` renamed, the change a parser must notice.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.http_server import Reply
from support.provider_server import ProviderServer
from tickerwire.config import FetchSettings, ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.yahoo import YahooProvider
from tickerwire.markets.quotes import Interval
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
SPX, DJI, IXIC, FTSE = (REGISTRY.get(s) for s in ("SPX", "DJI", "IXIC", "FTSE"))
START = datetime(2024, 11, 20, tzinfo=UTC)
END = datetime(2024, 11, 23, tzinfo=UTC)
CHART = "/v8/finance/chart/"


@pytest.fixture
def yahoo(provider_settings: ProviderSettings, fetcher: Fetcher) -> YahooProvider:
    return YahooProvider(provider_settings, fetcher, max_bytes=64 * 1024)


async def test_a_quote_comes_from_the_chart_meta(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    quote = (await yahoo.quotes([SPX]))["SPX"]
    assert (quote.price, quote.previous_close, quote.day_high, quote.day_low) == (
        5969.34,
        5948.71,
        5972.9,
        5944.36,
    )
    assert (quote.volume, quote.provider, quote.delayed) == (2245181898, "yahoo", False)
    assert quote.as_of == datetime(2024, 11, 22, 21, 0, tzinfo=UTC)


async def test_requests_carry_the_browser_user_agent_of_the_settings(
    server: ProviderServer, yahoo: YahooProvider, provider_settings: ProviderSettings
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    await yahoo.quotes([SPX])
    sent = server.requests[0].headers["user-agent"]
    assert sent == provider_settings.yahoo_user_agent and sent.startswith("Mozilla/5.0")


async def test_the_day_open_is_the_first_non_null_open(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    assert (await yahoo.quotes([SPX]))["SPX"].open == 5945.12


async def test_quotes_ask_for_one_day_of_minutes(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    await yahoo.quotes([SPX])
    assert server.query() == {"range": ["1d"], "interval": ["1m"]}


async def test_a_quote_is_delayed_when_the_exchange_data_is(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^FTSE", "yahoo/chart_ftse_1d.json")
    assert (await yahoo.quotes([FTSE]))["FTSE"].delayed


@pytest.mark.parametrize("fixture", ["chart_bad_prices.json", "chart_negative_price.json"])
async def test_a_symbol_without_a_real_price_is_skipped(
    server: ProviderServer, yahoo: YahooProvider, fixture: str
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    server.serve_file(CHART + "^DJI", f"yahoo/{fixture}")
    assert set(await yahoo.quotes([SPX, DJI])) == {"SPX"}


async def test_an_unknown_symbol_is_absent(server: ProviderServer, yahoo: YahooProvider) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    server.serve_file(CHART + "^IXIC", "yahoo/chart_not_found.json", status=404)
    assert set(await yahoo.quotes([SPX, IXIC])) == {"SPX"}


async def test_a_server_error_on_every_symbol_fails_the_call(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.route(CHART + "^GSPC", Reply(500, b"oops"))
    with pytest.raises(ProviderError, match="500"):
        await yahoo.quotes([SPX])


async def test_a_symbol_whose_request_fails_is_absent_when_others_answer(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    server.route(CHART + "^DJI", Reply(500, b"oops"))
    assert set(await yahoo.quotes([SPX, DJI])) == {"SPX"}


async def test_rate_limiting_fails_the_call_with_retry_after(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    server.route(CHART + "^DJI", Reply(429, b"Too Many Requests", {"Retry-After": "120"}))
    with pytest.raises(ProviderError) as failure:
        await yahoo.quotes([SPX, DJI])
    assert failure.value.retry_after == 120


async def test_malformed_json_is_a_provider_error(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_truncated.json")
    with pytest.raises(ProviderError, match="malformed"):
        await yahoo.quotes([SPX])


async def test_a_server_that_never_answers_hits_the_deadline(
    server: ProviderServer, provider_settings: ProviderSettings
) -> None:
    server.serve_silence(CHART + "^GSPC")
    fetcher = Fetcher(FetchSettings(allow_hosts=["127.0.0.1"], deadline=1))
    try:
        with pytest.raises(ProviderError, match="deadline"):
            await YahooProvider(provider_settings, fetcher, max_bytes=65536).quotes([SPX])
    finally:
        await fetcher.aclose()


async def test_history_asks_for_the_range_in_epoch_seconds(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_daily.json")
    await yahoo.history(SPX, START, END, Interval.D1)
    assert server.query() == {
        "period1": [str(int(START.timestamp()))],
        "period2": [str(int(END.timestamp()))],
        "interval": ["1d"],
    }


async def test_hourly_history_uses_yahoo_sixty_minute_bars(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_daily.json")
    await yahoo.history(SPX, START, END, Interval.H1)
    assert server.query()["interval"] == ["60m"]


async def test_daily_bars_start_at_midnight_utc_of_each_trading_date(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_daily.json")
    bars = await yahoo.history(SPX, START, END, Interval.D1)
    assert [b.start.day for b in bars] == [20, 21, 22]
    assert all(b.start.hour == 0 and b.symbol == "SPX" for b in bars)


async def test_intraday_bars_with_nulls_are_skipped(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_gspc_1d.json")
    bars = await yahoo.history(SPX, START, END, Interval.M1)
    assert [b.start.minute for b in bars] == [31, 33]


async def test_history_of_an_unknown_symbol_is_empty(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_not_found.json", status=404)
    assert await yahoo.history(SPX, START, END, Interval.D1) == []


async def test_a_range_yahoo_refuses_is_empty_history(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_range_refused.json", status=422)
    assert await yahoo.history(SPX, START, END, Interval.M1) == []


async def test_instruments_without_a_yahoo_symbol_are_not_requested(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    unlisted = SPX.model_copy(update={"provider_symbols": {"stooq": "^spx"}})
    assert not yahoo.supports(unlisted)
    assert await yahoo.quotes([unlisted]) == {}
    assert server.requests == []


async def test_a_renamed_meta_block_is_a_clear_error_not_a_silent_gap(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "yahoo/chart_meta_renamed.json")
    with pytest.raises(ProviderError, match="no meta object"):
        await yahoo.quotes([SPX])


async def test_a_maintenance_page_is_named_as_such(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.serve_file(CHART + "^GSPC", "maintenance.html")
    with pytest.raises(ProviderError, match="HTML page instead of data"):
        await yahoo.quotes([SPX])
