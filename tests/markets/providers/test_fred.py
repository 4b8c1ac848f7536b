"""FRED's series observations, played by the local server from hand-written JSON.

The files under ``responses/fred/`` follow the examples on
https://fred.stlouisfed.org/docs/api/fred/series_observations.html (file_type=json: the
request's echo, then ``observations`` of realtime_start/realtime_end/date/value, with "."
for a day without a value) and its error form on
https://fred.stlouisfed.org/docs/api/fred/errors.html (HTTP 400 with error_code and
error_message). ``observations_renamed_field.json`` is that answer with the list renamed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.provider_server import ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.fred import FredProvider
from tickerwire.markets.quotes import Interval, PriceKind
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
TNX = REGISTRY.get("TNX")
OBSERVATIONS = "/fred/series/observations"


@pytest.fixture
def fred(provider_settings: ProviderSettings, fetcher: Fetcher) -> FredProvider:
    return FredProvider(provider_settings, fetcher, max_bytes=65536)


async def test_the_ten_year_is_the_newest_dgs10_value_labelled_end_of_day(
    server: ProviderServer, fred: FredProvider
) -> None:
    server.serve_file(OBSERVATIONS, "fred/observations_dgs10_latest.json")
    quote = (await fred.quotes([TNX]))["TNX"]
    assert (quote.price, quote.previous_close, quote.provider) == (4.41, 4.43, "fred")
    assert quote.kind is PriceKind.END_OF_DAY
    assert quote.as_of == datetime(2024, 11, 22, 20, 30, tzinfo=UTC)


async def test_it_asks_for_the_newest_observations_with_the_key(
    server: ProviderServer, fred: FredProvider
) -> None:
    server.serve_file(OBSERVATIONS, "fred/observations_dgs10_latest.json")
    await fred.quotes([TNX])
    asked = server.query()
    assert (asked["series_id"], asked["api_key"]) == (["DGS10"], ["fred-test-key"])
    assert (asked["file_type"], asked["sort_order"]) == (["json"], ["desc"])


async def test_a_day_without_a_value_is_passed_over(
    server: ProviderServer, fred: FredProvider
) -> None:
    server.serve_file(OBSERVATIONS, "fred/observations_dgs10_holiday.json")
    quote = (await fred.quotes([TNX]))["TNX"]
    assert (quote.price, quote.as_of.date().isoformat()) == (4.25, "2024-11-27")


async def test_a_refused_key_is_said_in_words_without_the_key(
    server: ProviderServer, fred: FredProvider
) -> None:
    server.serve_file(OBSERVATIONS, "fred/error_bad_key.json", status=400)
    with pytest.raises(ProviderError, match=r"check providers\.fred_api_key") as failure:
        await fred.quotes([TNX])
    assert "fred-test-key" not in str(failure.value)


async def test_an_error_inside_a_200_fails_the_call(
    server: ProviderServer, fred: FredProvider
) -> None:
    server.serve_file(OBSERVATIONS, "fred/error_bad_key.json")
    with pytest.raises(ProviderError, match="not registered"):
        await fred.quotes([TNX])


async def test_rate_limiting_keeps_retry_after(server: ProviderServer, fred: FredProvider) -> None:
    server.serve_file(OBSERVATIONS, "fred/error_bad_key.json", status=429, **{"Retry-After": "60"})
    with pytest.raises(ProviderError) as failure:
        await fred.quotes([TNX])
    assert failure.value.retry_after == 60


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("fred/observations_renamed_field.json", "no observations list"),
        ("maintenance.html", "HTML page instead of data"),
        ("yahoo/chart_truncated.json", "malformed JSON"),
    ],
)
async def test_a_changed_or_broken_answer_fails_the_call(
    server: ProviderServer, fred: FredProvider, fixture: str, message: str
) -> None:
    server.serve_file(OBSERVATIONS, fixture)
    with pytest.raises(ProviderError, match=message):
        await fred.quotes([TNX])


async def test_it_needs_a_key(fetcher: Fetcher) -> None:
    with pytest.raises(ValueError, match="fred_api_key"):
        FredProvider(ProviderSettings(), fetcher, max_bytes=65536)


async def test_history_is_one_bar_per_observation_in_the_window(
    server: ProviderServer, fred: FredProvider
) -> None:
    server.serve_file(OBSERVATIONS, "fred/observations_dgs10_range.json")
    start, end = datetime(2024, 11, 20, tzinfo=UTC), datetime(2024, 11, 23, tzinfo=UTC)
    bars = await fred.history(TNX, start, end, Interval.D1)
    assert [(b.start.day, b.close) for b in bars] == [(20, 4.41), (21, 4.43), (22, 4.41)]
    assert server.query()["observation_start"] == ["2024-11-19"]
