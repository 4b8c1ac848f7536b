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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tickerwire.config import Settings
from tickerwire.live.bus import Bus, Event
from tickerwire.media.proxy import MediaProxy
from tickerwire.net.errors import FetchError, HTTPStatusError
from tickerwire.net.fetch import Fetcher
from tickerwire.net.redact import redact, redact_url
from tickerwire.news.compose import article_body
from tickerwire.news.continuity import FeedState, Reading, identify, read_fetch
from tickerwire.news.dedupe import (
    canonical_url,
    entry_identities,
    match_story,
    story_fingerprint,
    title_key,
)
from tickerwire.news.extract.interstitial import (
    next_retry,
    refusal_reason,
    unavailable,
)
from tickerwire.news.model import Article, ArticleTags, Entry, Feed, Figure
from tickerwire.news.parse.rules import FeedError
from tickerwire.news.sanitize import ImageLinks, html_to_text
from tickerwire.news.schedule import FetchOutcome, host_backoff, next_fetch, send_validators
from tickerwire.news.tag.tagger import Tagger
from tickerwire.news.tag.topics import article_tags
from tickerwire.news.urls import safe_url
from tickerwire.news.workers import DocumentWorkers
from tickerwire.store.limits import KEY_MAX_CHARS, TEXT_MAX_CHARS, cut, fit_article, key_hash
from tickerwire.store.news import (
    ArticleRecord,
    Continuity,
    EntryRecord,
    FeedRow,
    NewsStore,
    PendingFullText,
)
from tickerwire.types import Clock, utc_now

log = logging.getLogger(__name__)

STORY_WINDOW = timedelta(days=3)
MAX_IMAGES_KEPT = 20
"""Pictures of one article fetched into the image cache at ingest; a gallery of hundreds
waits for its readers."""
LEASE = timedelta(minutes=10)


REFRESH_STATUSES = ("ok", "not_modified", "error", "waiting")


@dataclass(frozen=True)
class RefreshResult:
    feed_id: int
    url: str
    status: str  # one of REFRESH_STATUSES; "waiting": its host asked us to wait
    new_entries: int = 0
    error: str | None = None
    next_fetch_at: datetime | None = None
    cuts: tuple[str, ...] = ()
    """What the parsing budgets left out of the feed (news/budget.py), as sentences."""


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
        workers: DocumentWorkers | None = None,
        media: MediaProxy | None = None,
    ) -> None:
        self.store = store
        #: The portal's image path: stored bodies point at its signed paths, and an article's
        #: pictures are fetched into it when the article is stored. None: images link out.
        self.media = media
        self.images: ImageLinks | None = media.path if media is not None else None
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock
        self.bus = bus
        self.tagger = tagger
        self._article_slots = asyncio.Semaphore(4)
        #: Feed refreshes this process has done, by status, for /metrics. Every refresh,
        #: the scheduler's and every door's, goes through :meth:`refresh_many`.
        self.refreshes: Counter[str] = Counter(dict.fromkeys(REFRESH_STATUSES, 0))
        #: Feeds are parsed and pages extracted there, off the loop and out of this process.
        self.workers = workers or DocumentWorkers(settings.workers)

    async def refresh_feed(self, feed: FeedRow) -> RefreshResult:
        """Fetch one feed, store its new entries and their articles, schedule the next try.

        Never raises for anything a feed or a page does: the feed's state records it.
        """
        now = self.clock()
        waiting = await asyncio.to_thread(self.store.host_retry_at, feed.host, now)
        if waiting is not None:
            # A 429 or Retry-After from this host holds every feed on it; none is asked now.
            await asyncio.to_thread(self.store.release_feed, feed.id)
            return RefreshResult(feed.id, feed.url, "waiting", next_fetch_at=waiting)
        conditional = send_validators(
            trusted=feed.validators_trusted, not_modified_count=feed.not_modified_count,
            last_full_fetch_at=feed.last_full_fetch_at, now=now,
        )  # fmt: skip
        try:
            response = await self.fetcher.get(
                feed.url,
                max_bytes=self.settings.fetch.feed_max_bytes,
                etag=feed.etag if conditional else None,
                last_modified=feed.last_modified if conditional else None,
            )
        except FetchError as error:
            refused = error if isinstance(error, HTTPStatusError) else None
            retry_after = refused.retry_after if refused else None
            status = refused.status if refused else None
            return await self._failed(feed, str(error), now, retry_after, status)
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
                continuity=Continuity(
                    full_fetch=False, validators_trusted=feed.validators_trusted
                ),
            )  # fmt: skip
            return RefreshResult(feed.id, feed.url, "not_modified", next_fetch_at=next_at)
        try:
            parsed_feed = await self.workers.parse_feed(
                response.content,
                url=response.url,
                content_type=response.headers.get("content-type"),
            )
        except FeedError as error:
            return await self._failed(feed, f"not a readable feed: {error}", now, None)
        parsed, cuts = parsed_feed.feed, tuple(parsed_feed.cuts)
        if cuts:
            log.warning("feed %s: %s", redact_url(feed.url), "; ".join(cuts))
        reading = await self._read(feed, parsed, conditional=conditional)
        ingested = await asyncio.gather(
            *(self._entry_record(key, e, parsed) for key, e in reading.fresh),
            *(self._entry_record(key, e, parsed, edited=True) for key, e in reading.edited),
        )
        records = [record for record in ingested if record is not None]
        outcome = FetchOutcome(
            ok=True,
            fetched_at=now,
            ttl_minutes=parsed.ttl_minutes,
            max_age=response.max_age,
            entry_times=[e.published for e in parsed.entries if e.published is not None],
            gap=reading.gap,
        )
        next_at = next_fetch(outcome, 0)
        continuity = Continuity(
            gap=reading.gap, unstored=len(ingested) - len(records),
            validators_trusted=reading.validators_trusted, cuts=cuts,
        )  # fmt: skip
        new = await asyncio.to_thread(
            self.store.record_success, feed.id, records, now=now, next_fetch_at=next_at,
            etag=response.etag, last_modified=response.last_modified,
            title=parsed.title or None, site_url=parsed.link, continuity=continuity,
        )  # fmt: skip
        if new and self.bus is not None:
            await self.bus.publish([Event("news", str(feed.id), {"feed": feed.id, "new": new})])
        return RefreshResult(
            feed.id, feed.url, "ok", new_entries=new, next_fetch_at=next_at, cuts=cuts
        )

    async def _failed(
        self,
        feed: FeedRow,
        error: str,
        now: datetime,
        retry_after: float | None,
        status: int | None = None,
    ) -> RefreshResult:
        error = redact(error)
        outcome = FetchOutcome(ok=False, fetched_at=now, retry_after=retry_after, status=status)
        failures = feed.consecutive_failures + 1
        next_at = next_fetch(outcome, failures)
        await asyncio.to_thread(
            self.store.record_failure, feed.id, error, now=now, next_fetch_at=next_at,
            host_backoff=host_backoff(outcome, failures),
        )  # fmt: skip
        log.info(
            "feed %s failed: %s; next try %s", redact_url(feed.url), error, next_at.isoformat()
        )
        return RefreshResult(feed.id, feed.url, "error", error=error, next_fetch_at=next_at)

    async def _read(self, feed: FeedRow, parsed: Feed, *, conditional: bool) -> Reading:
        """The feed's items against what we have: new, edited, a gap (news/continuity.py)."""
        identified = identify(parsed.entries)
        keys = [key for key, _ in identified]
        known = await asyncio.to_thread(self.store.known_entries, feed.id, keys)
        had = bool(known) or await asyncio.to_thread(self.store.entry_count, feed.id) > 0
        state = FeedState(
            had_entries=had, conditional=conditional,
            not_modified_count=feed.not_modified_count,
            validators_trusted=feed.validators_trusted,
        )  # fmt: skip
        return read_fetch(identified, known, state)

    async def _entry_record(
        self, identity: str, entry: Entry, feed: Feed, *, edited: bool = False
    ) -> EntryRecord | None:
        """The entry with its stored article; None when the article could not be stored.
        Such an entry is left out, so one bad item costs no other, and the next fetch
        tries it again (the feed counts it meanwhile)."""
        try:
            async with self._article_slots:
                article_id = await self.ingest_entry(entry, feed, identity=identity, reread=edited)
        except Exception:
            log.exception("entry %.200s: its article could not be stored", identity)
            return None
        return EntryRecord(
            identity=identity,
            guid=entry.id,
            url=entry.url,
            title=entry.title,
            summary_html=entry.summary_html or entry.content_html,
            published=entry.published,
            image_url=entry.image_url,
            authors=entry.authors,
            article_id=article_id,
        )

    async def ingest_entry(
        self, entry: Entry, feed: Feed, *, identity: str | None = None, reread: bool = False
    ) -> int:
        """The entry's article: found by URL (unless ``reread``: the entry was edited at
        the source), else fetched and extracted, else built from the feed's own summary
        (and marked so; a page that was an interstitial gets a time to try it again).
        Returns the stored article's id."""
        link = safe_url(entry.url)
        source = canonical_url(link) if link else _entry_urn(identity or _identity(entry))
        if not reread:
            known = await asyncio.to_thread(self.store.article_id_for_url, source)
            if known is not None:
                return known
        if link is None:
            page = _Page(None, None, "the feed gives no link to the full article")
        else:
            page = await self._read_page(link)
        record = await asyncio.to_thread(
            self._record, entry, feed, page.article, page.url or source, source, page.error
        )
        retry_at = next_retry(0, self.clock()) if page.retry else None
        article_id = await asyncio.to_thread(self.store_article, replace(record, retry_at=retry_at))
        await self._keep_images(record)
        return article_id

    async def _keep_images(self, record: ArticleRecord) -> None:
        """Fetch the article's pictures into the portal's image cache now, while the
        publisher answers, so the page shows them later even when it no longer does."""
        if self.media is None:
            return
        urls = [f.url for f in (record.lead_image, *record.figures) if f is not None]
        if record.video is not None and record.video.thumbnail:
            urls.insert(1, record.video.thumbnail)  # "Now watch" shows it beside the lead
        await asyncio.gather(
            *(self.media.image(url) for url in dict.fromkeys(urls[:MAX_IMAGES_KEPT])),
            return_exceptions=True,  # a disk that fills up costs the pictures, not the article
        )

    async def _read_page(self, link: str) -> _Page:
        """An article page fetched and extracted. A page that is an interstitial (a bot
        check, a consent, pay or login wall), or refused with 401, 403 or 429, gives no
        article but the reason, to be tried again later."""
        try:
            response = await self.fetcher.get(link, max_bytes=self.settings.fetch.page_max_bytes)
        except HTTPStatusError as refused:
            reason = refusal_reason(refused.status)
            if reason is None:
                return _Page(None, link, str(refused))
            return _Page(None, link, f"{unavailable(reason)} (HTTP {refused.status})", retry=True)
        except FetchError as failure:
            return _Page(None, link, str(failure))
        reading = await self.workers.read_page(
            response.content, url=response.url, content_type=response.headers.get("content-type")
        )
        if reading.interstitial is not None:
            return _Page(None, response.url, unavailable(reading.interstitial), retry=True)
        return _Page(reading.article, response.url, reading.error)

    async def retry_full_texts(self, *, limit: int = 20) -> int:
        """Fetch again the pages that were interstitials and are due; returns how many
        gave their full text this time."""
        due = await asyncio.to_thread(self.store.full_texts_due, self.clock(), limit)
        return sum([await self._retry_full_text(pending) for pending in due])

    async def _retry_full_text(self, pending: PendingFullText) -> bool:
        stored = pending.article
        page = await self._read_page(stored.url)
        if page.article is None or not page.article.text.strip():
            error = page.error or "no article text on the page"
            retry_at = next_retry(pending.retries + 1, self.clock())
            await asyncio.to_thread(self.store.postpone_full_text, stored.id, error, retry_at)
            return False
        # The article as the feed gave it, read again with its page's full text.
        entry = Entry(
            id=stored.canonical_url, url=stored.url, title=stored.title,
            summary_html=stored.summary_html, published=stored.published,
            updated=stored.updated, authors=[stored.byline] if stored.byline else [],
        )  # fmt: skip
        feed = Feed(stored.site_name or "", None, "", stored.lang, None, [], "stored")
        record = await asyncio.to_thread(
            self._record, entry, feed, page.article, page.url or stored.url,
            stored.canonical_url, None,
        )  # fmt: skip
        record = replace(record, canonical_url=stored.canonical_url)
        await asyncio.to_thread(self.store_article, record)
        return True

    def store_article(self, record: ArticleRecord) -> int:
        """The last stages for any article, fetched or not: tag, dedupe into a story, store.

        Tags come from the record's title and text before anything is written, so the
        article and its tags are saved in one transaction: no crash leaves it untagged.
        """
        record = fit_article(record)  # tag only what will be stored
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
        body_html = (
            article_body(article.body_html, article.figures, base_url=url, images=self.images)
            if article and extracted
            else article_body(summary, [], base_url=url, images=self.images)
        )
        text = article.text if article and extracted else html_to_text(summary)
        text = cut(text, TEXT_MAX_CHARS)  # all the store keeps, so all worth fingerprinting
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
            candidates = self.store.story_candidates(
                now - STORY_WINDOW,
                title_key=record.title_key,
                canonical_url=record.canonical_url,
                fingerprint=record.fingerprint,
            )
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
        results = await self.refresh_many(due, concurrency=concurrency, progress=progress)
        await self.retry_full_texts()
        return results

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
                claiming = asyncio.ensure_future(
                    asyncio.to_thread(self.store.claim_feed, feed.id, self.clock(), LEASE)
                )
                try:
                    claimed = await asyncio.shield(claiming)
                except BaseException:
                    # Interrupted while the claim was being written: it still lands, so
                    # wait for it and give back what it took.
                    if await claiming:
                        await asyncio.shield(asyncio.to_thread(self.store.release_feed, feed.id))
                    raise
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
                self.refreshes[result.status] += 1
                if progress is not None:
                    progress(result)

        await asyncio.gather(*(one(f) for f in selected))
        return results


@dataclass(frozen=True)
class _Page:
    """What reading an article page gave: the article, or why not (``retry``: the page
    was an interstitial, worth fetching again later)."""

    article: Article | None
    url: str | None
    error: str | None
    retry: bool = False


def _identity(entry: Entry) -> str:
    return entry_identities([entry])[0]


def _entry_urn(identity: str) -> str:
    """The key of an article known only from its feed entry; an identity too long to be
    an address (a 1 MB GUID) is named by its hash."""
    key = identity if len(identity) <= KEY_MAX_CHARS else f"sha256:{key_hash(identity)}"
    return f"urn:tickerwire:entry:{key}"
