"""Search latency: SearchStore on SQLite (FTS5) and PostgreSQL (tsvector) beside a LIKE scan.

Generates N synthetic financial-news articles from a seeded vocabulary (the same articles
for the same seed), loads them into a fresh SQLite file in a temporary folder and, when the
server answers, into a fresh PostgreSQL schema (dropped afterwards), both through the real
migrations. Then it runs a fixed set of ~50 queries (single words, two words, phrases, and
each with a publisher, an instrument or a date-range filter), each several times, through
SearchStore.search, and prints p50/p95/max per backend.

The baseline, timed in the same run on the same tables, is what search would be without
an index: every term as ``LIKE '%term%'`` over title and text (ILIKE on PostgreSQL, whose
LIKE is case-sensitive), the same filters, newest first, with the total from
``count(*) OVER ()``: one scan per query, answering the same page-and-total question.

    .venv/bin/python bench/search_latency.py [--articles 100000] [--repeats 5] [--no-postgres]
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
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from tickerwire.store import db
from tickerwire.store.limits import key_hash
from tickerwire.store.schema import article_instruments, articles, stories
from tickerwire.store.search import SearchQuery, SearchStore, parse_terms

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "TICKERWIRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BATCH = 10_000


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
    articles: list[dict[str, Any]]
    symbols: list[tuple[int, str]]


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
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
    weights = [1.0 / (rank + 8) for rank in range(len(words))]
    total = 0.0
    cumulative = []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return words, cumulative


def generate(count: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    words, cumulative = _vocabulary(rng)
    symbols = list(COMPANIES)

    def sentence(length: int) -> str:
        chosen = rng.choices(words, cum_weights=cumulative, k=length)
        if rng.random() < 0.06:
            chosen.insert(rng.randrange(len(chosen)), rng.choice(COLLOCATIONS))
        return " ".join(chosen).capitalize() + "."

    rows: list[dict[str, Any]] = []
    tags: list[tuple[int, str]] = []
    for number in range(1, count + 1):
        tagged = rng.sample(symbols, rng.randint(1, 3))
        company = COMPANIES[tagged[0]]
        title = f"{company} {sentence(rng.randint(5, 9))}"
        body = " ".join(sentence(rng.randint(8, 20)) for _ in range(rng.randint(4, 10)))
        when = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        rows.append(
            {
                "id": number,
                "canonical_url": f"https://news.example/{number}",
                "canonical_url_hash": key_hash(f"https://news.example/{number}"),
                "url": f"https://news.example/{number}",
                "story_id": number,
                "title": title,
                "title_key": title.lower(),
                "byline": f"By {rng.choice(words).capitalize()} {rng.choice(words).capitalize()}",
                "site_name": rng.choice(PUBLISHERS),
                "published": when,
                "figures": [],
                "body_html": "",
                "summary_html": "",
                "text": f"{company} {body}",
                "extracted": True,
                "first_seen_at": when,
                "fetched_at": when,
            }
        )
        tags.extend((number, symbol) for symbol in tagged)
    return Corpus(rows, tags)


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
        ("date range", SearchQuery(text, **(month if n % 2 else quarter)))  # type: ignore[arg-type]
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
    with engine.begin() as connection:
        for start in range(0, len(corpus.articles), BATCH):
            batch = corpus.articles[start : start + BATCH]
            connection.execute(
                stories.insert(),
                [
                    {"id": a["id"], "title": a["title"], "first_seen_at": NOW, "updated_at": NOW}
                    for a in batch
                ],
            )
            connection.execute(articles.insert(), batch)
        tags = [{"article_id": a, "symbol": s, "mentions": 1} for a, s in corpus.symbols]
        for start in range(0, len(tags), BATCH):
            connection.execute(article_instruments.insert(), tags[start : start + BATCH])
        connection.exec_driver_sql("ANALYZE")


def load_postgresql(engine: sa.Engine, corpus: Corpus) -> None:
    """COPY, the fastest way in; the generated tsvector and the GIN index fill as rows land.
    VACUUM afterwards, as autovacuum would, so queries do not pay for first-read hint bits."""
    columns = list(corpus.articles[0])
    raw = engine.raw_connection()
    try:
        connection: Any = raw.driver_connection
        with connection.cursor() as cursor:
            with cursor.copy("COPY stories (id, title, first_seen_at, updated_at) FROM STDIN") as c:
                for a in corpus.articles:
                    c.write_row((a["id"], a["title"], NOW, NOW))
            with cursor.copy(f"COPY articles ({', '.join(columns)}) FROM STDIN") as c:
                for a in corpus.articles:
                    c.write_row([a[name] if name != "figures" else "[]" for name in columns])
            with cursor.copy(
                "COPY article_instruments (article_id, symbol, mentions) FROM STDIN"
            ) as c:
                for article_id, symbol in corpus.symbols:
                    c.write_row((article_id, symbol, 1))
        connection.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


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


def report(console: Console, backend: str, timings: Timings, load_seconds: float) -> None:
    ours = [s for samples in timings.ours.values() for s in samples]
    like = [s for samples in timings.like.values() for s in samples]
    table = Table(title=f"{backend}: search latency in ms (load took {load_seconds:.1f} s)")
    for name in ("", "p50", "p95", "max", "samples"):
        table.add_column(name, justify="right" if name else "left")
    for name, samples in (("SearchStore", ours), ("LIKE scan", like)):
        table.add_row(
            name,
            f"{statistics.median(samples):.2f}",
            f"{percentile(samples, 0.95):.2f}",
            f"{max(samples):.2f}",
            str(len(samples)),
        )
    table.add_row(
        "ratio ours / LIKE",
        f"{statistics.median(ours) / statistics.median(like):.4f}",
        f"{percentile(ours, 0.95) / percentile(like, 0.95):.4f}",
        f"{max(ours) / max(like):.4f}",
        "",
    )
    console.print(table)
    kinds = Table(title=f"{backend}: p50 by kind of query, ms")
    for name in ("kind", "median matches", "SearchStore", "LIKE scan", "ratio"):
        kinds.add_column(name, justify="left" if name == "kind" else "right")
    for kind, samples in timings.ours.items():
        mine, theirs = statistics.median(samples), statistics.median(timings.like[kind])
        matches = f"{statistics.median(timings.matches[kind]):,.0f}"
        kinds.add_row(kind, matches, f"{mine:.2f}", f"{theirs:.2f}", f"{mine / theirs:.4f}")
    console.print(kinds)


def run(console: Console, backend: str, engine: sa.Engine, corpus: Corpus, args: Any) -> None:
    db.upgrade(engine)
    started = time.perf_counter()
    with console.status(f"loading {len(corpus.articles):,} articles into {backend}"):
        (load_postgresql if backend == "PostgreSQL" else load_sqlite)(engine, corpus)
    load_seconds = time.perf_counter() - started
    with console.status(f"querying {backend}"):
        timings = measure(engine, args.repeats, args.like_repeats)
    report(console, backend, timings, load_seconds)


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A new schema on the server and a URL that uses it; dropped afterwards."""
    schema = f"bench_search_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in url else "?"
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_problem(url: str) -> str | None:
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except sa.exc.OperationalError as error:
        return str(error).splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each query, ours")
    parser.add_argument("--like-repeats", type=int, default=1, help="runs of each LIKE scan")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    console = Console()
    console.print(f"$ {shlex.join([sys.executable, *sys.argv])}", markup=False)
    started = time.perf_counter()
    with console.status(f"generating {args.articles:,} articles"):
        corpus = generate(args.articles, args.seed)
    words = sum(len(a["text"].split()) for a in corpus.articles)
    console.print(
        f"{args.articles:,} articles, {words / args.articles:.0f} words each on average, "
        f"{len(queries())} queries, generated in {time.perf_counter() - started:.1f} s"
    )
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            run(console, "SQLite", engine, corpus, args)
        finally:
            engine.dispose()
    problem = None if args.no_postgres else postgres_problem(args.postgres_url)
    if args.no_postgres or problem:
        console.print(f"PostgreSQL skipped: {problem or '--no-postgres'}")
        return
    with fresh_schema(args.postgres_url) as url:
        engine = db.make_engine(url)
        try:
            run(console, "PostgreSQL", engine, corpus, args)
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
