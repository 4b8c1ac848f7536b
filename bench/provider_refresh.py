"""What one refresh of the sixteen costs at each provider: requests and time per refresh.

Every provider asks a local site (bench/localsite.py, its own process) that serves the
hand-written answers of tests/markets/providers/responses, for every default instrument
it supports, ``--rounds`` times, each round with a new provider so nothing is reused. The
baseline, timed in the same run, is Stooq: one CSV request for all fifteen it carries. The
ratio to it says what a source's way of asking costs (Yahoo's charts: one request per
symbol; Coinbase: two per product) apart from the network, which here is loopback. Kraken
is left out: it dates quotes by the answer's Date header, which the local site does not
send.

    .venv/bin/python bench/provider_refresh.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from localsite import Document, LocalSite, load_average
from tickerwire.config import FetchSettings, ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.coinbase import CoinbaseProvider
from tickerwire.markets.providers.coingecko import CoinGeckoProvider
from tickerwire.markets.providers.ecb import EcbProvider
from tickerwire.markets.providers.fred import FredProvider
from tickerwire.markets.providers.http import HttpProvider
from tickerwire.markets.providers.stooq import StooqProvider
from tickerwire.markets.providers.treasury import TreasuryProvider
from tickerwire.markets.providers.twelvedata import TwelveDataProvider
from tickerwire.markets.providers.yahoo import YahooProvider
from tickerwire.net.fetch import Fetcher

RESPONSES = Path(__file__).resolve().parents[1] / "tests" / "markets" / "providers" / "responses"
REGISTRY = Registry.build()
CURVE = "/resource-center/data-chart-center/interest-rates/daily-treasury-rates.csv/2024/all"
Make = Callable[[ProviderSettings, Fetcher], HttpProvider]
CAP = 5 * 1024 * 1024


def document(name: str) -> list[Document]:
    kinds = {".csv": "text/csv", ".xml": "text/xml", ".txt": "text/plain"}
    return [
        Document((RESPONSES / name).read_bytes(), kinds.get(Path(name).suffix, "application/json"))
    ]


def routes() -> dict[str, list[Document]]:
    served = {
        "/q/l/": document("stooq/quotes.csv"),
        "/api/v3/simple/price": document("coingecko/simple_price.json"),
        "/products/BTC-USD/ticker": document("coinbase/ticker_btc_usd.json"),
        "/products/BTC-USD/stats": document("coinbase/stats_btc_usd.json"),
        "/stats/eurofxref/eurofxref-daily.xml": document("ecb/eurofxref_daily.xml"),
        CURVE: document("treasury/yield_curve_2024.csv"),
        "/fred/series/observations": document("fred/observations_dgs10_latest.json"),
        "/quote": document("twelvedata/quote_batch.json"),
    }
    chart = document("yahoo/chart_gspc_1d.json")
    for instrument in REGISTRY:
        symbol = instrument.symbol_at("yahoo")
        if symbol is not None:
            served[f"/v8/finance/chart/{symbol}"] = chart
    return served


PROVIDERS: dict[str, Make] = {
    "stooq": lambda s, f: StooqProvider(s, f, max_bytes=CAP),
    "yahoo (charts)": lambda s, f: YahooProvider(s, f, max_bytes=CAP),
    "coingecko": lambda s, f: CoinGeckoProvider(s, f, max_bytes=CAP),
    "coinbase": lambda s, f: CoinbaseProvider(s, f, max_bytes=CAP),
    "ecb": lambda s, f: EcbProvider(s, f, max_bytes=CAP),
    "treasury": lambda s, f: TreasuryProvider(
        s, f, max_bytes=CAP, clock=lambda: datetime(2024, 11, 25, tzinfo=UTC)
    ),
    "fred": lambda s, f: FredProvider(s, f, max_bytes=CAP),
    "twelvedata": lambda s, f: TwelveDataProvider(s, f, max_bytes=CAP),
}


async def measure(site: LocalSite, rounds: int) -> list[tuple[str, int, float, float]]:
    origin = site.origin(0)
    settings = ProviderSettings(
        **{
            f"{name}_base_url": origin
            for name in (
                "yahoo",
                "stooq",
                "coingecko",
                "coinbase",
                "kraken",
                "ecb",
                "treasury",
                "fred",
                "twelvedata",
            )
        },
        fred_api_key="bench",
        twelvedata_api_key="bench",
    )
    rows = []
    async with Fetcher(FetchSettings(allow_hosts=["127.0.0.0/8"])) as fetcher:
        for label, make in PROVIDERS.items():
            times, answered = [], 0
            site.reset_stats()
            for _ in range(rounds):
                provider = make(settings, fetcher)
                wanted = [i for i in REGISTRY if provider.supports(i)]
                started = time.perf_counter()
                answered = len(await provider.quotes(wanted))
                times.append(time.perf_counter() - started)
            requests = site.stats()["requests"] / rounds
            rows.append((label, answered, requests, statistics.median(times) * 1000))
    return [(label, n, r, ms) for label, n, r, ms in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    print(f"load average before: {load_average()}")
    with LocalSite() as site:
        site.start(routes())
        rows = asyncio.run(measure(site, args.rounds))
    baseline = rows[0][3]
    print(f"{'provider':<16} {'answered':>8} {'requests':>9} {'median ms':>10} {'/ stooq':>8}")
    for label, answered, requests, ms in rows:
        print(f"{label:<16} {answered:>8} {requests:>9.1f} {ms:>10.2f} {ms / baseline:>8.2f}")
    print(f"load average after: {load_average()}  ({args.rounds} rounds each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
