"""The news stages wired together: fetch -> parse -> extract -> sanitize -> tag -> dedupe ->
store.

:meth:`NewsPipeline.refresh_feed` is the one use-case function: the scheduler, the CLI and
the web app all call it, so there is no second copy of the logic behind any door. Each
stage is a plain function from its own module; this file only decides the order, what to
do when a stage fails (keep what we have, say why), and what goes in which transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tickerwire.config import Settings
from tickerwire.live.bus import Bus, Event
from tickerwire.net.errors import FetchError, HTTPStatusError
from tickerwire.net.fetch import Fetcher
from tickerwire.news.dedupe import (
    canonical_url,
    entry_identity,
    match_story,
    story_fingerprint,
    title_key,
)
from tickerwire.news.extract.article import ExtractionError, extract_article
from tickerwire.news.model import Article, ArticleTags, Entry, Feed, Figure
from tickerwire.news.parse.feed import parse_feed
from tickerwire.news.parse.rules import FeedError
from tickerwire.news.sanitize import html_to_text
from tickerwire.news.schedule import FetchOutcome, next_fetch
from tickerwire.news.tag.tagger import Tagger
from tickerwire.news.tag.topics import article_tags
from tickerwire.news.urls import safe_url
from tickerwire.store.news import ArticleRecord, EntryRecord, FeedRow, NewsStore
from tickerwire.types import Clock, utc_now

log = logging.getLogger(__name__)

STORY_WINDOW = timedelta(days=3)
LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class RefreshResult:
    feed_id: int
    url: str
    status: str  # "ok", "not_modified" or "error"
    new_entries: int = 0
    error: str | None = None
    next_fetch_at: datetime | None = None


class NewsPipeline:
    def __init__(
        self,
        store: NewsStore,
        fetcher: Fetcher,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        bus: Bus | None = None,
        tagger: Tagger | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock
        self.bus = bus
        self.tagger = tagger
        self._article_slots = asyncio.Semaphore(4)

    async def refresh_feed(self, feed: FeedRow) -> RefreshResult:
        """Fetch one feed, store its new entries and their articles, schedule the next try.

        Never raises for anything a feed or a page does: the feed's state records it.
        """
        now = self.clock()
        try:
            response = await self.fetcher.get(
                feed.url,
                max_bytes=self.settings.fetch.feed_max_bytes,
                etag=feed.etag,
                last_modified=feed.last_modified,
            )
        except FetchError as error:
            retry_after = error.retry_after if isinstance(error, HTTPStatusError) else None
            return await self._failed(feed, str(error), now, retry_after)
        if response.not_modified:
            times = await asyncio.to_thread(self.store.entry_times, feed.id)
            outcome = FetchOutcome(
                ok=True, fetched_at=now, max_age=response.max_age, entry_times=times,
                not_modified=True,
            )  # fmt: skip
            next_at = next_fetch(outcome, 0)
            await asyncio.to_thread(
                self.store.record_success, feed.id, [], now=now, next_fetch_at=next_at,
                etag=response.etag or feed.etag,
                last_modified=response.last_modified or feed.last_modified,
            )  # fmt: skip
            return RefreshResult(feed.id, feed.url, "not_modified", next_fetch_at=next_at)
        try:
            parsed = parse_feed(
                response.content,
                url=response.url,
                content_type=response.headers.get("content-type"),
            )
        except FeedError as error:
            return await self._failed(feed, f"not a readable feed: {error}", now, None)
        fresh = await self._new_entries(feed, parsed)
        records = await asyncio.gather(*(self._entry_record(e, parsed) for e in fresh))
        outcome = FetchOutcome(
            ok=True,
            fetched_at=now,
            ttl_minutes=parsed.ttl_minutes,
            max_age=response.max_age,
            entry_times=[e.published for e in parsed.entries if e.published is not None],
        )
        next_at = next_fetch(outcome, 0)
        new = await asyncio.to_thread(
            self.store.record_success, feed.id, records, now=now, next_fetch_at=next_at,
            etag=response.etag, last_modified=response.last_modified,
            title=parsed.title or None, site_url=parsed.link,
        )  # fmt: skip
        if new and self.bus is not None:
            await self.bus.publish([Event("news", str(feed.id), {"feed": feed.id, "new": new})])
        return RefreshResult(feed.id, feed.url, "ok", new_entries=new, next_fetch_at=next_at)

    async def _failed(
        self, feed: FeedRow, error: str, now: datetime, retry_after: float | None
    ) -> RefreshResult:
        outcome = FetchOutcome(ok=False, fetched_at=now, retry_after=retry_after)
        next_at = next_fetch(outcome, feed.consecutive_failures + 1)
        await asyncio.to_thread(
            self.store.record_failure, feed.id, error, now=now, next_fetch_at=next_at
        )
        log.info("feed %s failed: %s; next try %s", feed.url, error, next_at.isoformat())
        return RefreshResult(feed.id, feed.url, "error", error=error, next_fetch_at=next_at)

    async def _new_entries(self, feed: FeedRow, parsed: Feed) -> list[Entry]:
        keyed = {self._identity(e): e for e in parsed.entries}
        known = await asyncio.to_thread(self.store.known_identities, feed.id, keyed)
        return [e for key, e in keyed.items() if key not in known]

    @staticmethod
    def _identity(entry: Entry) -> str:
        return entry_identity(entry.id, entry.url, entry.title, entry.published)

    async def _entry_record(self, entry: Entry, feed: Feed) -> EntryRecord:
        async with self._article_slots:
            article_id = await self.ingest_entry(entry, feed)
        return EntryRecord(
            identity=self._identity(entry),
            guid=entry.id,
            url=entry.url,
            title=entry.title,
            summary_html=entry.summary_html or entry.content_html,
            published=entry.published,
            image_url=entry.image_url,
            authors=entry.authors,
            article_id=article_id,
        )

    async def ingest_entry(self, entry: Entry, feed: Feed) -> int:
        """The entry's article: found by URL, else fetched and extracted, else built from
        the feed's own summary (and marked so). Returns the stored article's id."""
        link = safe_url(entry.url)
        source = canonical_url(link) if link else f"urn:tickerwire:entry:{self._identity(entry)}"
        known = await asyncio.to_thread(self.store.article_id_for_url, source)
        if known is not None:
            return known
        article: Article | None = None
        final_url = link
        error: str | None = None
        if link is None:
            error = "the feed gives no link to the full article"
        else:
            try:
                response = await self.fetcher.get(
                    link, max_bytes=self.settings.fetch.page_max_bytes
                )
                final_url = response.url
                article = await asyncio.to_thread(extract_article, response.content, url=final_url)
            except (FetchError, ExtractionError) as failure:
                error = str(failure)
        record = self._record(entry, feed, article, final_url or source, source, error)
        return await asyncio.to_thread(self.store_article, record)

    def store_article(self, record: ArticleRecord) -> int:
        """The last stages for any article, fetched or not: tag, dedupe into a story, store.

        Tags come from the record's title and text before anything is written, so the
        article and its tags are saved in one transaction: no crash leaves it untagged.
        """
        tags = ArticleTags()
        if self.tagger is not None:
            tags = article_tags(self.tagger.tag(record.text, title=record.title))
        return self._store_in_story(record, tags)

    def _record(
        self,
        entry: Entry,
        feed: Feed,
        article: Article | None,
        url: str,
        source: str,
        error: str | None,
    ) -> ArticleRecord:
        summary = entry.content_html or entry.summary_html
        page_canonical = safe_url(article.canonical_url) if article else None
        canonical = canonical_url(page_canonical) if page_canonical else source
        title = (article.title if article else None) or entry.title or "(untitled)"
        extracted = article is not None and bool(article.text.strip())
        body_html = article.body_html if article and extracted else summary
        text = article.text if article and extracted else html_to_text(summary)
        lead_image = article.lead_image if article else None
        if lead_image is None and entry.image_url:
            lead_image = Figure(url=entry.image_url, caption=None, credit=None, alt=None)
        return ArticleRecord(
            canonical_url=canonical,
            url=url,
            title=title,
            title_key=title_key(title),
            byline=(article.byline if article else None) or ", ".join(entry.authors) or None,
            site_name=(article.site_name if article else None) or feed.title or None,
            lang=(article.lang if article else None) or feed.language,
            published=(article.published if article else None) or entry.published,
            updated=(article.updated if article else None) or entry.updated,
            lead_image=lead_image,
            figures=list(article.figures) if article else [],
            video=article.video if article else None,
            body_html=body_html,
            text=text,
            summary_html=summary,
            extracted=extracted,
            extraction_error=None if extracted else (error or "no article text on the page"),
            fingerprint=story_fingerprint(text),
            fetched_at=self.clock(),
        )

    def _store_in_story(self, record: ArticleRecord, tags: ArticleTags) -> int:
        now = self.clock()
        existing = self.store.article_id_for_url(record.canonical_url)
        story_id = None
        if existing is None:
            candidates = self.store.story_candidates(now - STORY_WINDOW)
            story_id = match_story(
                record.title, record.text, record.canonical_url, record.published, candidates,
                window=STORY_WINDOW,
            )  # fmt: skip
        return self.store.save_article(replace(record, story_id=story_id), tags, now=now)

    async def refresh_due(
        self,
        *,
        limit: int = 50,
        concurrency: int = 4,
        progress: Callable[[RefreshResult], None] | None = None,
    ) -> list[RefreshResult]:
        """Refresh every feed that is due and not leased by another worker."""
        now = self.clock()
        due = await asyncio.to_thread(self.store.due_feeds, now, limit)
        return await self.refresh_many(due, concurrency=concurrency, progress=progress)

    async def refresh_many(
        self,
        selected: Sequence[FeedRow],
        *,
        concurrency: int = 4,
        progress: Callable[[RefreshResult], None] | None = None,
    ) -> list[RefreshResult]:
        slots = asyncio.Semaphore(concurrency)
        results: list[RefreshResult] = []

        async def one(feed: FeedRow) -> None:
            async with slots:
                claimed = await asyncio.to_thread(
                    self.store.claim_feed, feed.id, self.clock(), LEASE
                )
                if not claimed:
                    return
                try:
                    result = await self.refresh_feed(feed)
                except BaseException:
                    # Interrupted (Ctrl-C, shutdown): give the feed back now rather than
                    # leaving it leased until the lease runs out.
                    await asyncio.shield(asyncio.to_thread(self.store.release_feed, feed.id))
                    raise
                results.append(result)
                if progress is not None:
                    progress(result)

        await asyncio.gather(*(one(f) for f in selected))
        return results

    async def run(self, stop: asyncio.Event, *, every: float = 5.0) -> None:
        """Refresh due feeds until ``stop`` is set; each feed's own schedule sets its pace."""
        while not stop.is_set():
            try:
                await self.refresh_due()
            except Exception:
                log.exception("news refresh cycle failed; trying again shortly")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except TimeoutError:
                continue
