"""The Treasury's daily par yield curve, played by the local server from hand-written CSV.

The CSV files under ``responses/treasury/`` are shaped after the yearly download of
https://home.treasury.gov/resource-center/data-chart-center/interest-rates/TextView?type=daily_treasury_yield_curve
(its "Download CSV" link; the feed is described at
https://home.treasury.gov/treasury-daily-interest-rate-xml-feed): a Date column in
MM/DD/YYYY, one quoted column per maturity, newest day first. Yields written by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.provider_server import ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.treasury import TreasuryProvider
from tickerwire.markets.quotes import Interval, PriceKind
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
TNX = REGISTRY.get("TNX")
CSV = "/resource-center/data-chart-center/interest-rates/daily-treasury-rates.csv/{}/all"
NOW = datetime(2024, 11, 25, 14, 0, tzinfo=UTC)


def treasury_at(settings: ProviderSettings, fetcher: Fetcher, now: datetime) -> TreasuryProvider:
    return TreasuryProvider(settings, fetcher, max_bytes=65536, clock=lambda: now)


@pytest.fixture
def treasury(provider_settings: ProviderSettings, fetcher: Fetcher) -> TreasuryProvider:
    return treasury_at(provider_settings, fetcher, NOW)


async def test_the_ten_year_is_the_latest_days_10_yr_column_labelled_end_of_day(
    server: ProviderServer, treasury: TreasuryProvider
) -> None:
    server.serve_file(CSV.format(2024), "treasury/yield_curve_2024.csv")
    quote = (await treasury.quotes([TNX]))["TNX"]
    assert (quote.price, quote.previous_close, quote.provider) == (4.41, 4.43, "treasury")
    assert quote.kind is PriceKind.END_OF_DAY
    assert quote.as_of == datetime(2024, 11, 22, 20, 30, tzinfo=UTC)  # 3:30 PM New York


async def test_it_asks_for_this_years_daily_par_yield_curve(
    server: ProviderServer, treasury: TreasuryProvider
) -> None:
    server.serve_file(CSV.format(2024), "treasury/yield_curve_2024.csv")
    await treasury.quotes([TNX])
    assert server.query()["type"] == ["daily_treasury_yield_curve"]
    assert server.query()["field_tdr_date_value"] == ["2024"]


async def test_in_the_first_days_of_a_year_the_last_one_answers(
    server: ProviderServer, provider_settings: ProviderSettings, fetcher: Fetcher
) -> None:
    server.serve_file(CSV.format(2024), "treasury/yield_curve_empty_year.csv")
    server.serve_file(CSV.format(2023), "treasury/yield_curve_2023.csv")
    january = treasury_at(provider_settings, fetcher, datetime(2024, 1, 2, 12, tzinfo=UTC))
    quote = (await january.quotes([TNX]))["TNX"]
    assert (quote.price, quote.as_of.date().isoformat()) == (3.88, "2023-12-29")


async def test_a_missing_file_for_the_new_year_is_no_outage(
    server: ProviderServer, provider_settings: ProviderSettings, fetcher: Fetcher
) -> None:
    server.serve_file(CSV.format(2023), "treasury/yield_curve_2023.csv")  # 2024: 404
    january = treasury_at(provider_settings, fetcher, datetime(2024, 1, 1, 12, tzinfo=UTC))
    assert (await january.quotes([TNX]))["TNX"].price == 3.88


async def test_days_without_a_real_value_are_passed_over(
    server: ProviderServer, treasury: TreasuryProvider
) -> None:
    server.serve_file(CSV.format(2024), "treasury/yield_curve_missing_value.csv")
    quote = (await treasury.quotes([TNX]))["TNX"]
    assert (quote.price, quote.as_of.date().isoformat()) == (4.41, "2024-11-20")


async def test_it_covers_the_ten_year_only(treasury: TreasuryProvider) -> None:
    assert {i.symbol for i in REGISTRY if treasury.supports(i)} == {"TNX"}


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("treasury/yield_curve_renamed_column.csv", "no '10 Yr' column"),
        ("maintenance.html", "HTML page instead of data"),
        ("stooq/hits_limit.txt", "no Date column"),
    ],
)
async def test_a_changed_or_wrong_file_fails_the_call_with_a_clear_reason(
    server: ProviderServer, treasury: TreasuryProvider, fixture: str, message: str
) -> None:
    server.serve_file(CSV.format(2024), fixture)
    with pytest.raises(ProviderError, match=message):
        await treasury.quotes([TNX])


async def test_history_is_one_bar_a_day_from_each_years_file(
    server: ProviderServer, treasury: TreasuryProvider
) -> None:
    server.serve_file(CSV.format(2023), "treasury/yield_curve_2023.csv")
    server.serve_file(CSV.format(2024), "treasury/yield_curve_empty_year.csv")
    start, end = datetime(2023, 12, 28, tzinfo=UTC), datetime(2024, 1, 3, tzinfo=UTC)
    bars = await treasury.history(TNX, start, end, Interval.D1)
    assert [(b.start.day, b.close) for b in bars] == [(28, 3.84), (29, 3.88)]
    assert all(b.open == b.high == b.low == b.close for b in bars)
