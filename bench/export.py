"""Research export speed and memory: ``actions.run_export`` (pyarrow, batches streamed from
the store) beside the plain way, timed in the same run on the same rows.

Fills a fresh SQLite store (through the real migrations) with N minute bars of a seeded
random walk, then exports them as CSV and as Parquet with the action every door calls,
and, as the baseline, reads the same query whole (``fetchall``) and writes it with the
standard library's ``csv`` module. Each is run ``--repeats`` times, interleaved, and the
median is reported with the ratio ours / baseline, rows a second, the file's size and the
growth of the process's peak memory (ru_maxrss) during each kind of run; the load
average is printed before and after, since on a shared machine it says how far to trust
the figures.

    .venv/bin/python bench/export.py [--rows 1000000] [--repeats 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from common import load_average, write_json
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.export.datasets import DATASETS
from tickerwire.export.filters import ExportFilter
from tickerwire.runtime import Runtime
from tickerwire.store.schema import bars

START = datetime(2026, 1, 5, tzinfo=UTC)
SYMBOLS = ("SPX", "DJI", "IXIC", "CL", "GC", "EURUSD", "BTCUSD", "VIX")


def fill(engine: sa.Engine, rows: int, seed: int = 7) -> None:
    walk = np.random.default_rng(seed)
    per_symbol = rows // len(SYMBOLS)
    with engine.begin() as connection:
        for symbol in SYMBOLS:
            closes = 100 * np.exp(np.cumsum(walk.normal(0, 0.0005, per_symbol)))
            for first in range(0, per_symbol, 50_000):
                chunk = closes[first : first + 50_000]
                connection.execute(
                    sa.insert(bars),
                    [
                        {
                            "symbol": symbol,
                            "interval": "1m",
                            "start": START + timedelta(minutes=first + n),
                            "open": float(c),
                            "high": float(c) * 1.0005,
                            "low": float(c) * 0.9995,
                            "close": float(c),
                            "volume": None,
                            "provider": "bench",
                        }
                        for n, c in enumerate(chunk)
                    ],
                )


def ours(runtime: Runtime, fmt: str, target: Path) -> int:
    plan = actions.plan_export(runtime, "bars", fmt)
    with target.open("wb") as sink:
        return actions.run_export(runtime, plan, sink)


def baseline(runtime: Runtime, target: Path) -> int:
    query = DATASETS["bars"].query(ExportFilter())
    with runtime.engine.connect() as connection:
        rows = connection.execute(query).all()
    with target.open("w", newline="") as sink:
        writer = csv.writer(sink)
        writer.writerow(DATASETS["bars"].schema.names)
        for row in rows:
            writer.writerow([v.isoformat() if isinstance(v, datetime) else v for v in row])
    return len(rows)


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        url = f"sqlite:///{here / 'bench.sqlite3'}"
        settings = Settings(database_url=url, poller_enabled=False)
        runtime = asyncio.run(Runtime.open(settings))
        try:
            fill(runtime.engine, args.rows)
            base_name, csv_name, parquet_name = (
                "baseline csv (fetchall + csv module)",
                "ours csv (pyarrow, batches)",
                "ours parquet (pyarrow, batches)",
            )
            files = {
                base_name: here / "baseline.csv",
                csv_name: here / "ours.csv",
                parquet_name: here / "ours.parquet",
            }
            runs: dict[str, Callable[[], int]] = {
                base_name: lambda: baseline(runtime, files[base_name]),
                csv_name: lambda: ours(runtime, "csv", files[csv_name]),
                parquet_name: lambda: ours(runtime, "parquet", files[parquet_name]),
            }
            # Streaming first: ru_maxrss only grows, so the whole-result baseline's peak
            # would hide theirs if it ran before them.
            order = [csv_name, parquet_name, base_name]
            times: dict[str, list[float]] = {name: [] for name in runs}
            growth: dict[str, int] = dict.fromkeys(runs, 0)
            written = 0
            for _ in range(args.repeats):
                for name in order:
                    before = peak_kib()
                    started = time.perf_counter()
                    written = runs[name]()
                    times[name].append(time.perf_counter() - started)
                    growth[name] = max(growth[name], peak_kib() - before)
        finally:
            asyncio.run(runtime.close())
        base = statistics.median(times[base_name])
        results = {}
        print(f"{written} bars, median of {args.repeats}")
        for name in runs:
            median = statistics.median(times[name])
            results[name] = {
                "seconds": round(median, 3),
                "ratio_to_baseline": round(median / base, 3),
                "rows_per_second": round(written / median),
                "file_mib": round(files[name].stat().st_size / 2**20, 1),
                "peak_growth_mib": round(growth[name] / 1024, 1),
            }
            r = results[name]
            print(
                f"{name:40} {r['seconds']:7.2f} s  {r['ratio_to_baseline']:5.2f}x  "
                f"{r['rows_per_second']:>9,} rows/s  {r['file_mib']:6.1f} MiB  "
                f"peak +{r['peak_growth_mib']} MiB"
            )
    print(f"load average after: {load_average()}")
    if args.json:
        write_json(args.json, {"rows": written, "results": results, "load": load_average()})


if __name__ == "__main__":
    main()
