"""What a parsed feed is, whatever its format, and the rules every format's entries obey.

The rules live here so RSS/Atom and JSON Feed cannot drift apart: an entry always has an id
that is unique within its feed (publishers reuse GUIDs, or omit them), dates are aware UTC
and never far in the future (a feed dated 2099 would otherwise sit on top forever), and a
huge feed is cut to its newest entries before the expensive per-entry work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import TypeVar

from tickerwire.news.model import Entry

T = TypeVar("T")

FUTURE_TOLERANCE = timedelta(days=1)
_OLDEST = datetime.min.replace(tzinfo=UTC)


class FeedError(Exception):
    """The document is not a feed we can read; the message says why, for a person."""


def fallback_id(title: str, published: datetime | None, salt: str = "") -> str:
    """An id for an entry without GUID or link: stable while its title and date are."""
    stamp = published.isoformat() if published else ""
    digest = sha256(f"{salt}\n{title}\n{stamp}".encode()).hexdigest()
    return f"urn:sha256:{digest[:40]}"


def not_in_future(moment: datetime | None, now: datetime) -> datetime | None:
    """Clamp a date more than a day ahead of ``now`` to ``now``."""
    if moment is not None and moment > now + FUTURE_TOLERANCE:
        return now
    return moment


def newest(items: Sequence[T], limit: int, date: Callable[[T], datetime | None]) -> list[T]:
    """The ``limit`` newest items by ``date`` (undated count as oldest), in document order."""
    if len(items) <= limit:
        return list(items)
    ranked = sorted(range(len(items)), key=lambda i: date(items[i]) or _OLDEST, reverse=True)
    return [items[i] for i in sorted(ranked[: max(limit, 0)])]


def has_substance(entry: Entry) -> bool:
    """Whether an entry has anything to show; a truncated feed ends in one that has not."""
    return bool(
        entry.title
        or entry.url
        or entry.summary_html
        or entry.content_html
        or entry.enclosures
        or entry.published
        or entry.authors
        or entry.categories
    )


def unique_ids(entries: Sequence[Entry]) -> list[Entry]:
    """Give entries that share an id (a reused GUID) one of their own; drop true repeats.

    A shared id is replaced by the entry's link when that link is unique in the feed,
    otherwise by a hash of the shared id, title and date. What still collides after that
    is the same entry twice, and only its first copy is kept.
    """
    id_counts = Counter(entry.id for entry in entries)
    url_counts = Counter(entry.url for entry in entries if entry.url)
    kept: list[Entry] = []
    seen: set[str] = set()
    for entry in entries:
        if id_counts[entry.id] > 1:
            if entry.url and url_counts[entry.url] == 1:
                entry = replace(entry, id=entry.url)
            else:
                entry = replace(entry, id=fallback_id(entry.title, entry.published, entry.id))
        if entry.id not in seen:
            seen.add(entry.id)
            kept.append(entry)
    return kept
