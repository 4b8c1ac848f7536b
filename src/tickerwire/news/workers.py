"""Strangers' documents are parsed and extracted in worker processes, never in the server's.

Why: extraction threads inside trafilatura/lxml crashed the whole process (SIGSEGV, glibc
heap-corruption aborts) on real pages, and parsing a 200,000-item feed or sanitizing HTML
nested tens of thousands deep held the event loop for tens of seconds, so one document
could stop or kill the portal. Here each document is one task of a pebble
:class:`~pebble.ProcessPool`:

- a worker that dies fails only the task it was running and is replaced by the pool; that
  document is tried once more, and if its worker dies again it is refused with a sentence
  saying so (:class:`~tickerwire.news.extract.article.ExtractionError` for a page,
  :class:`~tickerwire.news.parse.rules.FeedError` for a feed); a pool whose workers all
  died at once is replaced, without counting that against the document it was running;
- a task over its time budget has its worker killed (the only way to stop a parser stuck
  in C) and is refused the same way, without a retry: it would only run out again;
- the event loop only awaits; it never parses.

Workers start from a fork server that has imported the parsers once, so replacing a dead
worker is a fork, not a fresh interpreter, and never forks the server's own threads.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TypeVar

from pebble import ProcessExpired, ProcessPool

from tickerwire.config import WorkerSettings
from tickerwire.news import budget
from tickerwire.news.extract.article import ExtractionError, extract_article
from tickerwire.news.extract.interstitial import interstitial_reason
from tickerwire.news.model import Article, Feed
from tickerwire.news.parse.feed import parse_feed
from tickerwire.news.parse.rules import FeedError

__all__ = ["DocumentWorkers", "PageReading", "ParsedFeed"]

T = TypeVar("T")
_PRELOADED = ["tickerwire.news.workers"]
_MAX_ATTEMPTS = 4
"""A document's worker may die once and be retried; a broken pool (every worker gone at
once) is not held against the document, but no document gets more tries than this."""


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed and, as sentences, what the budgets cut from it."""

    feed: Feed
    cuts: list[str]


def parse_within_budget(
    content: bytes, url: str, content_type: str | None, max_entries: int
) -> ParsedFeed:
    """Runs in a worker: the feed, with what :mod:`tickerwire.news.budget` left out."""
    with budget.recording() as cuts:
        feed = parse_feed(content, url=url, content_type=content_type, max_entries=max_entries)
    return ParsedFeed(feed, cuts)


@dataclass(frozen=True)
class PageReading:
    """An article page as a worker read it: its article or why there is none, and what the
    page is when it is no article at all (a bot check, a consent, pay or login wall)."""

    article: Article | None
    error: str | None
    interstitial: str | None


def read_page_within_budget(
    content: bytes, url: str, content_type: str | None = None
) -> PageReading:
    """Runs in a worker: the article of one page (``content_type`` carries its charset),
    then the interstitial check, which parses the page too and so belongs here as well."""
    try:
        article: Article | None = extract_article(content, url=url, content_type=content_type)
        error = None
    except ExtractionError as failure:
        article, error = None, str(failure)
    text = article.text if article is not None else None
    return PageReading(
        article, error, interstitial_reason(content, text, content_type=content_type)
    )


class DocumentWorkers:
    """The process's worker pool; started on first use, stopped by :meth:`close`."""

    def __init__(self, settings: WorkerSettings) -> None:
        self._settings = settings
        self._pool: ProcessPool | None = None

    async def parse_feed(
        self, content: bytes, *, url: str, content_type: str | None, max_entries: int = 500
    ) -> ParsedFeed:
        """:func:`~tickerwire.news.parse.feed.parse_feed` in a worker; raises ``FeedError``."""
        job = _Job("the feed", "parse", self._settings.parse_seconds, FeedError)
        return await self._run(job, parse_within_budget, content, url, content_type, max_entries)

    async def read_page(
        self, content: bytes, *, url: str, content_type: str | None = None
    ) -> PageReading:
        """:func:`read_page_within_budget` in a worker. A page whose worker crashed or ran
        out of time is a reading with that error and no article."""
        job = _Job("the page", "extract", self._settings.extract_seconds, ExtractionError)
        try:
            return await self._run(job, read_page_within_budget, content, url, content_type)
        except ExtractionError as failure:
            return PageReading(None, str(failure), None)

    def close(self) -> None:
        """Stop the workers, ending any task still running."""
        if self._pool is not None:
            self._pool.stop()  # type: ignore[no-untyped-call]
            self._pool.join()
            self._pool = None

    async def _run(self, job: _Job, function: Callable[..., T], *args: object) -> T:
        crashes, deaths = 0, list[str]()
        while crashes < 2 and len(deaths) < _MAX_ATTEMPTS:
            pool = self._workers()
            future = pool.schedule(function, args=args, timeout=job.seconds)
            try:
                return await asyncio.wrap_future(future)
            except ProcessExpired as crash:  # this document's worker died
                crashes += 1
                deaths.append(_death(crash))
            except BrokenProcessPool:
                # Workers died faster than pebble replaces them, maybe not over this
                # document: start a new pool and try again without blaming it.
                deaths.append("its worker pool broke")
                self._discard(pool)
            except TimeoutError:
                raise job.error(
                    f"{job.what} took longer than the {job.seconds:g} s budget to {job.verb}"
                ) from None
        raise job.error(
            f"{job.what} made its worker crash {len(deaths)} times ({deaths[-1]}) while we "
            f"tried to {job.verb} it"
        )

    def _discard(self, pool: ProcessPool) -> None:
        if self._pool is pool:
            self._pool = None
            pool.stop()  # type: ignore[no-untyped-call]

    def _workers(self) -> ProcessPool:
        if self._pool is None or not self._pool.active:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOADED)
            self._pool = ProcessPool(max_workers=self._settings.processes, context=context)
        return self._pool


@dataclass(frozen=True)
class _Job:
    """One kind of document work: how its refusals are worded, its budget, its error."""

    what: str
    verb: str
    seconds: float
    error: type[Exception]


def _death(crash: ProcessExpired) -> str:
    code = crash.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
