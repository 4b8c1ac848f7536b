"""What cross-checking costs the failover chain itself, apart from the network.

Three in-memory sources answer every default instrument at once with ready quotes, so what
is timed is the chain's own work per poll of the sixteen: the rounds, the sanity checks, the
comparisons and the verdicts. The baseline, timed in the same run, is the chain asking one
source per instrument (``cross_check_sources = 1``, the chain before cross-checks); then two
sources that agree (the default), then two that disagree on every instrument, which asks
the third to settle each. Requests to real providers cost milliseconds each; this says
whether the chain's bookkeeping is anywhere near that.

    .venv/bin/python bench/chain_crosscheck.py [--polls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from common import load_average
from tickerwire.instruments import Instrument, Registry
from tickerwire.markets.providers.chain import FailoverChain
from tickerwire.markets.quotes import Bar, Interval, Quote

REGISTRY = Registry.build()
INSTRUMENTS = list(REGISTRY)


@dataclass
class Ready:
    """A source that knows every instrument and answers at once, ``skew`` off the level."""

    name: str
    clock: list[datetime]
    skew: float = 1.0
    simulated: bool = False
    calls: int = field(default=0)

    def supports(self, instrument: Instrument) -> bool:
        return True

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        self.calls += 1
        now = self.clock[0]
        return {
            i.symbol: Quote(i.symbol, (i.start_price or 100.0) * self.skew, now, self.name)
            for i in instruments
        }

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        return []

    async def aclose(self) -> None:
        return None


async def time_polls(wanted: int, skews: tuple[float, ...], polls: int) -> tuple[float, float]:
    clock = [datetime(2026, 12, 3, 15, 0, tzinfo=UTC)]
    sources = [Ready(f"s{n}", clock, skew) for n, skew in enumerate(skews)]
    chain = FailoverChain(
        sources, retry_base=30, retry_max=300, clock=lambda: clock[0], cross_check_sources=wanted
    )
    times = []
    for _ in range(polls):
        clock[0] += timedelta(seconds=15)
        started = time.perf_counter()
        served = await chain.quotes(INSTRUMENTS)
        times.append(time.perf_counter() - started)
        assert len(served) == len(INSTRUMENTS)
    calls = sum(s.calls for s in sources) / polls
    return statistics.median(times) * 1000, calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polls", type=int, default=300)
    args = parser.parse_args(argv)
    print(f"load average before: {load_average()}")
    cases = [
        ("one source (baseline)", 1, (1.0, 1.0, 1.0)),
        ("two that agree", 2, (1.0, 1.001, 1.0)),
        ("two that disagree, a third", 2, (1.0, 1.05, 1.0)),
    ]
    rows = [(label, *asyncio.run(time_polls(n, skews, args.polls))) for label, n, skews in cases]
    baseline = rows[0][1]
    print(f"{'case':<28} {'calls/poll':>10} {'median ms':>10} {'/ baseline':>10}")
    for label, ms, calls in rows:
        print(f"{label:<28} {calls:>10.1f} {ms:>10.3f} {ms / baseline:>10.2f}")
    print(f"load average after: {load_average()}  ({args.polls} polls of {len(INSTRUMENTS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
