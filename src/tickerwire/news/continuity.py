"""What one full fetch of a feed says about what we have: new items, edited items, a gap,
and whether the feed's 304s can be believed.

Pure: the pipeline looks up which identities are stored and hands them in; this module
only decides, so each rule is tested on its own (tests/news/test_continuity.py) and the
pipeline stays a list of steps. :func:`feed_notes` words what was found, once, for the
feeds page and ``feeds list``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tickerwire.news.dedupe import entry_identities
from tickerwire.news.model import Entry
from tickerwire.store.feeds import FeedRow, KnownEntry, content_hash


@dataclass(frozen=True)
class FeedState:
    """What the store knew of the feed before this fetch."""

    had_entries: bool
    conditional: bool  # this fetch sent ETag / Last-Modified
    not_modified_count: int  # 304s in a row before this fetch
    validators_trusted: bool


@dataclass(frozen=True)
class Reading:
    """``fresh`` and ``edited`` are ``(identity, entry)`` pairs in feed order."""

    fresh: list[tuple[str, Entry]]
    edited: list[tuple[str, Entry]]
    gap: bool
    validators_trusted: bool


def identify(entries: Sequence[Entry]) -> list[tuple[str, Entry]]:
    """Each entry with its identity; repeats of one identity (the same item listed twice)
    fold into the first."""
    seen: dict[str, Entry] = {}
    for identity, entry in zip(entry_identities(entries), entries, strict=True):
        seen.setdefault(identity, entry)
    return list(seen.items())


def read_fetch(
    identified: Sequence[tuple[str, Entry]], known: Mapping[str, KnownEntry], state: FeedState
) -> Reading:
    """Sort the feed's items into new and edited, and judge the fetch.

    - An item is *edited* when it is stored under the same identity (same link, or same
      GUID without a link) but its title or summary differ from what we stored.
    - A *gap*: the feed lists items, we had some, and it lists none of them. More arrived
      since the last fetch than the feed shows, so some were missed.
    - *Lying validators*: an unconditional fetch after 304s brought new items, so those
      304s hid them; the feed's validators are not trusted again.
    """
    fresh = [(key, entry) for key, entry in identified if key not in known]
    edited = [
        (key, entry)
        for key, entry in identified
        if key in known and known[key].content_hash != _says(entry)
    ]
    gap = state.had_entries and bool(identified) and len(fresh) == len(identified)
    lied = not state.conditional and state.not_modified_count > 0 and bool(fresh)
    return Reading(fresh, edited, gap, state.validators_trusted and not lied)


def _says(entry: Entry) -> str:
    """An entry's content hash, as the store works it out for what it keeps."""
    return content_hash(entry.title, entry.summary_html or entry.content_html)


def feed_notes(feed: FeedRow) -> list[str]:
    """What a reader of the feeds list should know about a feed's continuity, as
    sentences: a gap (when it was seen), items the last fetch could not store, 304s that
    are no longer believed, and what the last fetch cut as over its budgets."""
    notes = []
    if feed.last_gap_at is not None:
        when = feed.last_gap_at.strftime("%Y-%m-%d %H:%M UTC")
        notes.append(
            f"Entries may be missing: at {when} the feed listed none of the entries stored "
            "before, so more were published between two fetches than it shows; it is "
            "fetched more often until it overlaps again."
        )
    if feed.unstored_items:
        items = "item" if feed.unstored_items == 1 else "items"
        notes.append(
            f"The last fetch could not store {feed.unstored_items} {items}; the next fetch "
            "tries again."
        )
    if not feed.validators_trusted:
        notes.append('Its "not modified" answers hid new entries, so it is always fetched in full.')
    if feed.last_cuts:
        notes.append(f"The last fetch left part of the feed out: {feed.last_cuts}.")
    return notes
