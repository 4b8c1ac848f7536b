"""Reactions: the time to measure every horizon of N articles on SQLite and PostgreSQL,
beside a plain read of the same rows.

Generates N articles (seeded: the same ones for the same seed), each tagged with one of
five instruments: four on the NYSE calendar (DJI, IXIC, RUT, VIX, all measured against the
S&P 500) and Bitcoin (24/7, against the CMC Crypto 200). Publication times fall on random
minutes over the last eight weeks before NOW, one in five outside the NYSE's hours
(nights, weekends, Thanksgiving), so both the "from publication" and the "from the next
open" paths are measured. Every instrument and benchmark has a minute bar for every
minute its market traded in that span (a seeded random walk).

The articles, their tags, the minute bars, the prices at publication and the waiting
horizons (three per article, from the real :func:`tickerwire.reactions.horizons.windows`)
are loaded straight into a fresh SQLite file and, when the server answers, a fresh
PostgreSQL schema, both built by the real migrations. Loading is not timed: at ingest
each article writes its own rows inside its transaction, which the ingestion bench times.

Timed: :func:`tickerwire.reactions.measure.measure_due` at a moment when every horizon is
due, through the real store, as the measuring task runs it. The baseline, timed in the same
run on the same tables, is the least any measuring must read: every due row with the
columns measuring uses, and every minute bar of the instruments over the span, each read
once by a plain ``SELECT``. The ratio measure / baseline is the figure to compare.

    .venv/bin/python bench/reactions.py [--articles 100000] [--no-postgres] [--no-sqlite]
        [--json results.json]
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from common import load_average, write_json
from localsite import fresh_database, postgres_problem
from tickerwire.markets.calendar import sessions_between
from tickerwire.reactions.horizons import windows
from tickerwire.reactions.measure import measure_due
from tickerwire.reactions.snapshot import MEASURE_GRACE
from tickerwire.store import db
from tickerwire.store.limits import key_hash
from tickerwire.store.reactions import ReactionStore
from tickerwire.store.schema import (
    article_instruments,
    article_prices,
    article_reactions,
    articles,
    bars,
    stories,
)

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
SPAN = timedelta(weeks=8)
POSTGRES_URL = os.environ.get(
    "TICKERWIRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
NYSE = {"DJI": 43000.0, "IXIC": 19000.0, "RUT": 2300.0, "VIX": 15.0, "SPX": 5900.0}
CRYPTO = {"BTCUSD": 95000.0, "CMC200": 1500.0}
TAGGED = [("DJI", "SPX"), ("IXIC", "SPX"), ("RUT", "SPX"), ("VIX", "SPX"), ("BTCUSD", "CMC200")]
CHUNK = 20_000


@dataclass
class Corpus:
    bars: list[dict[str, Any]]
    stories: list[dict[str, Any]]
    articles: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    prices: list[dict[str, Any]]
    horizons: list[dict[str, Any]]


def _minutes(calendar: str) -> list[datetime]:
    """Every minute the market of ``calendar`` traded in the span before NOW."""
    start = NOW - SPAN
    if calendar == "24/7":
        count = int((NOW - start).total_seconds() // 60)
        return [start + timedelta(minutes=n) for n in range(count)]
    found = []
    for session in sessions_between(calendar, start, NOW):
        moment = session.open
        while moment < min(session.close, NOW):
            found.append(moment)
            moment += timedelta(minutes=1)
    return found


def _walk(
    rng: random.Random, symbol: str, level: float, minutes: list[datetime]
) -> list[dict[str, Any]]:
    rows = []
    for moment in minutes:
        close = level * (1 + rng.gauss(0, 0.0004))
        rows.append(
            {
                "symbol": symbol, "interval": "1m", "start": moment, "open": level,
                "high": max(level, close), "low": min(level, close), "close": close,
                "volume": None, "provider": "simulated",
            }
        )  # fmt: skip
        level = close
    return rows


def generate(count: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    minutes = {"XNYS": _minutes("XNYS"), "24/7": _minutes("24/7")}
    all_bars: list[dict[str, Any]] = []
    closes: dict[str, dict[datetime, float]] = {}
    for calendar, levels in (("XNYS", NYSE), ("24/7", CRYPTO)):
        for symbol, level in levels.items():
            walked = _walk(rng, symbol, level, minutes[calendar])
            all_bars += walked
            closes[symbol] = {b["start"] + timedelta(minutes=1): b["close"] for b in walked}
    span_minutes = int((SPAN - timedelta(days=2)).total_seconds() // 60)
    trading = minutes["XNYS"][: -2 * 390]  # leave the last two sessions for the +1 day
    spans: dict[tuple[str, datetime], list[Any]] = {}
    corpus = Corpus(all_bars, [], [], [], [], [])
    for n in range(1, count + 1):
        symbol, benchmark = TAGGED[rng.randrange(len(TAGGED))]
        calendar = "24/7" if symbol == "BTCUSD" else "XNYS"
        if calendar == "XNYS" and rng.random() < 0.8:
            published = rng.choice(trading)
        else:
            published = NOW - SPAN + timedelta(minutes=rng.randrange(span_minutes))
        key = (calendar, published)
        if key not in spans:
            spans[key] = windows(calendar, published)
        url = f"https://wire.example/bench/{n}"
        corpus.stories.append(
            {"id": n, "title": f"Story {n}", "first_seen_at": published, "updated_at": published}
        )
        corpus.articles.append(
            {
                "id": n, "canonical_url": url, "canonical_url_hash": key_hash(url), "url": url,
                "story_id": n, "title": f"Story {n}", "title_key": f"story {n}",
                "published": published, "figures": [], "body_html": "", "text": "",
                "summary_html": "", "extracted": True, "first_seen_at": published,
                "fetched_at": published, "retries": 0,
            }
        )  # fmt: skip
        corpus.tags.append({"article_id": n, "symbol": symbol, "mentions": 1, "relevance": 1.0})
        for role, priced in (("tagged", symbol), ("benchmark", benchmark)):
            price = closes[priced].get(published)
            corpus.prices.append(
                {
                    "article_id": n, "symbol": priced, "role": role, "price": price,
                    "quote_time": published if price is not None else None,
                    "source": "simulated 1m bar" if price is not None else None,
                    "simulated": True, "market_state": "open" if price is not None else "closed",
                    "recorded_at": published,
                }
            )  # fmt: skip
        for window in spans[key]:
            corpus.horizons.append(
                {
                    "article_id": n, "symbol": symbol, "horizon": window.horizon.value,
                    "start_time": window.start, "end_time": window.end, "note": window.note,
                    "due_at": window.end + MEASURE_GRACE, "benchmark_symbol": benchmark,
                    "simulated": False,
                }
            )  # fmt: skip
    return corpus


def load(engine: sa.Engine, corpus: Corpus) -> None:
    with engine.begin() as connection:
        for table, rows in (
            (bars, corpus.bars),
            (stories, corpus.stories),
            (articles, corpus.articles),
            (article_instruments, corpus.tags),
            (article_prices, corpus.prices),
            (article_reactions, corpus.horizons),
        ):
            for start in range(0, len(rows), CHUNK):
                connection.execute(table.insert(), rows[start : start + CHUNK])
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE"))


def baseline(engine: sa.Engine, now: datetime) -> tuple[float, int]:
    """Every due row and every minute bar of the span, read once: the floor of the work."""
    due = sa.select(
        article_reactions.c.article_id, article_reactions.c.symbol, article_reactions.c.horizon,
        article_reactions.c.start_time, article_reactions.c.end_time, article_reactions.c.note,
        article_reactions.c.benchmark_symbol,
    ).where(article_reactions.c.due_at <= now)  # fmt: skip
    minute_bars = sa.select(bars.c.symbol, bars.c.start, bars.c.open, bars.c.close).where(
        bars.c.interval == "1m"
    )
    started = time.perf_counter()
    with engine.connect() as connection:
        rows = len(connection.execute(due).all())
        connection.execute(minute_bars).all()
        connection.execute(sa.select(article_prices)).all()
    return time.perf_counter() - started, rows


def run(console: Console, backend: str, engine: sa.Engine, corpus: Corpus) -> dict[str, Any]:
    db.upgrade(engine)
    started = time.perf_counter()
    with console.status(f"loading into {backend}"):
        load(engine, corpus)
    loaded = time.perf_counter() - started
    before = load_average()
    base_seconds, due_rows = baseline(engine, NOW)
    started = time.perf_counter()
    stored, _ = measure_due(ReactionStore(engine), NOW)
    measure_seconds = time.perf_counter() - started
    after = load_average()
    with engine.connect() as connection:
        left = connection.execute(
            sa.select(sa.func.count()).where(article_reactions.c.due_at.is_not(None))
        ).scalar_one()
        with_figure = connection.execute(
            sa.select(sa.func.count()).where(article_reactions.c.move_pct.is_not(None))
        ).scalar_one()
    table = Table(
        title=f"{backend}: {due_rows:,} horizons (load average {before} before, {after} after)"
    )
    for name in ("", "seconds", "horizons / s"):
        table.add_column(name, justify="right" if name else "left")
    table.add_row("measure_due", f"{measure_seconds:.2f}", f"{stored / measure_seconds:,.0f}")
    table.add_row("plain read of the same rows (baseline)", f"{base_seconds:.2f}", "")
    table.add_row("ratio measure / baseline", f"{measure_seconds / base_seconds:.1f}", "")
    console.print(table)
    console.print(
        f"loaded in {loaded:.0f} s; {stored:,} horizons stored, {with_figure:,} with a figure, "
        f"{left:,} still due"
    )
    return {
        "horizons": due_rows,
        "stored": stored,
        "with_figure": with_figure,
        "still_due": left,
        "measure_seconds": measure_seconds,
        "baseline_seconds": base_seconds,
        "ratio": measure_seconds / base_seconds,
        "load_average_before": before,
        "load_average_after": after,
        "load_seconds": loaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    console = Console()
    console.print(f"$ {shlex.join([sys.executable, *sys.argv])}", markup=False)
    started = time.perf_counter()
    with console.status(f"generating {args.articles:,} articles"):
        corpus = generate(args.articles, args.seed)
    console.print(
        f"{args.articles:,} articles, {len(corpus.horizons):,} horizons, "
        f"{len(corpus.bars):,} minute bars, generated in {time.perf_counter() - started:.1f} s"
    )
    results: dict[str, Any] = {"articles": args.articles, "seed": args.seed}
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            engine = db.make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
            try:
                results["sqlite"] = run(console, "SQLite", engine, corpus)
            finally:
                engine.dispose()
    problem = None if args.no_postgres else postgres_problem(args.postgres_url)
    if args.no_postgres or problem:
        console.print(f"PostgreSQL skipped: {problem or '--no-postgres'}")
    else:
        with fresh_database(args.postgres_url) as url:
            engine = db.make_engine(url)
            try:
                results["postgresql"] = run(console, "PostgreSQL", engine, corpus)
            finally:
                engine.dispose()
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
