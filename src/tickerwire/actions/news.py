"""Subscriptions and their refreshes: subscribe, unsubscribe, refresh, OPML in and out,
pause and resume."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from tickerwire.actions.common import ActionError, Progress, Step
from tickerwire.net.errors import BlockedURL, FetchError
from tickerwire.news.parse.discovery import discover_feeds
from tickerwire.news.parse.feed import parse_feed
from tickerwire.news.parse.opml import OpmlError, parse_opml
from tickerwire.news.parse.rules import FeedError
from tickerwire.news.pipeline import RefreshResult
from tickerwire.news.urls import safe_url
from tickerwire.runtime import Runtime
from tickerwire.store.news import FeedExists, FeedRow


class AlreadySubscribed(ActionError):
    def __init__(self, feed: FeedRow) -> None:
        super().__init__(f"already subscribed to {feed.url} (feed {feed.id})")
        self.feed = feed


@dataclass(frozen=True)
class Subscription:
    """What ``subscribe`` did: the feed subscribed to, the page it was found on when the
    URL given was an HTML page, and the first fetch (None when not asked for)."""

    feed: FeedRow
    found_on: str | None
    first_fetch: RefreshResult | None

    @property
    def discovered(self) -> bool:
        return self.found_on is not None


@dataclass(frozen=True)
class RefreshReport:
    results: list[RefreshResult]
    busy: list[FeedRow]  # leased by another worker at that moment, so not fetched here

    @property
    def failed(self) -> list[RefreshResult]:
        return [r for r in self.results if r.status == "error"]

    @property
    def new_entries(self) -> int:
        return sum(r.new_entries for r in self.results)


@dataclass(frozen=True)
class Skipped:
    url: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    added: list[FeedRow]
    skipped: list[Skipped]
    refreshed: RefreshReport | None  # None when not fetched, or nothing was added
    listed: int = 0  # outlines with a feed URL in the file
    limit: int = 0  # the most one import takes (fetch.opml_max_outlines)

    @property
    def over_limit(self) -> int:
        """Outlines past the limit: not looked at, so not in ``skipped`` one by one."""
        return max(self.listed - self.limit, 0)

    @property
    def limit_note(self) -> str | None:
        """The sentence saying what the limit left out, when it left anything out."""
        if not self.over_limit:
            return None
        return (
            f"the file lists {self.listed} feeds, more than the {self.limit} one import "
            f"takes (fetch.opml_max_outlines); the last {self.over_limit} were skipped"
        )


async def subscribe(
    runtime: Runtime, url: str, *, title: str = "", fetch: bool = True
) -> Subscription:
    """Subscribe to the feed at ``url``, or to the first feed the page at ``url`` names.

    Refuses a URL that is not http(s), one already subscribed to, one the address guard
    refuses, and a page that is neither a feed nor names one. A first fetch that fails
    is no refusal: the feed stays subscribed and its schedule retries it.
    """
    target = _checked_url(url)
    await _refuse_duplicate(runtime, target)
    found_on = None
    if fetch:
        discovered = await _feed_named_by_page(runtime, target)
        if discovered is not None:
            found_on, target = target, discovered
            await _refuse_duplicate(runtime, target)
    try:
        feed = await asyncio.to_thread(
            runtime.news.add_feed, target, title=title, now=runtime.now()
        )
    except FeedExists as exists:
        raise AlreadySubscribed(exists.feed) from None
    first = None
    if fetch:
        report = await refresh_feeds(runtime, [feed])
        first = report.results[0] if report.results else None
    return Subscription(feed, found_on, first)


def _checked_url(url: str) -> str:
    checked = safe_url(url.strip())
    if checked is None:
        raise ActionError(f"{url!r} is not an http(s) URL")
    return checked


async def _refuse_duplicate(runtime: Runtime, url: str) -> None:
    existing = await asyncio.to_thread(runtime.news.feed_by_url, url)
    if existing is not None:
        raise AlreadySubscribed(existing)


async def _feed_named_by_page(runtime: Runtime, url: str) -> str | None:
    """None when ``url`` is a feed (or cannot be fetched now: the first fetch records
    why); the feed's URL when it is a page naming one."""
    try:
        response = await runtime.fetcher.get(url, max_bytes=runtime.settings.fetch.feed_max_bytes)
    except BlockedURL as error:
        raise ActionError(str(error)) from None
    except FetchError:
        return None
    try:
        content_type = response.headers.get("content-type")
        await asyncio.to_thread(
            parse_feed, response.content, url=response.url, content_type=content_type
        )
    except FeedError as error:
        found = await asyncio.to_thread(discover_feeds, response.content, base_url=response.url)
        if not found:
            raise ActionError(
                f"{url} is not a feed ({error}) and names none in a "
                '<link rel="alternate">; subscribe to the feed\'s own URL'
            ) from None
        return found[0]
    return None


def find_feed(runtime: Runtime, which: str) -> FeedRow:
    """A subscription by its id or its URL, as people refer to one."""
    if which.isdigit():
        try:
            return runtime.news.feed(int(which))
        except KeyError:
            raise ActionError(f"there is no feed with id {which}") from None
    found = runtime.news.feed_by_url(which)
    if found is None:
        raise ActionError(f"there is no subscription to {which}")
    return found


def unsubscribe(runtime: Runtime, which: str) -> FeedRow:
    """Remove a subscription (by id or URL); its stored articles stay."""
    feed = find_feed(runtime, which)
    runtime.news.remove_feed(feed.id)
    return feed


async def refresh_feeds(
    runtime: Runtime, feeds: Sequence[FeedRow] | None = None, *, progress: Progress | None = None
) -> RefreshReport:
    """Fetch ``feeds`` (every subscription not paused, by default) now, each under its
    lease, so a worker refreshing the same feed at the same moment is never doubled. A
    paused feed named in ``feeds`` is fetched: that is an admin's "refresh now"."""
    if feeds is not None:
        chosen = list(feeds)
    else:
        chosen = [f for f in await asyncio.to_thread(runtime.news.feeds) if not f.paused]
    done = 0

    def advance(result: RefreshResult) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(Step(done, len(chosen), result.url))

    results = await runtime.pipeline.refresh_many(chosen, progress=advance)
    fetched = {r.feed_id for r in results}
    return RefreshReport(results, [f for f in chosen if f.id not in fetched])


async def import_opml(
    runtime: Runtime, content: bytes, *, fetch: bool = True, progress: Progress | None = None
) -> ImportReport:
    """Subscribe to the feeds an OPML document lists, then fetch the new ones together.

    At most ``fetch.opml_max_outlines`` outlines are taken, in file order; the report says
    how many more there were. Each URL gets the checks :func:`subscribe` makes before it
    fetches (an http(s) URL, not subscribed to yet); refused ones are skipped, each with
    why (the parser already keeps one outline per URL). All subscriptions are written in
    one transaction, so an import that is killed or fails leaves all of them, or none.
    """
    limit = runtime.settings.fetch.opml_max_bytes
    if len(content) > limit:
        raise ActionError(
            f"the OPML file has {len(content)} bytes, more than the {limit}-byte limit "
            "(fetch.opml_max_bytes)"
        )
    try:
        outlines = parse_opml(content)
    except OpmlError as error:
        raise ActionError(f"not a readable OPML file: {error}") from None
    most = runtime.settings.fetch.opml_max_outlines
    wanted: dict[str, str] = {}
    skipped: list[Skipped] = []
    for outline in outlines[:most]:
        try:
            url = _checked_url(outline.xml_url)
        except ActionError as refusal:
            skipped.append(Skipped(outline.xml_url, str(refusal)))
            continue
        wanted.setdefault(url, outline.title)
    added, existing = await asyncio.to_thread(
        runtime.news.add_feeds, list(wanted.items()), now=runtime.now()
    )
    skipped += [Skipped(feed.url, str(AlreadySubscribed(feed))) for feed in existing]
    refreshed = await refresh_feeds(runtime, added, progress=progress) if fetch and added else None
    return ImportReport(added, skipped, refreshed, listed=len(outlines), limit=most)


def pause_feed(runtime: Runtime, which: str) -> FeedRow:
    """Pause a subscription (by id or URL): no schedule and no "refresh everything" fetches
    it until it is resumed; its stored articles stay, and "refresh now" still fetches it."""
    feed = find_feed(runtime, which)
    runtime.news.set_paused(feed.id, True)
    return runtime.news.feed(feed.id)


def resume_feed(runtime: Runtime, which: str) -> FeedRow:
    """Resume a paused subscription: it is fetched again on its schedule (at once, if its
    time came while it was paused)."""
    feed = find_feed(runtime, which)
    runtime.news.set_paused(feed.id, False)
    return runtime.news.feed(feed.id)


def export_subscriptions(runtime: Runtime) -> bytes:
    """Every subscription as an OPML document, paused ones included."""
    from tickerwire.news.parse.opml import export_opml

    rows = [(f.title or f.url, f.url, f.site_url) for f in runtime.news.feeds()]
    return export_opml(rows, title="Tickerwire subscriptions")
