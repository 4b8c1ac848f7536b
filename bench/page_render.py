"""Page serving speed: the render cache against rendering every request.

A portal on simulated data (16 instruments with a session of minute bars and a year of
daily bars, in a temporary SQLite file) is served in-process; each page is requested N
times as served (cached until its data changes), then N times with the cache emptied
before every request (the baseline: what rendering per request would cost).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table

from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app
from tickerwire.web.cache import EVERYTHING

PAGES = ["/", "/index.json", "/quote/SPX", "/quote/BTCUSD?range=1Y", "/api/v1/ribbon"]


def timed(client: TestClient, path: str, count: int, *, cold: bool) -> list[float]:
    cache = client.app.state.cache  # type: ignore[attr-defined]
    samples = []
    for _ in range(count):
        if cold:
            cache.changed([EVERYTHING])
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per page and mode")
    args = parser.parse_args()
    console = Console(width=120)
    console.print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/bench.sqlite3", demo=True, poller_enabled=False
        )
        with asyncio.Runner() as runner:
            runtime = runner.run(Runtime.open(settings))
            runner.run(runtime.poller.backfill_sessions(span=timedelta(days=366)))
            runner.run(runtime.poller.refresh())
            table = Table(title=f"Page serving, {args.requests} requests each (ms per request)")
            for column in ("page", "cached p50", "cached p95", "render p50", "render p95"):
                table.add_column(column, justify="right" if column != "page" else "left")
            table.add_column("speed-up (p50)", justify="right")
            with TestClient(create_app(settings, runtime=runtime)) as client:
                for path in PAGES:
                    timed(client, path, 5, cold=False)  # warm up imports and calendars
                    warm = timed(client, path, args.requests, cold=False)
                    cold = timed(client, path, args.requests, cold=True)
                    w50, c50 = statistics.median(warm), statistics.median(cold)
                    w95 = statistics.quantiles(warm, n=20)[-1]
                    c95 = statistics.quantiles(cold, n=20)[-1]
                    table.add_row(
                        path,
                        f"{w50 * 1000:.2f}",
                        f"{w95 * 1000:.2f}",
                        f"{c50 * 1000:.2f}",
                        f"{c95 * 1000:.2f}",
                        f"{c50 / w50:.1f}x",
                    )
            runner.run(runtime.close())
    console.print(table)
    console.print(
        "API endpoints are not cached (they read the store directly), so their two columns "
        "measure the same path twice: a check on noise."
    )


if __name__ == "__main__":
    main()
