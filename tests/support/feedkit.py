"""Hand-made feeds and pages for continuity, interstitial and giant-field tests, and a
portal (runtime + in-process HTTP client) whose clock the test moves.

Every text here was written for these tests.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from typing import Any

import httpx

from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

START = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


class MovableClock:
    """The injected clock; tests move it forward between fetches."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass(frozen=True)
class Item:
    title: str
    description: str = ""
    guid: str | None = None
    link: str | None = None
    published: datetime | None = None


def rss(items: list[Item], *, title: str = "Harbour Wire") -> bytes:
    """An RSS 2.0 document; every text escaped, so any string can be a field."""
    parts = []
    for item in items:
        fields = [f"<title>{escape(item.title)}</title>"]
        if item.link is not None:
            fields.append(f"<link>{escape(item.link)}</link>")
        if item.guid is not None:
            fields.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        if item.published is not None:
            fields.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        fields.append(f"<description>{escape(item.description)}</description>")
        parts.append(f"<item>{''.join(fields)}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://harbour.example/</link>"
        f"<description>Test feed</description>{''.join(parts)}</channel></rss>"
    ).encode()


RSS_HEADERS = {"Content-Type": "application/rss+xml"}
HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def article_page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


LONG_PARAGRAPHS = [
    "Copper futures rose for a fourth session as a strike at a large Chilean mine entered "
    "its second week and smelters in China reported thinner stocks of concentrate.",
    "Traders said the market had underestimated how long the stoppage could last, and "
    "several banks lifted their forecasts for the first quarter of next year.",
    "Producers elsewhere in the region said they could not make up the lost tonnage "
    "quickly, since their own mills were already running close to capacity.",
]


def settings_for(database_url: str, **fetch: Any) -> Settings:
    return Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 5, **fetch},
    )


@contextlib.asynccontextmanager
async def portal(
    database_url: str, clock: MovableClock, **fetch: Any
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    """A runtime on ``database_url`` at ``clock``'s time, and a client for its pages."""
    settings = settings_for(database_url, **fetch)
    runtime = await Runtime.open(settings, clock=clock)
    app = create_app(settings, runtime=runtime)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://portal"
            ) as client,
        ):
            yield runtime, client
    finally:
        await runtime.close()
