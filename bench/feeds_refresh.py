"""Feed refresh speed: 1,000 local feeds, a first pass and a conditional pass.

Issue 10's goal: at least 50 feeds/s on the conditional pass with one process, and a
near-linear gain with a second worker on PostgreSQL.

The site (bench/localsite.py, its own process, spread over ``--hosts`` loopback addresses
so the fetcher's per-host limit sees several publishers) serves ``--feeds`` RSS feeds of
``--items`` items each, made up here from a seeded vocabulary (the same for the same
seed). Each item links to its own small article page (about 3 KB of HTML, four
paragraphs naming companies and markets), because that is the real path: the pipeline
fetches and extracts the page of every new linked item, even when the feed carries full
content. ``--no-pages`` gives items no link and their whole text in the feed instead, which
measures feed handling alone. Every answer has an ETag and a Last-Modified. On the second
pass half the feeds (the odd ones) answer 304; the other half have a new item on top (and
drop their oldest), so they answer 200 and bring one new article each.

Ours: subscribe to every feed with ``actions.import_opml`` (not timed), then two timed
passes of ``actions.refresh_feeds`` over every subscription (what ``tickerwire feeds
refresh`` runs): the first one unconditional, the second conditional, into a fresh SQLite
file (or, with ``--postgres``, a fresh schema on the test server). The worker pool is
started before the clock.

Baseline: the same HTTP requests (each feed, with the validators its own first pass got,
then the pages of its new items) from a bare ``httpx.AsyncClient`` at the same concurrency
as ``refresh_feeds`` (4 feeds at once, 4 article pages at once, at most 2 requests per
host): what the network part costs alone, with no parsing and no store. The site's request
counts are printed for both, so they can be seen to be the same requests.

How long it takes: each new article is matched against up to 2,000 recent ones (the story
dedupe), so a store of 2,000 articles already costs each new one what a big store does.
With 10 items the first pass stores 10,000 articles, which takes about four minutes on two
cores; ``--items 2`` stores 2,000 in well under a minute, for a quicker look.

``--workers-gain`` also times a first pass done by ``tickerwire worker`` processes, one and
then two, on a fresh PostgreSQL schema each: the subscriptions are made here, the workers
take the refreshes as jobs of the job engine, and the time runs from the first feed fetched
(their start-up left out) to the last article stored. The gain is the one time over the
other.

Rounds alternate which side goes first, and each prints the load average, since the
machine may be shared. ``--profile`` profiles a further conditional pass (the event loop's
thread and the store's threads; the worker processes are reported as CPU seconds only).

    .venv/bin/python bench/feeds_refresh.py [--feeds 1000] [--items 10] [--rounds 1]
        [--no-pages] [--postgres] [--profile] [--workers-gain]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from common import busy_share, machine_ticks
from localsite import (
    DEFAULT_MODIFIED,
    POSTGRES_URL,
    Document,
    LocalSite,
    bench_settings,
    cpu_seconds,
    fresh_database,
    isolate_environment,
    load_1m,
    load_average,
    loopback_hosts,
    postgres_problem,
    warm_workers,
)
from tickerwire import actions
from tickerwire.runtime import Runtime

GOAL = 50.0
RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
#: What ``actions.refresh_feeds`` runs at: NewsPipeline.refresh_many's default, the
#: pipeline's article slots, and FetchSettings.per_host_concurrency's default.
FEED_CONCURRENCY = 4
PAGE_CONCURRENCY = 4
PER_HOST = 2

COMPANIES = [
    "Apple", "Microsoft", "Nvidia", "Tesla", "Amazon", "Alphabet", "Meta", "Exxon Mobil",
    "Chevron", "JPMorgan", "Goldman Sachs", "Boeing", "Siemens", "Toyota", "Samsung", "Shell",
    "BP", "Nestlé", "Volkswagen", "Airbus",
]  # fmt: skip
MARKETS = [
    "crude oil", "gold", "copper", "the S&P 500", "the Nasdaq", "the euro", "the yen",
    "Treasury yields", "bitcoin", "natural gas", "the Dow", "the pound",
]  # fmt: skip
VERBS = ["rose", "fell", "climbed", "slipped", "rallied", "steadied", "jumped", "eased"]
NOUNS = [
    "earnings", "guidance", "a strike", "demand", "supply", "tariffs", "a merger",
    "rate expectations", "inventories", "a downgrade", "buybacks", "output",
]  # fmt: skip
WORDS = [
    "analysts",
    "traders",
    "investors",
    "said",
    "after",
    "before",
    "the",
    "quarter",
    "session",
    "week",
    "forecast",
    "shares",
    "prices",
    "market",
    "report",
    "data",
    "higher",
    "lower",
    "while",
    "as",
    "its",
    "on",
    "in",
    "for",
    "with",
    "against",
    "central",
    "bank",
    "policy",
    "outlook",
    "growth",
    "costs",
    "margins",
    "orders",
]


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    paragraphs: list[str]
    published: datetime
    path: str  # the article page's path on the site


@dataclass
class FeedPlan:
    """One feed: its address, its items now (newest first), and on the second pass
    either the same (it answers 304) or a new item on top."""

    number: int
    origin: str
    first: list[Item]
    second: list[Item] | None  # None: unchanged

    @property
    def url(self) -> str:
        return f"{self.origin}/feeds/{self.number}.xml"

    def new_items(self, generation: int) -> list[Item]:
        """What a client that saw the previous generation has not seen yet."""
        if generation == 0:
            return self.first
        if self.second is None:
            return []
        seen = {item.guid for item in self.first}
        return [item for item in self.second if item.guid not in seen]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    words.insert(rng.randrange(len(words)), rng.choice(COMPANIES))
    words.insert(rng.randrange(len(words)), rng.choice(MARKETS))
    return " ".join(words).capitalize() + "."


def make_item(rng: random.Random, feed: int, number: int, published: datetime) -> Item:
    title = (
        f"{rng.choice(COMPANIES)} {rng.choice(VERBS)} on {rng.choice(NOUNS)} as "
        f"{rng.choice(MARKETS)} {rng.choice(VERBS)} ({feed}-{number})"
    )
    paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(4)]
    return Item(f"feed{feed}-item{number}", title, paragraphs, published, f"/a/{feed}/{number}")


def plan_feeds(site: LocalSite, feeds: int, items: int, seed: int) -> list[FeedPlan]:
    rng = random.Random(seed)
    plans = []
    for k in range(feeds):
        made = [
            make_item(rng, k, n, NOW - timedelta(minutes=30 * (items - n) + k % 30))
            for n in range(items + 1)
        ]
        first = made[:items][::-1]  # newest first, as feeds list them
        second = None if k % 2 else [made[items], *first[:-1]]
        plans.append(FeedPlan(k, site.origin(k), first, second))
    return plans


def article_page(item: Item) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(item.title)}</title>"
        f'<meta property="og:site_name" content="Bench Wire">'
        f'<meta property="article:published_time" content="{item.published.isoformat()}">'
        f"</head><body><nav><a href='/'>Home</a> <a href='/markets'>Markets</a></nav>"
        f"<article><h1>{escape(item.title)}</h1><p class='byline'>By A. Reporter</p>{body}"
        f"</article><footer>Bench Wire, made up for a benchmark.</footer></body></html>"
    ).encode()


def rss(plan: FeedPlan, items: list[Item], *, pages: bool) -> bytes:
    parts = []
    for item in items:
        link = f"{plan.origin}{item.path}"
        if pages:
            fields = f"<link>{link}</link><guid>{link}</guid>"
            summary = f"<description>{escape(item.paragraphs[0][:200])}</description>"
        else:
            fields = f'<guid isPermaLink="false">{item.guid}</guid>'
            full = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
            summary = f"<description>{escape(full)}</description>"
        parts.append(
            f"<item><title>{escape(item.title)}</title>{fields}"
            f"<pubDate>{format_datetime(item.published)}</pubDate>{summary}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench Wire {plan.number}</title><link>{plan.origin}/</link>"
        f"<description>Made up for a benchmark</description>{''.join(parts)}</channel></rss>"
    ).encode()


def routes_for(plans: list[FeedPlan], *, pages: bool) -> dict[str, list[Document]]:
    routes: dict[str, list[Document]] = {}
    later = DEFAULT_MODIFIED + timedelta(hours=1)
    for plan in plans:
        versions = [Document(rss(plan, plan.first, pages=pages), RSS)]
        if plan.second is not None:
            versions.append(Document(rss(plan, plan.second, pages=pages), RSS, later))
        routes[f"/feeds/{plan.number}.xml"] = versions
        if pages:
            for item in {i.guid: i for i in [*plan.first, *(plan.second or [])]}.values():
                routes[item.path] = [Document(article_page(item), HTML)]
    return routes


def opml(plans: list[FeedPlan]) -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="Bench Wire {p.number}" xmlUrl="{escape(p.url)}"/>'
        for p in plans
    )
    return (
        f'<?xml version="1.0"?><opml version="2.0"><head><title>Bench</title></head>'
        f"<body>{outlines}</body></opml>"
    ).encode()


# One pass -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pass:
    seconds: float
    cpu: float  # this process, its threads and the worker processes; not the site
    requests: int
    not_modified: int
    statuses: Counter[str] = field(default_factory=Counter)
    new_entries: int = 0
    load: float = 0.0

    def feeds_per_second(self, feeds: int) -> float:
        return feeds / self.seconds


@contextlib.contextmanager
def measured(site: LocalSite) -> Iterator[dict[str, float]]:
    """Wall and CPU seconds of the block, the site's counts and the load at its start."""
    site.reset_stats()
    found: dict[str, float] = {"load": load_1m()}
    cpu = cpu_seconds(exclude=[site.pid])
    start = time.perf_counter()
    yield found
    found["seconds"] = time.perf_counter() - start
    found["cpu"] = cpu_seconds(exclude=[site.pid]) - cpu
    stats = site.stats()
    found["requests"], found["not_modified"] = stats["requests"], stats["not_modified"]


async def refresh_pass(runtime: Runtime, site: LocalSite) -> Pass:
    """One ``refresh_feeds`` over every subscription, in this one process.

    A ``--workers N`` flag belongs here once a job engine exists: start N worker
    processes on the same PostgreSQL schema, each running this pass on the feeds it
    leases, and time until all are done.
    """
    with measured(site) as found:
        report = await actions.refresh_feeds(runtime)
    statuses = Counter(result.status for result in report.results)
    return Pass(
        found["seconds"], found["cpu"], int(found["requests"]), int(found["not_modified"]),
        statuses, report.new_entries, found["load"],
    )  # fmt: skip


def worker_env(database_url: str, data: Path) -> dict[str, str]:
    """``bench_settings`` for a ``tickerwire worker`` process, which reads its settings
    from the environment."""
    return os.environ | {
        "TICKERWIRE_DATABASE_URL": database_url,
        "TICKERWIRE_DATA_DIR": str(data),
        "TICKERWIRE_DEFAULT_FEEDS": "[]",
        "TICKERWIRE_FETCH__ALLOW_HOSTS": '["127.0.0.0/8"]',
        "TICKERWIRE_MEDIA__ENABLED": "false",
        "TICKERWIRE_JOBS__TICK_SECONDS": "1",
    }


@dataclass(frozen=True)
class WorkersPass:
    seconds: float
    busy: float
    """How busy the whole machine's CPUs were meanwhile (0-1): a second worker cannot gain
    what the first left no CPU for."""


def workers_pass(
    site: LocalSite, plans: list[FeedPlan], postgres_url: str, workers: int, data: Path
) -> WorkersPass:
    """Seconds for ``workers`` ``tickerwire worker`` processes, sharing the job engine on
    a fresh PostgreSQL schema, to refresh every feed for the first time and store every
    article: from the first feed fetched (their start-up left out) to the last article."""
    import sqlalchemy as sa

    from tickerwire.store.schema import articles, feeds

    expected = sum(len(plan.new_items(0)) for plan in plans)
    with fresh_database(postgres_url) as url:

        async def subscribe() -> None:
            runtime = await Runtime.open(bench_settings(url, data))
            try:
                await actions.import_opml(runtime, opml(plans), fetch=False)
            finally:
                await runtime.close()

        asyncio.run(subscribe())
        site.set_generation(0)
        engine = sa.create_engine(url)
        command = [str(Path(sys.executable).parent / "tickerwire"), "worker"]
        env = worker_env(url, data)
        logs = [data / f"worker-{workers}-{n}.log" for n in range(workers)]
        processes = []
        for log in logs:
            with log.open("wb") as sink:
                processes.append(
                    subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
                )
        started: float | None = None
        ticks = machine_ticks()
        try:
            deadline = time.monotonic() + WORKERS_TIMEOUT
            while time.monotonic() < deadline:
                with engine.connect() as connection:
                    fetched = connection.execute(
                        sa.select(sa.func.count(feeds.c.last_fetch_at))
                    ).scalar_one()
                    stored = connection.execute(
                        sa.select(sa.func.count(articles.c.id))
                    ).scalar_one()
                if fetched and started is None:
                    started, ticks = time.perf_counter(), machine_ticks()
                if started is not None and fetched == len(plans) and stored >= expected:
                    return WorkersPass(
                        time.perf_counter() - started, busy_share(ticks, machine_ticks())
                    )
                time.sleep(0.2)
            raise RuntimeError(
                f"{workers} worker(s) had not stored {expected} articles in {WORKERS_TIMEOUT} s"
            )
        finally:
            with engine.connect() as connection:
                doing = connection.execute(
                    sa.text("SELECT task_name, args FROM procrastinate_jobs WHERE status = 'doing'")
                ).all()
            if doing:
                print(f"stopping {workers} worker(s) amid jobs: {doing}")
            for process in processes:
                process.terminate()
            for process, log in zip(processes, logs, strict=True):
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    tail = log.read_text(errors="replace").splitlines()[-15:]
                    print("a worker took over 60 s to stop on SIGTERM; its log ends:", *tail)
                    raise
            engine.dispose()


WORKERS_TIMEOUT = 900


async def ours(
    site: LocalSite, plans: list[FeedPlan], database_url: str, data_dir: Path
) -> tuple[Pass, Pass]:
    settings = bench_settings(database_url, data_dir)
    runtime = await Runtime.open(settings)
    try:
        imported = await actions.import_opml(runtime, opml(plans), fetch=False)
        assert len(imported.added) == len(plans), imported.skipped[:3]
        await warm_workers(runtime)
        site.set_generation(0)
        first = await refresh_pass(runtime, site)
        site.set_generation(1)
        second = await refresh_pass(runtime, site)
        return first, second
    finally:
        await runtime.close()


class BareClient:
    """The baseline: the same requests, nothing done with the answers but keep them."""

    def __init__(self, *, pages: bool) -> None:
        self.pages = pages
        self.validators: dict[str, tuple[str | None, str | None]] = {}

    async def run(self, site: LocalSite, plans: list[FeedPlan], generation: int) -> Pass:
        site.set_generation(generation)
        feed_slots = asyncio.Semaphore(FEED_CONCURRENCY)
        page_slots = asyncio.Semaphore(PAGE_CONCURRENCY)
        hosts: dict[str, asyncio.Semaphore] = {}
        statuses: Counter[str] = Counter()

        async def get(
            client: httpx.AsyncClient, url: str, headers: dict[str, str]
        ) -> httpx.Response:
            host = hosts.setdefault(httpx.URL(url).host, asyncio.Semaphore(PER_HOST))
            async with host:
                return await client.get(url, headers=headers)

        async def page(client: httpx.AsyncClient, url: str) -> None:
            async with page_slots:
                (await get(client, url, {})).raise_for_status()

        async def feed(client: httpx.AsyncClient, plan: FeedPlan) -> None:
            async with feed_slots:
                etag, modified = self.validators.get(plan.url, (None, None))
                headers = {"If-None-Match": etag} if etag else {}
                if modified:
                    headers["If-Modified-Since"] = modified
                response = await get(client, plan.url, headers)
                if response.status_code == 304:
                    statuses["not_modified"] += 1
                    return
                response.raise_for_status()
                statuses["ok"] += 1
                self.validators[plan.url] = (
                    response.headers.get("etag"), response.headers.get("last-modified")
                )  # fmt: skip
                links = [f"{plan.origin}{i.path}" for i in plan.new_items(generation)]
                if self.pages:
                    await asyncio.gather(*(page(client, link) for link in links))

        async with httpx.AsyncClient(trust_env=False, timeout=60) as client:
            with measured(site) as found:
                await asyncio.gather(*(feed(client, plan) for plan in plans))
        return Pass(
            found["seconds"], found["cpu"], int(found["requests"]), int(found["not_modified"]),
            statuses, load=found["load"],
        )  # fmt: skip


# Rounds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    first: str
    ours: tuple[Pass, Pass]
    bare: tuple[Pass, Pass]


def run_round(
    number: int, site: LocalSite, plans: list[FeedPlan], args: argparse.Namespace
) -> Round:
    def run_ours() -> tuple[Pass, Pass]:
        with fresh_database(args.postgres_url) as url, tempfile.TemporaryDirectory() as data:
            return asyncio.run(ours(site, plans, url, Path(data)))

    def run_bare() -> tuple[Pass, Pass]:
        client = BareClient(pages=args.pages)

        async def both() -> tuple[Pass, Pass]:
            return await client.run(site, plans, 0), await client.run(site, plans, 1)

        return asyncio.run(both())

    if number % 2 == 0:
        mine, bare = run_ours(), run_bare()
    else:
        bare, mine = run_bare(), run_ours()
    return Round("ours" if number % 2 == 0 else "bare httpx", mine, bare)


PASS_COLUMNS = (
    "round", "pass", "ours s", "ours feeds/s", "bare s", "bare feeds/s", "ratio", "ours CPU s",
    "bare CPU s", "requests (304s) ours / bare", "load 1m ours / bare",
)  # fmt: skip


def pass_table(rounds: list[Round], feeds: int) -> Table:
    table = Table(title=f"Feed refresh of {feeds} feeds, per round and pass")
    for column in PASS_COLUMNS:
        table.add_column(column, justify="left" if column == "pass" else "right")
    for number, one in enumerate(rounds, 1):
        for name, mine, bare in zip(("first", "conditional"), one.ours, one.bare, strict=True):
            table.add_row(
                str(number),
                name,
                f"{mine.seconds:.2f}",
                f"{mine.feeds_per_second(feeds):.1f}",
                f"{bare.seconds:.2f}",
                f"{bare.feeds_per_second(feeds):.1f}",
                f"{mine.seconds / bare.seconds:.2f}",
                f"{mine.cpu:.2f}",
                f"{bare.cpu:.2f}",
                f"{mine.requests} ({mine.not_modified}) / {bare.requests} ({bare.not_modified})",
                f"{mine.load:.2f} / {bare.load:.2f}",
            )
    return table


def summary_table(
    rounds: list[Round], feeds: int, args: argparse.Namespace, gain: str = "not measured"
) -> Table:
    backend = "PostgreSQL" if args.postgres_url else "SQLite"
    kind = "linked pages" if args.pages else "full text in the feed, no pages"
    table = Table(
        title=f"Feed refresh: medians of {len(rounds)} rounds ({backend}, one process, "
        f"{feeds} feeds x {args.items} items, {kind}, {args.hosts} hosts)"
    )
    for column in ("pass", "ours feeds/s", "bare feeds/s", "ratio (time)", f"goal >= {GOAL:g}",
                   "2nd worker gain (first pass)", "load 1/5/15"):  # fmt: skip
        table.add_column(column, justify="left" if column == "pass" else "right")
    for index, name in enumerate(("first", "conditional")):
        mine = statistics.median(r.ours[index].seconds for r in rounds)
        bare = statistics.median(r.bare[index].seconds for r in rounds)
        rate = feeds / mine
        goal = ("met" if rate >= GOAL else "not met") if index == 1 else ""
        table.add_row(
            name,
            f"{rate:.1f}",
            f"{feeds / bare:.1f}",
            f"{mine / bare:.2f}",
            goal,
            gain if index == 0 else "",
            load_average(),
        )
    return table


def check(console: Console, rounds: list[Round], plans: list[FeedPlan], items: int) -> None:
    """Say so when a pass did not do what it should: then its time means nothing."""
    feeds, changed = len(plans), sum(p.second is not None for p in plans)
    for number, one in enumerate(rounds, 1):
        first, second = one.ours
        problems = []
        if first.statuses != Counter(ok=feeds) or first.new_entries != feeds * items:
            problems.append(f"first pass {dict(first.statuses)}, {first.new_entries} new")
        expected = Counter(ok=changed, not_modified=feeds - changed)
        if second.statuses != expected or second.new_entries != changed:
            problems.append(f"second pass {dict(second.statuses)}, {second.new_entries} new")
        if problems:
            console.print(f"[bold red]round {number}: {'; '.join(problems)}[/]")


# The profile ----------------------------------------------------------------------------


async def profile_conditional(
    console: Console, site: LocalSite, plans: list[FeedPlan], database_url: str, data: Path
) -> None:
    """A first pass, then a conditional pass under cProfile in the event loop's thread and
    in the threads ``asyncio.to_thread`` uses for it (the store's queries, tagging, dedupe
    run there): those threads are new for the pass and profiled from their first task."""
    profilers: list[cProfile.Profile] = []

    def profile_this_thread() -> None:
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()

    runtime = await Runtime.open(bench_settings(database_url, data))
    executor = ThreadPoolExecutor(initializer=profile_this_thread, thread_name_prefix="profiled")
    try:
        await actions.import_opml(runtime, opml(plans), fetch=False)
        await warm_workers(runtime)
        site.set_generation(0)
        await actions.refresh_feeds(runtime)
        site.set_generation(1)
        asyncio.get_running_loop().set_default_executor(executor)
        main = cProfile.Profile()
        cpu, start = cpu_seconds(exclude=[site.pid]), time.perf_counter()
        own = time.process_time()
        main.enable()
        report = await actions.refresh_feeds(runtime)
        main.disable()
        own = time.process_time() - own
        seconds, cpu = time.perf_counter() - start, cpu_seconds(exclude=[site.pid]) - cpu
    finally:
        await runtime.close()
        executor.shutdown(wait=True)
    console.print(
        f"Profiled conditional pass: {report.new_entries} new articles, {seconds:.2f} s wall, "
        f"{cpu:.2f} CPU s in all, of which {own:.2f} s in this process and {cpu - own:.2f} s "
        f"in the worker processes (load {load_average()}; profiling slows this process down)"
    )
    stats = pstats.Stats(main)
    for profiler in profilers:
        stats.add(profiler)
    idle = [key for key in stats.stats if key[2] == IDLE_THREAD]  # type: ignore[attr-defined]
    for key in idle:
        del stats.stats[key]  # type: ignore[attr-defined]
    console.print(
        "Top 30 by own time (event loop thread + its threads, their idle waits left out):"
    )
    stats.sort_stats("tottime").print_stats(30)
    console.print("Top 30 by cumulative time:")
    stats.sort_stats("cumulative").print_stats(30)


#: What a pool thread does while it has no task; summed over threads it says nothing.
IDLE_THREAD = "<method 'get' of '_queue.SimpleQueue' objects>"


# Main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10, help="items per feed")
    parser.add_argument("--hosts", type=int, default=8, help="loopback addresses to spread over")
    parser.add_argument("--rounds", type=int, default=1,
                        help="ours/baseline rounds, interleaved (0: only --profile)")  # fmt: skip
    parser.add_argument("--no-pages", dest="pages", action="store_false",
                        help="items without links, their text in the feed")  # fmt: skip
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--postgres", action="store_true", help="store in PostgreSQL, not SQLite")
    parser.add_argument("--postgres-url", default=None, help=f"default {POSTGRES_URL}")
    parser.add_argument("--profile", action="store_true", help="profile a conditional pass")
    parser.add_argument("--workers-gain", action="store_true",
                        help="time a first pass by one, then two `tickerwire worker` processes "
                        "on PostgreSQL (implies --postgres)")  # fmt: skip
    args = parser.parse_args()
    args.postgres = args.postgres or args.workers_gain
    console = Console(width=140)
    console.print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    if args.postgres or args.postgres_url:
        args.postgres_url = args.postgres_url or POSTGRES_URL
        problem = postgres_problem(args.postgres_url)
        if problem is not None:
            console.print(f"PostgreSQL at {args.postgres_url} is not answering: {problem}")
            return 1
    with (
        tempfile.TemporaryDirectory(prefix="tickerwire-bench-") as folder,
        LocalSite(hosts=loopback_hosts(args.hosts)) as site,
    ):
        isolate_environment(Path(folder))
        plans = plan_feeds(site, args.feeds, args.items, args.seed)
        routes = routes_for(plans, pages=args.pages)
        site.start(routes)
        size = sum(len(v[0].body) for v in routes.values()) / 1e6
        console.print(f"{len(routes)} documents ({size:.1f} MB) on {args.hosts} hosts")
        rounds = []
        for number in range(args.rounds):
            rounds.append(run_round(number, site, plans, args))
            (first, second), (bare1, bare2) = rounds[-1].ours, rounds[-1].bare
            console.print(
                f"round {number + 1}: ours {first.seconds:.1f} s + {second.seconds:.1f} s, "
                f"bare {bare1.seconds:.1f} s + {bare2.seconds:.1f} s, load {load_average()}"
            )
        gain = "with --workers-gain"
        if args.workers_gain:
            one, two = (
                workers_pass(site, plans, args.postgres_url, n, Path(folder)) for n in (1, 2)
            )
            gain = f"{one.seconds / two.seconds:.2f}x ({one.seconds:.1f} s / {two.seconds:.1f} s)"
            console.print(
                f"first pass by worker processes: one {one.seconds:.1f} s with the machine's "
                f"{os.cpu_count()} CPUs {one.busy:.0%} busy, two {two.seconds:.1f} s with them "
                f"{two.busy:.0%} busy; gain {one.seconds / two.seconds:.2f}x, at most "
                f"{1 / one.busy if one.busy else 0:.2f}x on this machine (load {load_average()})"
            )
        if rounds:
            check(console, rounds, plans, args.items)
            console.print(pass_table(rounds, args.feeds))
            console.print(summary_table(rounds, args.feeds, args, gain))
        if args.profile:
            with fresh_database(args.postgres_url) as url:
                asyncio.run(profile_conditional(console, site, plans, url, Path(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
