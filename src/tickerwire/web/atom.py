"""Atom feeds out (/quote/{symbol}/news.xml, /topic/{slug}/news.xml), built with feedgen.

Entries carry the title, link, publisher and a plain-text summary, all as Atom text
constructs (feedgen escapes them once); article HTML does not leave through feeds, so
nothing here needs a second sanitizing pass. Text goes through
:func:`~tickerwire.news.text.clean_text` once more, because XML cannot carry control
characters and a row stored before they were cleaned on the way in must not break a feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator

from tickerwire.news.model import ArticleListing
from tickerwire.news.text import clean_text, one_line
from tickerwire.news.urls import safe_url

SUMMARY_CHARS = 400


def news_feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    page_url: str,
    articles: Sequence[ArticleListing],
    base_url: str,
    updated: datetime,
) -> bytes:
    generator = FeedGenerator()
    generator.id(feed_id)
    generator.title(clean_text(title))
    generator.link(href=self_url, rel="self")
    generator.link(href=page_url, rel="alternate")
    generator.updated(max((a.when for a in articles), default=updated))
    generator.generator("Tickerwire")
    for row in reversed(articles):  # feedgen prepends; keep newest first in the document
        entry = generator.add_entry()
        local = f"{base_url}/article/{row.id}"
        entry.id(local)
        entry.title(one_line(row.title))
        entry.link(href=local, rel="alternate")
        original = safe_url(row.url)
        if original:
            entry.link(href=original, rel="related")
        entry.updated(row.when)
        if row.published:
            entry.published(row.published)
        if row.site_name:
            entry.author({"name": one_line(row.site_name)})
        text = one_line(row.text)
        if text:
            entry.summary(text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else ""))
    return bytes(generator.atom_str(pretty=True))
