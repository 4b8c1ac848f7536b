"""Prices that are real but odd, and clocks that lie: from Yahoo's answer, played by the
local provider server, through the failover chain and the poller into the store and the
ribbon the page shows, on both databases.

Crude oil futures settled at -37.63 on 20 April 2020: a negative price is real where the
asset class allows it (futures, rates) and still refused elsewhere, like NaN and absurd
magnitudes. A quote stamped after it arrived is dated when it arrived, and the provider's
health says its clock runs ahead.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from support.provider_server import ProviderServer
from tickerwire.config import Settings
from tickerwire.markets.quotes import Interval, Quote
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

pytestmark = pytest.mark.anyio

OIL_DAY = datetime(2020, 4, 20, 20, 0, tzinfo=UTC)  # the chart's regularMarketTime
SPX_TIME = datetime(2024, 11, 22, 21, 0, tzinfo=UTC)  # chart_gspc_1d.json's
CL_CHART, SPX_CHART = "/v8/finance/chart/CL=F", "/v8/finance/chart/^GSPC"


@contextlib.asynccontextmanager
async def yahoo_portal(
    database_url: str, server: ProviderServer, now: datetime
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    """A portal whose only provider is Yahoo at the local server, its clock at ``now``."""
    settings = Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        ribbon=["CL", "SPX", "TNX"],
        providers={"order": ["yahoo"], "yahoo_base_url": server.base_url},
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 5},
    )
    runtime = await Runtime.open(settings, clock=lambda: now)
    app = create_app(settings, runtime=runtime)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://portal"
            ) as client,
        ):
            yield runtime, client
    finally:
        await runtime.close()


async def ribbon_cell(client: httpx.AsyncClient, symbol: str) -> dict[str, Any]:
    cells = (await client.get("/api/v1/ribbon")).json()["ribbon"]
    return dict(next(cell for cell in cells if cell["symbol"] == symbol))


async def poll(runtime: Runtime, *symbols: str) -> dict[str, Quote]:
    return await runtime.poller.refresh([runtime.registry.get(s) for s in symbols])


async def test_a_negative_crude_oil_price_reaches_the_store_and_the_ribbon(
    database_url: str, server: ProviderServer
) -> None:
    server.serve_file(CL_CHART, "yahoo/chart_cl_negative.json")
    async with yahoo_portal(database_url, server, OIL_DAY) as (runtime, client):
        await poll(runtime, "CL")
        assert runtime.markets.latest_quotes(["CL"])["CL"].price == -37.63
        cell = await ribbon_cell(client, "CL")
    assert (cell["price"], cell["price_text"], cell["direction"]) == (-37.63, "-37.63", "down")
    assert cell["change"] == pytest.approx(-55.90)


async def test_a_negative_future_price_replaces_the_stale_positive_one(
    database_url: str, server: ProviderServer
) -> None:
    server.serve_file(CL_CHART, "yahoo/chart_cl_negative.json")
    async with yahoo_portal(database_url, server, OIL_DAY) as (runtime, client):
        runtime.markets.save_quotes([Quote("CL", 18.27, OIL_DAY - timedelta(hours=4), "yahoo")])
        await poll(runtime, "CL")
        assert (await ribbon_cell(client, "CL"))["price"] == -37.63


async def test_a_negative_futures_day_low_and_bar_are_kept(
    database_url: str, server: ProviderServer
) -> None:
    server.serve_file(CL_CHART, "yahoo/chart_cl_negative.json")
    async with yahoo_portal(database_url, server, OIL_DAY) as (runtime, _):
        (quote,) = (await poll(runtime, "CL")).values()
        bars = await runtime.chain.history(
            runtime.registry.get("CL"), OIL_DAY - timedelta(hours=1), OIL_DAY, Interval.M1
        )
    assert quote.day_low == -40.32
    assert [(b.open, b.low, b.close) for b in bars] == [(-36.5, -38.1, -37.63)]


async def test_a_negative_index_price_is_still_refused(
    database_url: str, server: ProviderServer
) -> None:
    server.serve_file(SPX_CHART, "yahoo/chart_negative_price.json")
    async with yahoo_portal(database_url, server, SPX_TIME) as (runtime, client):
        assert await poll(runtime, "SPX") == {}
        assert (await ribbon_cell(client, "SPX"))["price"] is None


@pytest.mark.parametrize(
    ("symbol", "path", "fixture"),
    [
        ("CL", CL_CHART, "yahoo/chart_cl_absurd.json"),
        ("SPX", SPX_CHART, "yahoo/chart_bad_prices.json"),
    ],
)
async def test_nan_infinite_and_absurd_prices_are_still_refused(
    database_url: str, server: ProviderServer, symbol: str, path: str, fixture: str
) -> None:
    server.serve_file(path, fixture)
    async with yahoo_portal(database_url, server, OIL_DAY) as (runtime, client):
        assert await poll(runtime, symbol) == {}
        assert (await ribbon_cell(client, symbol))["price"] is None


async def test_a_quote_stamped_in_the_future_is_dated_when_it_arrived(
    database_url: str, server: ProviderServer
) -> None:
    server.serve_file(SPX_CHART, "yahoo/chart_gspc_1d.json")
    arrived = SPX_TIME - timedelta(hours=1)
    async with yahoo_portal(database_url, server, arrived) as (runtime, client):
        await poll(runtime, "SPX")
        assert runtime.markets.latest_quotes(["SPX"])["SPX"].as_of == arrived
        shown = (await ribbon_cell(client, "SPX"))["as_of"]
    assert datetime.fromisoformat(shown) == arrived


async def test_a_future_stamp_does_not_block_the_next_real_quote(
    database_url: str, server: ProviderServer
) -> None:
    server.serve_file(SPX_CHART, "yahoo/chart_gspc_1d.json")
    arrived = SPX_TIME - timedelta(hours=1)
    async with yahoo_portal(database_url, server, arrived) as (runtime, client):
        await poll(runtime, "SPX")
        later = Quote("SPX", 5970.5, arrived + timedelta(minutes=1), "yahoo")
        runtime.markets.save_quotes([later])
        assert (await ribbon_cell(client, "SPX"))["price"] == 5970.5


async def test_a_provider_whose_clock_runs_ahead_is_flagged_in_its_health(
    database_url: str, server: ProviderServer
) -> None:
    server.serve_file(SPX_CHART, "yahoo/chart_gspc_1d.json")
    async with yahoo_portal(database_url, server, SPX_TIME - timedelta(hours=1)) as (runtime, _):
        await poll(runtime, "SPX")
        (health,) = runtime.markets.health()
    assert health["name"] == "yahoo" and health["consecutive_failures"] == 0
    assert health["last_error"] == (
        "yahoo: stamped SPX 3600 s ahead of our clock; its quotes are dated when they arrive"
    )


async def test_a_provider_whose_clock_is_right_is_not_flagged(
    database_url: str, server: ProviderServer
) -> None:
    server.serve_file(SPX_CHART, "yahoo/chart_gspc_1d.json")
    async with yahoo_portal(database_url, server, SPX_TIME + timedelta(minutes=2)) as (runtime, _):
        await poll(runtime, "SPX")
        (health,) = runtime.markets.health()
    assert health["last_error"] is None
