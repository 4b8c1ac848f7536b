"""Research export speed and memory: ``actions.run_export`` (pyarrow, batches streamed from
the store) beside the plain way, timed in the same run on the same rows.

Fills a fresh SQLite store (through the real migrations) with N minute bars of a seeded
random walk, then exports them as CSV and as Parquet with the action every door calls,
and, as the baseline, reads the same query whole (``fetchall``) and writes it with the
standard library's ``csv`` module. Each is run ``--repeats`` times, interleaved, and the
median is reported with the ratio ours / baseline, rows a second, the file's size and the
peak resident memory of each (every export runs in a process of its own); the load
average is printed before and after, since on a shared machine it says how far to trust
the figures.

    .venv/bin/python bench/export.py [--rows 1000000] [--repeats 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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


KINDS = {
    "baseline": "baseline csv (fetchall + csv module)",
    "csv": "ours csv (pyarrow, batches)",
    "parquet": "ours parquet (pyarrow, batches)",
}


def child(kind: str, url: str, target: Path) -> None:
    """One export in a process of its own, so its peak memory is its own: prints the
    seconds, the rows and the peak resident size (KiB) as JSON."""
    runtime = asyncio.run(Runtime.open(Settings(database_url=url, poller_enabled=False)))
    try:
        started = time.perf_counter()
        rows = baseline(runtime, target) if kind == "baseline" else ours(runtime, kind, target)
        seconds = time.perf_counter() - started
    finally:
        asyncio.run(runtime.close())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_kib": peak}))


def measure(kind: str, url: str, target: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", kind, "--db", url, "--out", str(target)]
    answer = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(answer.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", choices=list(KINDS), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.out)
        return
    print(f"load average before: {load_average()}")
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        url = f"sqlite:///{here / 'bench.sqlite3'}"
        runtime = asyncio.run(Runtime.open(Settings(database_url=url, poller_enabled=False)))
        try:
            fill(runtime.engine, args.rows)
        finally:
            asyncio.run(runtime.close())
        files = {kind: here / f"{kind}.out" for kind in KINDS}
        runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
        for _ in range(args.repeats):
            for kind in KINDS:  # interleaved, so a burst of load falls on all of them
                runs[kind].append(measure(kind, url, files[kind]))
        base = statistics.median(r["seconds"] for r in runs["baseline"])
        written = int(runs["baseline"][0]["rows"])
        results = {}
        print(f"{written} bars, median of {args.repeats}, each export in a process of its own")
        for kind, name in KINDS.items():
            median = statistics.median(r["seconds"] for r in runs[kind])
            r = results[name] = {
                "seconds": round(median, 3),
                "ratio_to_baseline": round(median / base, 3),
                "rows_per_second": round(written / median),
                "file_mib": round(files[kind].stat().st_size / 2**20, 1),
                "peak_rss_mib": round(max(r["peak_kib"] for r in runs[kind]) / 1024, 1),
            }
            print(
                f"{name:40} {r['seconds']:7.2f} s  {r['ratio_to_baseline']:5.2f}x  "
                f"{r['rows_per_second']:>9,} rows/s  {r['file_mib']:6.1f} MiB  "
                f"peak RSS {r['peak_rss_mib']} MiB"
            )
    print(f"load average after: {load_average()}")
    if args.json:
        write_json(args.json, {"rows": written, "results": results, "load": load_average()})


if __name__ == "__main__":
    main()
