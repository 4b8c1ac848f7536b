"""The ECB's reference rates, played by the local server from hand-written XML files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.provider_server import ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.ecb import EcbProvider
from tickerwire.markets.quotes import Interval, PriceKind
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
FX = [REGISTRY.get(s) for s in ("EURUSD", "GBPUSD", "USDJPY")]
DAILY = "/stats/eurofxref/eurofxref-daily.xml"
HISTORY = "/stats/eurofxref/eurofxref-hist-90d.xml"
XML = {"Content-Type": "text/xml"}


@pytest.fixture
def ecb(provider_settings: ProviderSettings, fetcher: Fetcher) -> EcbProvider:
    return EcbProvider(provider_settings, fetcher, max_bytes=65536)


async def test_eur_usd_is_the_dollar_rate_and_the_others_are_crossed_through_the_euro(
    server: ProviderServer, ecb: EcbProvider
) -> None:
    server.serve_file(DAILY, "ecb/eurofxref_daily.xml", **XML)
    quotes = await ecb.quotes(FX)
    assert quotes["EURUSD"].price == 1.0412
    assert quotes["GBPUSD"].price == pytest.approx(1.0412 / 0.83188, abs=1e-6)
    assert quotes["USDJPY"].price == pytest.approx(161.05 / 1.0412, abs=1e-6)


async def test_a_fixing_is_labelled_as_one_and_dated_at_the_concertation(
    server: ProviderServer, ecb: EcbProvider
) -> None:
    server.serve_file(DAILY, "ecb/eurofxref_daily.xml", **XML)
    quote = (await ecb.quotes(FX))["EURUSD"]
    assert quote.kind is PriceKind.DAILY_FIXING
    assert quote.as_of == datetime(2024, 11, 22, 13, 10, tzinfo=UTC)  # 14:10 CET
    assert (quote.provider, quote.previous_close) == ("ecb", None)


async def test_it_covers_currencies_only(ecb: EcbProvider) -> None:
    covered = {i.symbol for i in REGISTRY if ecb.supports(i)}
    assert covered == {"EURUSD", "GBPUSD", "USDJPY"}


async def test_rates_of_zero_nan_or_text_give_no_quote(
    server: ProviderServer, ecb: EcbProvider
) -> None:
    server.serve_file(DAILY, "ecb/eurofxref_bad_rates.xml", **XML)
    assert await ecb.quotes(FX) == {}


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("ecb/eurofxref_truncated.xml", "not well-formed XML"),
        ("ecb/eurofxref_changed_namespace.xml", "no dated rates"),
        ("maintenance.html", "HTML page instead of data"),
    ],
)
async def test_a_broken_or_changed_file_fails_the_call_with_a_clear_reason(
    server: ProviderServer, ecb: EcbProvider, fixture: str, message: str
) -> None:
    server.serve_file(DAILY, fixture, **XML)
    with pytest.raises(ProviderError, match=message):
        await ecb.quotes(FX)


async def test_a_maintenance_status_fails_the_call(
    server: ProviderServer, ecb: EcbProvider
) -> None:
    server.serve_file(DAILY, "maintenance.html", status=503, **{"Content-Type": "text/html"})
    with pytest.raises(ProviderError, match="503"):
        await ecb.quotes(FX)


async def test_history_is_one_daily_bar_per_fixing_in_the_range_ascending(
    server: ProviderServer, ecb: EcbProvider
) -> None:
    server.serve_file(HISTORY, "ecb/eurofxref_hist_90d.xml", **XML)
    start, end = datetime(2024, 11, 20, tzinfo=UTC), datetime(2024, 11, 23, tzinfo=UTC)
    bars = await ecb.history(REGISTRY.get("USDJPY"), start, end, Interval.D1)
    assert [b.start.day for b in bars] == [20, 21, 22]
    assert bars[0].close == pytest.approx(163.63 / 1.0537, abs=1e-6)
    assert all(b.open == b.high == b.low == b.close for b in bars)


async def test_there_is_no_intraday_history(server: ProviderServer, ecb: EcbProvider) -> None:
    start, end = datetime(2024, 11, 20, tzinfo=UTC), datetime(2024, 11, 23, tzinfo=UTC)
    assert await ecb.history(FX[0], start, end, Interval.H1) == []
    assert server.requests == []


async def test_the_daily_file_is_fetched_again_only_after_ten_minutes(
    server: ProviderServer, ecb: EcbProvider
) -> None:
    now = [1000.0]
    ecb.monotonic = lambda: now[0]
    server.serve_file(DAILY, "ecb/eurofxref_daily.xml", **XML)
    await ecb.quotes(FX)
    now[0] += 599
    await ecb.quotes(FX)
    assert len(server.requests) == 1
    now[0] += 2
    await ecb.quotes(FX)
    assert len(server.requests) == 2


async def test_a_maintenance_page_is_not_kept_for_the_next_poll(
    server: ProviderServer, ecb: EcbProvider
) -> None:
    server.serve_file(DAILY, "maintenance.html", **XML)
    with pytest.raises(ProviderError):
        await ecb.quotes(FX)
    server.serve_file(DAILY, "ecb/eurofxref_daily.xml", **XML)
    assert set(await ecb.quotes(FX)) == {"EURUSD", "GBPUSD", "USDJPY"}
