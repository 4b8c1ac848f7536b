"""Ingestion speed: 300 real pages through the whole news pipeline, beside bare trafilatura.

Issue 10's goal: the whole path takes at most 1.25x the time bare trafilatura needs to
extract the same pages in one process.

Ours: a local publisher (bench/localsite.py, its own process) serves the pages and
``--feeds`` RSS feeds linking to them (a feed and its pages on one loopback address, the
feeds spread over ``--hosts`` addresses, as publishers would be). The clock runs from
``actions.subscribe`` of every feed to the end of ``actions.refresh_feeds``: fetch, parse,
extract (in the worker pool, ``workers.processes`` as configured, 2 by default), sanitize,
tag, dedupe and store, into a fresh SQLite file (or, with ``--postgres``, a fresh schema on
the test server). The worker pool is started before the clock, as a running portal's is.
The image cache is off unless ``--media``: the pages' pictures live on publishers' hosts,
which cannot be reached offline.

Baseline: ``trafilatura.bare_extraction(html, url=url, with_metadata=True)`` on the same
page bytes, one after the other in this process (no fetch, no store). Metadata is asked
for because ours also returns title, byline and dates.

The sample, fixed: of the 868 pages in ../shared/corpus/articles (see its MANIFEST.md),
each folder gives its share of 300, evenly spaced through its files sorted by name:
42 of the 121 article-extraction-benchmark pages (gzip), 30 of the 87 readability
``source.html`` pages, 228 of the 660 trafilatura pages (gzip). They are read from there
and never copied into the repository.

Rounds alternate which side runs first, and each prints the load average, since the
machine may be shared. Beside wall seconds each side's CPU seconds are printed (ours: this
process, its threads and the worker processes; not the site's server, nor PostgreSQL's):
on a busy machine the CPU ratio moves much less than the wall-clock one. With two worker
processes on two free cores ours can beat the one-process baseline on wall time while
doing more work; the CPU ratio says how much more.

``--profile`` adds a serial, in-process pass over the same pages: every stage timed where
the code calls it, with bare trafilatura on each page just before ours, then cProfile's
top functions over every third page.

    .venv/bin/python bench/ingestion.py [--rounds 3] [--processes N] [--postgres] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import trafilatura
from rich.console import Console
from rich.table import Table

import tickerwire.news.dedupe as dedupe_module
import tickerwire.news.extract.article as article_module
import tickerwire.news.pipeline as pipeline_module
from localsite import (
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
from tickerwire.news.dedupe import canonical_url
from tickerwire.news.extract.article import ExtractionError, extract_article, read_page
from tickerwire.news.extract.interstitial import interstitial_reason
from tickerwire.news.model import Entry, Feed
from tickerwire.news.pipeline import NewsPipeline
from tickerwire.runtime import Runtime
from tickerwire.store.schema import articles

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "articles"
SAMPLE = 300
GOAL = 1.25
HTML = "text/html"
RSS = "application/rss+xml"
PUBLISHED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    number: int
    source: str  # corpus folder and file, for the profile's worst pages
    html: bytes

    def path(self) -> str:
        return f"/articles/{self.number}.html"


def corpus_files(root: Path) -> dict[str, list[Path]]:
    """Every page of each corpus folder, sorted by name."""
    return {
        "article-extraction-benchmark": sorted(root.glob("article-extraction-benchmark/html/*")),
        "readability": sorted(root.glob("readability/test-pages/*/source.html")),
        "trafilatura": sorted(root.glob("trafilatura/pages/*")),
    }


def sample(root: Path, count: int = SAMPLE) -> list[tuple[str, Path]]:
    """``count`` pages, each folder's share (by its size) evenly spaced through it; the
    shares are rounded largest-remainder so they add up to ``count``."""
    folders = corpus_files(root)
    total = sum(len(files) for files in folders.values())
    exact = {name: count * len(files) / total for name, files in folders.items()}
    shares = {name: int(value) for name, value in exact.items()}
    for name in sorted(exact, key=lambda n: exact[n] - shares[n], reverse=True):
        if sum(shares.values()) >= count:
            break
        shares[name] += 1
    chosen = []
    for name, files in folders.items():
        step = len(files) / shares[name] if shares[name] else 0
        chosen += [(name, files[int(i * step)]) for i in range(shares[name])]
    return chosen


def load_pages(root: Path, count: int) -> list[Page]:
    return [
        Page(number, f"{folder}/{path.relative_to(root / folder)}", read_page(path))
        for number, (folder, path) in enumerate(sample(root, count))
    ]


def rss(title: str, items: list[tuple[str, str, datetime]]) -> bytes:
    parts = "".join(
        f"<item><title>{escape(name)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(name)}: a page of the shared corpus.</description></item>"
        for name, link, when in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://127.0.0.1/</link>"
        f"<description>Bench feed</description>{parts}</channel></rss>"
    ).encode()


def published(number: int) -> datetime:
    """Item dates a minute apart, so the schedule sees a publishing pace."""
    return PUBLISHED - timedelta(minutes=number)


@dataclass(frozen=True)
class Publisher:
    """Where the site put everything: feed URLs, and each page's URL."""

    feed_urls: list[str]
    page_urls: list[str]
    server_pid: int


def publish(site: LocalSite, pages: list[Page], feeds: int) -> Publisher:
    """Serve the pages and feeds: page ``n`` is in feed ``n % feeds``, and feed ``k`` and
    its pages are on the site's address ``k``."""
    page_urls = [site.origin(p.number % feeds) + p.path() for p in pages]
    routes: dict[str, list[Document]] = {p.path(): [Document(p.html, HTML)] for p in pages}
    for k in range(feeds):
        items = [
            (f"Page {p.number} ({p.source})", page_urls[p.number], published(p.number))
            for p in pages
            if p.number % feeds == k
        ]
        routes[f"/feeds/{k}.xml"] = [Document(rss(f"Bench feed {k}", items), RSS)]
    site.start(routes)
    feed_urls = [site.origin(k) + f"/feeds/{k}.xml" for k in range(feeds)]
    return Publisher(feed_urls, page_urls, site.pid)


@dataclass(frozen=True)
class OursRun:
    seconds: float
    cpu: float
    stored: int
    extracted: int
    failed_feeds: int


async def ours(
    publisher: Publisher, database_url: str, data_dir: Path, args: argparse.Namespace
) -> OursRun:
    """Subscribe to every feed and refresh them all, through actions, into a fresh store."""
    settings = bench_settings(database_url, data_dir, processes=args.processes, media=args.media)
    runtime = await Runtime.open(settings)
    try:
        await warm_workers(runtime)
        cpu = cpu_seconds(exclude=[publisher.server_pid])
        start = time.perf_counter()
        for url in publisher.feed_urls:
            await actions.subscribe(runtime, url, fetch=False)
        report = await actions.refresh_feeds(runtime)
        seconds = time.perf_counter() - start
        cpu = cpu_seconds(exclude=[publisher.server_pid]) - cpu
        with runtime.engine.connect() as connection:
            stored, extracted = connection.execute(
                sa.select(sa.func.count(), sa.func.count().filter(articles.c.extracted))
            ).one()
        return OursRun(seconds, cpu, int(stored), int(extracted), len(report.failed))
    finally:
        await runtime.close()


@dataclass(frozen=True)
class Timing:
    seconds: float
    cpu: float


def bare_trafilatura(pages: list[Page], urls: list[str]) -> Timing:
    """Wall and CPU seconds for trafilatura alone on the same bytes, one page after the
    other."""
    cpu = cpu_seconds()
    start = time.perf_counter()
    for page, url in zip(pages, urls, strict=True):
        try:
            trafilatura.bare_extraction(page.html, url=url, with_metadata=True)
        except Exception:  # a page it cannot read still cost its time
            continue
    return Timing(time.perf_counter() - start, cpu_seconds() - cpu)


@dataclass(frozen=True)
class Round:
    first: str
    ours: OursRun
    trafilatura: Timing
    load_ours: float
    load_trafilatura: float

    @property
    def ratio(self) -> float:
        return self.ours.seconds / self.trafilatura.seconds

    @property
    def cpu_ratio(self) -> float:
        return self.ours.cpu / self.trafilatura.cpu


def run_round(
    number: int, pages: list[Page], publisher: Publisher, args: argparse.Namespace
) -> Round:
    def run_ours() -> tuple[OursRun, float]:
        load = load_1m()
        with fresh_database(args.postgres_url) as url, tempfile.TemporaryDirectory() as data:
            return asyncio.run(ours(publisher, url, Path(data), args)), load

    def run_trafilatura() -> tuple[Timing, float]:
        load = load_1m()
        return bare_trafilatura(pages, publisher.page_urls), load

    if number % 2 == 0:
        (mine, load_mine), (theirs, load_theirs) = run_ours(), run_trafilatura()
    else:
        (theirs, load_theirs), (mine, load_mine) = run_trafilatura(), run_ours()
    first = "ours" if number % 2 == 0 else "traf."
    return Round(first, mine, theirs, load_mine, load_theirs)


ROUND_COLUMNS = (
    "round", "first", "ours s", "traf. s", "ratio", "ours CPU s", "traf. CPU s", "CPU ratio",
    "ours pages/s", "stored / extracted", "load 1m (ours / traf.)",
)  # fmt: skip


def round_table(rounds: list[Round], pages: int) -> Table:
    table = Table(title=f"Ingestion of {pages} corpus pages, per round (wall and CPU seconds)")
    for column in ROUND_COLUMNS:
        table.add_column(column, justify="left" if column == "first" else "right")
    for number, one in enumerate(rounds, 1):
        table.add_row(
            str(number),
            one.first,
            f"{one.ours.seconds:.2f}",
            f"{one.trafilatura.seconds:.2f}",
            f"{one.ratio:.2f}",
            f"{one.ours.cpu:.2f}",
            f"{one.trafilatura.cpu:.2f}",
            f"{one.cpu_ratio:.2f}",
            f"{pages / one.ours.seconds:.1f}",
            f"{one.ours.stored} / {one.ours.extracted}",
            f"{one.load_ours:.2f} / {one.load_trafilatura:.2f}",
        )
    return table


def summary_table(rounds: list[Round], pages: int, args: argparse.Namespace) -> Table:
    mine = statistics.median(r.ours.seconds for r in rounds)
    theirs = statistics.median(r.trafilatura.seconds for r in rounds)
    ratio = statistics.median(r.ratio for r in rounds)
    cpu_ratio = statistics.median(r.cpu_ratio for r in rounds)
    backend = "PostgreSQL" if args.postgres_url else "SQLite"
    processes = args.processes or bench_settings("sqlite://", Path()).workers.processes
    table = Table(
        title=f"Ingestion: medians of {len(rounds)} rounds ({backend}, {processes} worker "
        f"processes, {args.feeds} feeds on {args.hosts} hosts)"
    )
    for column in ("pages", "ours s", "trafilatura s", "ratio", f"goal <= {GOAL}", "CPU ratio",
                   "ours pages/s", "trafilatura pages/s", "load 1/5/15"):  # fmt: skip
        table.add_column(column, justify="right")
    table.add_row(
        str(pages),
        f"{mine:.2f}",
        f"{theirs:.2f}",
        f"{ratio:.2f}",
        "met" if ratio <= GOAL else "not met",
        f"{cpu_ratio:.2f}",
        f"{pages / mine:.1f}",
        f"{pages / theirs:.1f}",
        load_average(),
    )
    return table


# The profile ----------------------------------------------------------------------------


class StageClock:
    """Seconds spent in named functions, by wrapping them where they are looked up.

    A wrapper costs about a microsecond a call, so unlike cProfile (which slows
    pure-Python code such as the fingerprint loop several times over) the shares it shows
    are the real ones. Nested stages are counted in their parent too."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start

        return timed

    @contextmanager
    def patched(self, targets: Sequence[tuple[str, object, str]]) -> Iterator[None]:
        targets = [(label, owner, name) for label, owner, name in targets if hasattr(owner, name)]
        originals = [(owner, name, getattr(owner, name)) for _, owner, name in targets]
        for label, owner, name in targets:
            setattr(owner, name, self.wrap(label, getattr(owner, name)))
        try:
            yield
        finally:
            for owner, name, original in reversed(originals):
                setattr(owner, name, original)


def stage_targets(pipeline: NewsPipeline) -> list[tuple[str, object, str]]:
    """(label, where it is looked up, name): each stage as the code calls it; a name the
    code no longer has is left out (its line then shows 0)."""
    return [
        ("  trafilatura (our options)", article_module, "_body_tree"),
        ("  decode", article_module, "decode_html"),
        ("  selectolax parse", article_module, "LexborHTMLParser"),
        ("  metadata", article_module, "read_metadata"),
        ("  figures", article_module, "read_figures"),
        ("  second opinion (prose check, readability-lxml)", article_module, "_second_opinion"),
        ("  body to HTML", article_module, "_body_html"),
        ("  sanitize", article_module, "sanitize_html"),
        ("  compose body", pipeline_module, "article_body"),
        ("text_fingerprint (in record and in match_story)", dedupe_module, "text_fingerprint"),
        ("  tag", pipeline.tagger, "tag"),
        ("  story candidates query", pipeline.store, "story_candidates"),
        ("  match_story", pipeline_module, "match_story"),
        ("  save_article", pipeline.store, "save_article"),
    ]


STAGE_ORDER = [
    ("extract_article (worker process)", [
        "  trafilatura (our options)", "  decode", "  selectolax parse", "  metadata",
        "  figures", "  second opinion (prose check, readability-lxml)", "  body to HTML",
        "  sanitize",
    ]),
    ("interstitial check (loop process)", []),
    ("record: compose + fingerprint", ["  compose body"]),
    ("store_article: tag, dedupe, write", [
        "  tag", "  story candidates query", "  match_story", "  save_article",
    ]),
    ("text_fingerprint (in record and in match_story)", []),
]  # fmt: skip


def one_page(pipeline: NewsPipeline, feed: Feed, page: Page, url: str, clock: StageClock) -> None:
    """The work the pipeline does for one fetched page, minus the fetch and the waiting."""
    try:
        article = clock.wrap("extract_article (worker process)", extract_article)(
            page.html, url=url, content_type=HTML
        )
    except ExtractionError:
        article = None
    clock.wrap("interstitial check (loop process)", interstitial_reason)(
        page.html, article.text if article else None, content_type=HTML
    )
    entry = Entry(id=url, url=url, title=f"Page {page.number}", summary_html="<p>Summary</p>")
    record = clock.wrap("record: compose + fingerprint", pipeline._record)(
        entry, feed, article, url, canonical_url(url), None
    )
    clock.wrap("store_article: tag, dedupe, write", pipeline.store_article)(record)


def stage_profile(
    console: Console, pages: list[Page], urls: list[str], database_url: str, data_dir: Path
) -> None:
    """Every stage of every page in this process, one page after the other, with bare
    trafilatura on each page just before it (so load swings hit both alike); then a
    cProfile pass over every third page for the functions behind the stages.

    The real run spreads this over the event loop, its threads and the worker processes,
    where one profiler cannot follow it; serially, all of it is in one place.
    """
    feed = Feed("Bench feed", None, "", None, None, [], "rss")
    clock = StageClock()
    worst: list[tuple[float, str]] = []
    baseline = 0.0
    profiler = cProfile.Profile()
    with asyncio.Runner() as runner:
        runtime = runner.run(Runtime.open(bench_settings(database_url, data_dir)))
        try:
            with clock.patched(stage_targets(runtime.pipeline)):
                for page, url in zip(pages, urls, strict=True):
                    baseline += bare_trafilatura([page], [url]).seconds
                    began = time.perf_counter()
                    one_page(runtime.pipeline, feed, page, url, clock)
                    worst.append((time.perf_counter() - began, page.source))
            with profiled(profiler):
                for page, url in list(zip(pages, urls, strict=True))[::3]:
                    again = url.replace("/articles/", "/again/")  # a new article, not a repeat
                    one_page(runtime.pipeline, feed, page, again, StageClock())
        finally:
            runner.run(runtime.close())
    total = sum(clock.seconds[label] for label, _ in STAGE_ORDER[:-1])
    table = Table(
        title=f"Where one serial pass over {len(pages)} pages goes: {total:.1f} s, bare "
        f"trafilatura {baseline:.1f} s beside it (load {load_average()})"
    )
    for column in ("stage", "seconds", "share", "ms / page", "x trafilatura"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for parent, children in STAGE_ORDER:
        for label in [parent, *children]:
            seconds = clock.seconds[label]
            table.add_row(
                label, f"{seconds:.2f}", f"{seconds / total:.0%}",
                f"{seconds / len(pages) * 1000:.1f}", f"{seconds / baseline:.2f}",
            )  # fmt: skip
    table.add_row("all of ours", f"{total:.2f}", "100%", f"{total / len(pages) * 1000:.1f}",
                  f"{total / baseline:.2f}")  # fmt: skip
    console.print(table)
    console.print("cProfile, every third page again (a new URL), top 25 by own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    console.print("Slowest pages (our whole serial path):")
    for seconds, source in sorted(worst, reverse=True)[:8]:
        console.print(f"  {seconds:6.2f} s  {source}")


@contextmanager
def profiled(profiler: cProfile.Profile) -> Iterator[None]:
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()


# Main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=SAMPLE, help="pages in the sample")
    parser.add_argument("--rounds", type=int, default=3, help="ours/baseline rounds, interleaved")
    parser.add_argument("--feeds", type=int, default=10, help="feeds the pages are listed in")
    parser.add_argument("--hosts", type=int, default=4, help="loopback addresses serving them")
    parser.add_argument(
        "--processes", type=int, default=None, help="worker processes (default: the setting's)"
    )
    parser.add_argument("--media", action="store_true", help="fetch article images too")
    parser.add_argument("--postgres", action="store_true", help="store in PostgreSQL, not SQLite")
    parser.add_argument("--postgres-url", default=None, help=f"default {POSTGRES_URL}")
    parser.add_argument("--profile", action="store_true", help="add a serial cProfile pass")
    args = parser.parse_args()
    console = Console(width=140)
    console.print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    if not CORPUS.is_dir():
        console.print(
            f"skipped: the shared corpus is not at {CORPUS} (clone ../shared beside the repo)"
        )
        return 0
    if args.postgres or args.postgres_url:
        args.postgres_url = args.postgres_url or POSTGRES_URL
        problem = postgres_problem(args.postgres_url)
        if problem is not None:
            console.print(f"PostgreSQL at {args.postgres_url} is not answering: {problem}")
            return 1
    with tempfile.TemporaryDirectory(prefix="tickerwire-bench-") as folder:
        isolate_environment(Path(folder))
        pages = load_pages(CORPUS, args.pages)
        counts = {
            name: sum(p.source.startswith(name) for p in pages) for name in corpus_files(CORPUS)
        }
        console.print(
            f"{len(pages)} pages ({', '.join(f'{n} {name}' for name, n in counts.items())}), "
            f"{sum(len(p.html) for p in pages) / 1e6:.1f} MB"
        )
        with LocalSite(hosts=loopback_hosts(args.hosts)) as site:
            publisher = publish(site, pages, args.feeds)
            bare_trafilatura(pages[:3], publisher.page_urls[:3])  # warm: imports, lazy tables
            rounds = []
            for number in range(args.rounds):
                rounds.append(run_round(number, pages, publisher, args))
                one = rounds[-1]
                console.print(
                    f"round {number + 1}: ours {one.ours.seconds:.2f} s, trafilatura "
                    f"{one.trafilatura.seconds:.2f} s, ratio {one.ratio:.2f} (CPU "
                    f"{one.cpu_ratio:.2f}), load {load_average()}"
                )
            console.print(round_table(rounds, len(pages)))
            console.print(summary_table(rounds, len(pages), args))
            if args.profile:
                with fresh_database(args.postgres_url) as url:
                    stage_profile(console, pages, publisher.page_urls, url, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
