"""Search latency: SearchStore on SQLite (FTS5) and PostgreSQL (tsvector) beside a LIKE scan.

Generates N synthetic financial-news articles from a seeded vocabulary (the same articles
for the same seed). As in real ingestion, ids follow first-seen order: article 1 was first
seen a year before NOW and article N just now, each published minutes to hours before it
was seen (one in a hundred without a published time), so "the newest matches" the store
ranks are the ones with the highest ids. Bodies and titles are drawn from pools of
sentences made once from the vocabulary, so a million articles take seconds, not minutes.
They are loaded into a fresh SQLite file in a temporary folder (executemany, the FTS5
triggers indexing each row) and, when the server answers, into a fresh PostgreSQL schema
(COPY, the search indexes built once afterwards; the schema is dropped at the end), both
through the real migrations. Then it runs a fixed set of ~50 queries (single words, two
words, phrases, and each with a publisher, an instrument or a date-range filter), each
several times, through SearchStore.search, and prints p50/p95/p99/max per backend with the
load average before and after, since on a shared machine that says how far to trust them.

The baseline, timed in the same run on the same tables, is what search would be without
an index: every term as ``LIKE '%term%'`` over title and text (ILIKE on PostgreSQL, whose
LIKE is case-sensitive), the same filters, newest first, with the total from
``count(*) OVER ()``: one scan per query, answering the same page-and-total question.
The ratio ours / LIKE is the figure to compare between runs and machines.

    .venv/bin/python bench/search_latency.py [--articles 100000] [--repeats 5]
        [--no-postgres] [--no-sqlite] [--json results.json] [--keep-postgres SCHEMA]
        [--postgres-url URL] [--no-rum]

On PostgreSQL the store reads the newest matches from migration 0018's RUM index where
the server has the RUM extension; ``--no-rum`` searches the same tables as a server
without it does (the GIN index and probes of id ranges), to compare the two.

``--keep-postgres SCHEMA`` loads into that schema and keeps it; a later run with the same
schema, seed and count finds the articles there and only migrates and queries, so a
change to the search can be measured (and EXPLAINed) on a million articles without the
minutes of loading them again.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from unittest.mock import patch

import numpy as np
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from common import load_average, write_json
from localsite import fresh_database, postgres_problem
from tickerwire.store import db, search
from tickerwire.store.limits import key_hash
from tickerwire.store.schema import article_instruments, articles
from tickerwire.store.search import SearchQuery, SearchStore, parse_terms

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "TICKERWIRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BATCH = 10_000
SEARCH_INDEXES = (
    "SELECT indexname, indexdef FROM pg_indexes"
    " WHERE schemaname = current_schema() AND indexname LIKE 'search%'"
)


def split_words(text: str) -> list[str]:
    return text.split()


PUBLISHERS = [
    "Harbour Street Journal",
    "Ledger Daily",
    "Meridian Markets",
    "Northgate Wire",
    "Tidewater Business",
    "Quayside Finance",
    "Copperfield Times",
    "Bellwether Report",
]
COMPANIES = {
    "AAPL": "Apple",
    "MSFT": "Microsoft",
    "NVDA": "Nvidia",
    "AMZN": "Amazon",
    "TSLA": "Tesla",
    "JPM": "JPMorgan",
    "XOM": "Exxon",
    "BA": "Boeing",
    "KO": "CocaCola",
    "SAP": "SAP",
    "ASML": "ASML",
    "SHEL": "Shell",
    "HSBA": "HSBC",
    "BP": "BP",
    "NESN": "Nestle",
    "TM": "Toyota",
    "SONY": "Sony",
    "BABA": "Alibaba",
    "NFLX": "Netflix",
    "GS": "Goldman",
}
FINANCE = split_words(
    """shares stocks bonds yields rates inflation earnings revenue profit loss guidance
    forecast dividend buyback merger acquisition takeover regulator lawsuit tariff
    currency dollar euro yen sterling oil gold copper lithium bank lender investors
    analysts traders hedge fund index futures options volatility rally selloff slump
    rebound recession growth unemployment payrolls consumer retail factory output
    exports imports deficit surplus budget treasury auction spread credit default
    downgrade upgrade outlook margin costs supply demand chips semiconductor software
    cloud advertising subscribers deliveries production refinery pipeline mining
    quarter annual results beat missed estimates valuation stake offering listing"""
)
COMMON = split_words(
    """the a of to in and on for with as at by from said was were has have after over
    new more than its their which while but also this that it be is are up down year
    week month last first second would could expected according people company"""
)
COLLOCATIONS = [
    "interest rates",
    "central bank",
    "profit warning",
    "share buyback",
    "supply chain",
    "rate cut",
    "trade war",
    "record high",
]
SYLLABLES = split_words("ka lo mi ra te zu vo ne si da pu re xo la mo be fi gu")


@dataclass(frozen=True)
class Corpus:
    """The articles as rows in the table's column order, ids ascending with first_seen_at."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    symbols: list[tuple[int, str]]

    def texts(self) -> Iterator[str]:
        at = self.columns.index("text")
        return (row[at] for row in self.rows)


COLUMNS = (
    "id",
    "canonical_url",
    "canonical_url_hash",
    "url",
    "story_id",
    "title",
    "title_key",
    "byline",
    "site_name",
    "published",
    "figures",
    "body_html",
    "summary_html",
    "text",
    "extracted",
    "first_seen_at",
    "fetched_at",
)
SENTENCE_POOL = 200_000


def _vocabulary(rng: random.Random) -> tuple[list[str], np.ndarray]:
    """Common words first, then made-up words with the finance terms and company names
    spread among the first ~1,500 of them; weights fall off as 1/rank, as word frequencies
    do in real text, so query words range from a few in a hundred articles to one in four."""
    tail = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(6000)})
    named = FINANCE + list(COMPANIES.values())
    rng.shuffle(named)
    words = list(COMMON)
    for word in tail:
        words.append(word)
        if named and len(words) % 12 == 0:
            words.append(named.pop())
    weights = 1.0 / (np.arange(len(words)) + 8.0)
    return words, weights / weights.sum()


def _sentences(
    rng: random.Random,
    draw: np.random.Generator,
    vocabulary: tuple[list[str], np.ndarray],
    count: int,
    low: int,
    high: int,
) -> list[str]:
    """``count`` sentences of ``low`` to ``high`` words drawn from the vocabulary, about
    one in sixteen with a collocation (so phrase queries have something to find)."""
    words, weights = vocabulary
    lengths = draw.integers(low, high + 1, size=count)
    picked = draw.choice(len(words), size=int(lengths.sum()), p=weights)
    ends = np.cumsum(lengths)
    chosable = np.array(words, dtype=object)
    found = []
    for start, end in zip(ends - lengths, ends, strict=True):
        chosen = list(chosable[picked[start:end]])
        if rng.random() < 0.06:
            chosen.insert(rng.randrange(len(chosen)), rng.choice(COLLOCATIONS))
        found.append(" ".join(chosen).capitalize() + ".")
    return found


def generate(count: int, seed: int) -> Corpus:
    """``count`` articles, the same for the same seed. Bodies and titles are assembled from
    pools of sentences drawn once (a million articles in seconds, not minutes); word
    frequencies are those of the vocabulary all the same. As in real ingestion, ids grow
    with first_seen_at (spread over the year before NOW), and an article is published a
    little before it is first seen (minutes to hours), one in a hundred without a time."""
    rng = random.Random(seed)
    draw = np.random.default_rng(seed)
    pool = min(SENTENCE_POOL, max(1_000, count))
    vocabulary = _vocabulary(rng)
    bodies = _sentences(rng, draw, vocabulary, pool, 8, 20)
    titles = _sentences(rng, draw, vocabulary, pool, 5, 9)
    names = [word.capitalize() for word in vocabulary[0][len(COMMON) :]]
    bylines = [f"By {rng.choice(names)} {rng.choice(names)}" for _ in range(5_000)]
    sites = draw.integers(0, len(PUBLISHERS), size=count).tolist()
    symbols = list(COMPANIES)
    year = 365 * 24 * 60 * 60
    seen = np.sort(draw.integers(0, year, size=count))[::-1]  # seconds before NOW, oldest first
    delay = draw.exponential(45 * 60, size=count).astype(np.int64)
    undated = draw.random(count) < 0.01
    sentence_counts = draw.integers(4, 11, size=count)
    picks = draw.integers(0, pool, size=int(sentence_counts.sum())).tolist()
    title_picks = draw.integers(0, pool, size=count).tolist()
    rows: list[tuple[Any, ...]] = []
    tags: list[tuple[int, str]] = []
    at = 0
    for number in range(1, count + 1):
        tagged = rng.sample(symbols, rng.randint(1, 3))
        company = COMPANIES[tagged[0]]
        title = f"{company} {titles[title_picks[number - 1]]}"
        taken = int(sentence_counts[number - 1])
        body = " ".join([bodies[n] for n in picks[at : at + taken]])
        at += taken
        first_seen = NOW - timedelta(seconds=int(seen[number - 1]))
        late = timedelta(seconds=int(delay[number - 1]))
        published = None if undated[number - 1] else first_seen - late
        url = f"https://news.example/{number}"
        rows.append(
            (
                number,
                url,
                key_hash(url),
                url,
                number,
                title,
                title.lower(),
                bylines[number % len(bylines)],
                PUBLISHERS[sites[number - 1]],
                published,
                "[]",
                "",
                "",
                f"{company} {body}",
                True,
                first_seen,
                first_seen,
            )
        )
        tags.extend((number, symbol) for symbol in tagged)
    return Corpus(COLUMNS, rows, tags)


def queries() -> list[tuple[str, SearchQuery]]:
    """~50 fixed queries: (kind, query)."""
    month = {"since": NOW - timedelta(days=30), "until": NOW}
    quarter = {"since": NOW - timedelta(days=120), "until": NOW - timedelta(days=30)}
    single = ["inflation", "dividend", "lithium", "Nvidia", "takeover", "refinery", "payrolls"]
    single += ["semiconductor", "selloff", "treasury", "guidance", "subscribers"]
    double = ["oil exports", "bank lawsuit", "chips demand", "dollar yields", "gold rally"]
    double += ["merger regulator", "Tesla deliveries", "euro inflation", "copper mining"]
    double += ["earnings beat"]
    phrases = [f'"{phrase}"' for phrase in COLLOCATIONS]
    found: list[tuple[str, SearchQuery]] = []
    found += [("one word", SearchQuery(text)) for text in single]
    found += [("two words", SearchQuery(text)) for text in double]
    found += [("phrase", SearchQuery(text)) for text in phrases]
    found += [
        ("publisher", SearchQuery(text, publisher=PUBLISHERS[n % len(PUBLISHERS)]))
        for n, text in enumerate(single[:4] + double[:4])
    ]
    found += [
        ("instrument", SearchQuery(text, symbol=symbol))
        for text, symbol in zip(
            single[4:8] + double[4:8],
            ["NVDA", "XOM", "JPM", "TSLA", "AAPL", "BP", "GS", "MSFT"],
            strict=True,
        )
    ]
    found += [
        ("date range", SearchQuery(text, **(month if n % 2 else quarter)))
        for n, text in enumerate(single[8:] + phrases[:3])
    ]
    return found


def like_search(engine: sa.Engine, query: SearchQuery) -> int:
    """The unindexed baseline: a page newest first and the total, in one scan."""
    ilike = engine.dialect.name == "postgresql"
    conditions = []
    for term in parse_terms(query.text):
        needle = term.source
        if ilike:
            found = sa.or_(articles.c.title.icontains(needle), articles.c.text.icontains(needle))
        else:
            found = sa.or_(articles.c.title.contains(needle), articles.c.text.contains(needle))
        conditions.append(found)
    when = sa.func.coalesce(articles.c.published, articles.c.first_seen_at)
    if query.publisher:
        conditions.append(articles.c.site_name == query.publisher)
    if query.symbol:
        tagged = sa.select(article_instruments.c.article_id).where(
            article_instruments.c.symbol == query.symbol
        )
        conditions.append(articles.c.id.in_(tagged))
    if query.since:
        conditions.append(when >= query.since)
    if query.until:
        conditions.append(when < query.until)
    statement = (
        sa.select(articles.c.id, articles.c.title, sa.func.count().over().label("total"))
        .where(*conditions)
        .order_by(when.desc(), articles.c.id.desc())
        .limit(query.limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return int(rows[0].total) if rows else 0


def load_sqlite(engine: sa.Engine, corpus: Corpus) -> None:
    """executemany on the driver's own connection, times written as SQLAlchemy writes them;
    the FTS5 triggers index each row as it lands."""
    stamp = sa.DateTime().dialect_impl(engine.dialect).bind_processor(engine.dialect)
    assert stamp is not None
    times = [corpus.columns.index(name) for name in ("published", "first_seen_at", "fetched_at")]

    def sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for at in times:
            if values[at] is not None:
                values[at] = stamp(values[at].replace(tzinfo=None))
        return tuple(values)

    now = stamp(NOW.replace(tzinfo=None))
    marks = ", ".join("?" * len(corpus.columns))
    raw = engine.raw_connection()
    try:
        cursor: Any = raw.cursor()
        for start in range(0, len(corpus.rows), BATCH):
            batch = corpus.rows[start : start + BATCH]
            cursor.executemany(
                "INSERT INTO stories (id, title, first_seen_at, updated_at) VALUES (?, ?, ?, ?)",
                [(row[0], row[5], now, now) for row in batch],
            )
            cursor.executemany(
                f"INSERT INTO articles ({', '.join(corpus.columns)}) VALUES ({marks})",
                [sqlite_row(row) for row in batch],
            )
        cursor.executemany(
            "INSERT INTO article_instruments (article_id, symbol, mentions) VALUES (?, ?, 1)",
            corpus.symbols,
        )
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def load_postgresql(engine: sa.Engine, corpus: Corpus) -> None:
    """COPY, the fastest way in; the generated tsvector fills as rows land, and the search
    indexes (migration 0004's GIN index and, where RUM is installed, 0018's RUM index,
    dropped first) are built once over all of them, which is several times faster than
    growing them row by row. VACUUM afterwards, as autovacuum would, so queries do not
    pay for first-read hint bits."""
    raw = engine.raw_connection()
    try:
        connection: Any = raw.driver_connection
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_INDEXES)
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            with cursor.copy("COPY stories (id, title, first_seen_at, updated_at) FROM STDIN") as c:
                for row in corpus.rows:
                    c.write_row((row[0], row[5], NOW, NOW))
            with cursor.copy(f"COPY articles ({', '.join(corpus.columns)}) FROM STDIN") as c:
                for row in corpus.rows:
                    c.write_row(row)
            with cursor.copy(
                "COPY article_instruments (article_id, symbol, mentions) FROM STDIN"
            ) as c:
                for article_id, symbol in corpus.symbols:
                    c.write_row((article_id, symbol, 1))
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
        connection.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE articles, stories, article_instruments")


@contextmanager
def postgres_database(url: str, keep: str | None) -> Iterator[str]:
    """A fresh schema dropped afterwards, or the schema ``keep``, made if missing and kept."""
    if keep is None:
        with fresh_database(url) as fresh:
            yield fresh
        return
    admin = sa.create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{keep}"'))
    finally:
        admin.dispose()
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{keep}"


def timed(call: Callable[[], object], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@dataclass
class Timings:
    ours: dict[str, list[float]]
    like: dict[str, list[float]]
    matches: dict[str, list[int]]


def measure(engine: sa.Engine, repeats: int, like_repeats: int) -> Timings:
    store = SearchStore(engine)
    timings = Timings({}, {}, {})
    for kind, query in queries():
        warm = store.search(query, now=NOW)  # warms the page cache and the plan
        timings.matches.setdefault(kind, []).append(warm.total)
        ours = timed(partial(store.search, query, now=NOW), repeats)
        like = timed(partial(like_search, engine, query), like_repeats)
        timings.ours.setdefault(kind, []).extend(ours)
        timings.like.setdefault(kind, []).extend(like)
    return timings


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def figures(samples: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "p99": percentile(samples, 0.99),
        "max": max(samples),
    }


def report(console: Console, backend: str, timings: Timings, load: str) -> dict[str, Any]:
    ours = figures([s for samples in timings.ours.values() for s in samples])
    like = figures([s for samples in timings.like.values() for s in samples])
    table = Table(title=f"{backend}: search latency in ms ({load})")
    for name in ("", "p50", "p95", "p99", "max"):
        table.add_column(name, justify="right" if name else "left")
    for name, values in (("SearchStore", ours), ("LIKE scan (baseline)", like)):
        table.add_row(name, *(f"{value:.2f}" for value in values.values()))
    ratios = {name: ours[name] / like[name] for name in ours}
    table.add_row("ratio ours / LIKE", *(f"{value:.4f}" for value in ratios.values()))
    console.print(table)
    kinds = Table(title=f"{backend}: by kind of query, ms (p50 unless named)")
    for name in ("kind", "median total", "SearchStore", "SearchStore p95", "LIKE scan", "ratio"):
        kinds.add_column(name, justify="left" if name == "kind" else "right")
    for kind, samples in timings.ours.items():
        mine, theirs = statistics.median(samples), statistics.median(timings.like[kind])
        matches = f"{statistics.median(timings.matches[kind]):,.0f}"
        tail = percentile(samples, 0.95)
        kinds.add_row(
            kind, matches, f"{mine:.2f}", f"{tail:.2f}", f"{theirs:.2f}", f"{mine / theirs:.4f}"
        )
    console.print(kinds)
    return {"ours_ms": ours, "like_ms": like, "ratio": ratios}


@contextmanager
def without_rum(hidden: bool) -> Iterator[None]:
    """With ``hidden``, search as a PostgreSQL without the RUM extension does (the GIN
    index and the probes of id ranges), on the same tables: the store's lookup of the
    RUM index answers that there is none."""
    if not hidden:
        yield
        return
    with patch.object(search, "_rum_schema", lambda _connection: None):
        yield


def loaded(engine: sa.Engine, corpus: Corpus) -> bool:
    """Whether a kept schema already holds this corpus: the same number of articles and
    the same last title (the seed's). A kept schema holding other articles must be dropped
    by hand before a run with other arguments: loading into it would collide with them."""
    newest = sa.select(articles.c.title).order_by(articles.c.id.desc()).limit(1)
    with engine.connect() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(articles)).scalar()
        title = connection.execute(newest).scalar()
    return total == len(corpus.rows) and title == corpus.rows[-1][5]


def run(
    console: Console, backend: str, engine: sa.Engine, corpus: Corpus, args: Any
) -> dict[str, Any]:
    db.upgrade(engine)
    started = time.perf_counter()
    if backend == "PostgreSQL" and args.keep_postgres and loaded(engine, corpus):
        console.print(f"PostgreSQL: reusing the articles in schema {args.keep_postgres}")
    else:
        with console.status(f"loading {len(corpus.rows):,} articles into {backend}"):
            (load_postgresql if backend == "PostgreSQL" else load_sqlite)(engine, corpus)
    load_seconds = time.perf_counter() - started
    before = load_average()
    with console.status(f"querying {backend}"), without_rum(args.no_rum):
        timings = measure(engine, args.repeats, args.like_repeats)
    load = f"loaded in {load_seconds:.0f} s; load average {before} before, {load_average()} after"
    return {"load_seconds": load_seconds, "load_average": load} | report(
        console, backend, timings, load
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each query, ours")
    parser.add_argument("--like-repeats", type=int, default=1, help="runs of each LIKE scan")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--no-rum", action="store_true", help="PostgreSQL: search without the RUM index"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--keep-postgres", metavar="SCHEMA", help="load into SCHEMA and keep it, or reuse it"
    )
    args = parser.parse_args()
    console = Console()
    console.print(f"$ {shlex.join([sys.executable, *sys.argv])}", markup=False)
    started = time.perf_counter()
    with console.status(f"generating {args.articles:,} articles"):
        corpus = generate(args.articles, args.seed)
    words = sum(text.count(" ") + 1 for text in corpus.texts())
    console.print(
        f"{args.articles:,} articles, {words / args.articles:.0f} words each on average, "
        f"{len(queries())} queries, generated in {time.perf_counter() - started:.1f} s"
    )
    results: dict[str, Any] = {"articles": args.articles, "seed": args.seed}
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            engine = db.make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
            try:
                results["sqlite"] = run(console, "SQLite", engine, corpus, args)
            finally:
                engine.dispose()
    problem = None if args.no_postgres else postgres_problem(args.postgres_url)
    if args.no_postgres or problem:
        console.print(f"PostgreSQL skipped: {problem or '--no-postgres'}")
    else:
        with postgres_database(args.postgres_url, args.keep_postgres) as url:
            engine = db.make_engine(url)
            try:
                results["postgresql"] = run(console, "PostgreSQL", engine, corpus, args)
            finally:
                engine.dispose()
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
