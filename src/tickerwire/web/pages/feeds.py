"""The feeds page: every subscription with its state, last and next fetch, last error, and
what its continuity says (a gap, items not stored)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from tickerwire import humanize
from tickerwire.net.redact import redact_url
from tickerwire.news.continuity import feed_notes
from tickerwire.news.urls import safe_url
from tickerwire.runtime import Runtime
from tickerwire.web.twins import NoParams, Page, PageRequest


class FeedView(BaseModel):
    id: int
    title: str
    url: str
    site_url: str | None
    state: str
    entries: int
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    next_fetch_at: datetime
    next_fetch_text: str
    last_error: str | None
    consecutive_failures: int
    last_gap_at: datetime | None
    notes: list[str]
    """Continuity: a gap seen, items not stored, 304s no longer believed (as sentences)."""


def feeds(runtime: Runtime) -> list[FeedView]:
    now = runtime.now()
    return [
        FeedView(
            id=f.id,
            title=f.title or redact_url(f.url),
            url=redact_url(f.url),  # a subscription's credentials are not for the page
            site_url=safe_url(f.site_url),
            state=f.state,
            entries=runtime.news.entry_count(f.id),
            last_fetch_at=f.last_fetch_at,
            last_success_at=f.last_success_at,
            next_fetch_at=f.next_fetch_at,
            next_fetch_text=humanize.until(f.next_fetch_at, now),
            last_error=f.last_error,
            consecutive_failures=f.consecutive_failures,
            last_gap_at=f.last_gap_at,
            notes=feed_notes(f),
        )
        for f in runtime.news.feeds()
    ]


class FeedsPage(BaseModel):
    feeds: list[FeedView]


def build(request: PageRequest[NoParams]) -> FeedsPage:
    return FeedsPage(feeds=feeds(request.runtime))


PAGE = Page(
    name="feeds",
    path="/feeds",
    template="feeds.html",
    build=build,
    params=NoParams,
    cached=False,  # a feed's health changes with each refresh, which publishes no event
)
