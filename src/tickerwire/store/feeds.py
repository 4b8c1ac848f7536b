"""Feeds, their fetch state and their entries, and the back-off each host asked for.

A feed's ETag and Last-Modified are written in the same transaction as its new entries: if
the process dies before that commit, the next fetch is unconditional and sees them again.
Within that transaction each entry is written under its own savepoint, so an entry the
database refuses costs only itself (it is counted on the feed and tried on the next fetch).

Feed URLs and entry identities are looked up by :func:`~tickerwire.store.limits.key_hash`,
never by their text, which a feed controls and which can be any length.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from tickerwire.store.limits import (
    NOTE_MAX_CHARS,
    SUMMARY_MAX_CHARS,
    TITLE_MAX_CHARS,
    cut,
    cut_html,
    fit_entry,
    key_hash,
)
from tickerwire.store.records import EntryRecord
from tickerwire.store.schema import entries, feeds, host_backoffs, settings_state
from tickerwire.store.upsert import new_id, upsert

log = logging.getLogger(__name__)


def host_of(url: str) -> str:
    """The host a feed's requests go to (``name:port`` when a port is given), lower-cased:
    what a publisher's back-off applies to."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    return (f"{host}:{port}" if port is not None else host)[:255]


def content_hash(title: str, summary_html: str) -> str:
    """What an entry says (as the store keeps it, within the limits), as a hash: a
    different one on the next fetch is an edit at the source."""
    kept = f"{cut(title, TITLE_MAX_CHARS)}\n{cut_html(summary_html, SUMMARY_MAX_CHARS)}"
    return key_hash(kept)


@dataclass(frozen=True)
class FeedRow:
    id: int
    url: str
    title: str
    site_url: str | None
    etag: str | None
    last_modified: str | None
    added_at: datetime
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    next_fetch_at: datetime
    last_error: str | None
    consecutive_failures: int
    host: str
    last_gap_at: datetime | None
    unstored_items: int
    not_modified_count: int
    last_full_fetch_at: datetime | None
    validators_trusted: bool
    last_cuts: str | None
    """What the last full fetch left out of the feed and why (over its budgets)."""
    paused: bool = False
    """An admin paused it: schedules and "refresh everything" leave it alone."""

    @property
    def state(self) -> str:
        if self.paused:
            return "paused"
        if self.consecutive_failures:
            return "error"
        return "ok" if self.last_success_at else "new"


@dataclass(frozen=True)
class Continuity:
    """What a successful fetch learnt about the feed's continuity, saved with its entries.

    ``full_fetch`` is False after a 304. ``gap`` says the feed showed none of the entries
    we had, so some were missed; ``unstored`` counts entries whose article could not be
    stored (they are tried again on the next fetch); ``validators_trusted`` is False once
    the feed's 304s were caught hiding new entries.
    """

    full_fetch: bool = True
    gap: bool = False
    unstored: int = 0
    validators_trusted: bool = True
    cuts: tuple[str, ...] = ()
    """What the fetch left out of the feed, in sentences (news/budget.py)."""


@dataclass(frozen=True)
class KnownEntry:
    """An entry already stored, as a refresh compares it with the feed's current item."""

    content_hash: str
    article_id: int | None


_FEED_COLUMNS = [c.name for c in feeds.columns if c.name not in ("lease_until", "url_hash")]


def _feed(row: Any) -> FeedRow:
    return FeedRow(**{name: getattr(row, name) for name in _FEED_COLUMNS})


class FeedExists(ValueError):
    def __init__(self, feed: FeedRow) -> None:
        super().__init__(f"already subscribed to {feed.url} (feed {feed.id})")
        self.feed = feed


class FeedQueries:
    engine: Engine

    def add_feed(self, url: str, *, title: str = "", now: datetime) -> FeedRow:
        """Subscribe to ``url``; it is due at once. Raises FeedExists for a repeat."""
        existing = self.feed_by_url(url)
        if existing is not None:
            raise FeedExists(existing)
        try:
            with self.engine.begin() as connection:
                feed_id = _insert_feed(connection, url, title, now)
        except IntegrityError:
            found = self.feed_by_url(url)
            if found is None:
                raise
            raise FeedExists(found) from None
        return self.feed(feed_id)

    def add_feeds(
        self, subscriptions: Sequence[tuple[str, str]], *, now: datetime
    ) -> tuple[list[FeedRow], list[FeedRow]]:
        """Subscribe to every ``(url, title)`` in one transaction: a crash or a failed
        write leaves all of them subscribed or none. Returns the feeds added and, for URLs
        already subscribed to, the existing feeds (left as they are)."""
        existing: list[FeedRow] = []
        added_ids: list[int] = []
        with self.engine.begin() as connection:
            for url, title in subscriptions:
                found = connection.execute(
                    select(feeds).where(feeds.c.url_hash == key_hash(url))
                ).first()
                if found is not None:
                    existing.append(_feed(found))
                    continue
                added_ids.append(_insert_feed(connection, url, title, now))
            added = connection.execute(
                select(feeds).where(feeds.c.id.in_(added_ids)).order_by(feeds.c.id)
            ).all()
        return [_feed(row) for row in added], existing

    def feed(self, feed_id: int) -> FeedRow:
        with self.engine.connect() as connection:
            row = connection.execute(select(feeds).where(feeds.c.id == feed_id)).first()
        if row is None:
            raise KeyError(f"no feed with id {feed_id}")
        return _feed(row)

    def feed_by_url(self, url: str) -> FeedRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(feeds).where(feeds.c.url_hash == key_hash(url))).first()
        return _feed(row) if row else None

    def feeds(self) -> list[FeedRow]:
        with self.engine.connect() as connection:
            return [_feed(r) for r in connection.execute(select(feeds).order_by(feeds.c.id))]

    def remove_feed(self, feed_id: int) -> bool:
        """Unsubscribe. Its entries go; articles stay (other feeds or stories may list them)."""
        with self.engine.begin() as connection:
            connection.execute(delete(entries).where(entries.c.feed_id == feed_id))
            result = connection.execute(delete(feeds).where(feeds.c.id == feed_id))
            return bool(result.rowcount)

    def set_paused(self, feed_id: int, paused: bool) -> bool:
        """Pause or resume a feed; False when there is no such feed."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(feeds).where(feeds.c.id == feed_id).values(paused=paused)
            )
            return bool(result.rowcount)

    def due_feeds(self, now: datetime, limit: int = 50) -> list[FeedRow]:
        """Feeds whose time has come, not paused, leased by nobody, on hosts not backing
        us off."""
        waiting = select(host_backoffs.c.host).where(host_backoffs.c.retry_at > now)
        query = (
            select(feeds)
            .where(feeds.c.next_fetch_at <= now)
            .where(feeds.c.paused.is_(False))
            .where(or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < now))
            .where(feeds.c.host.not_in(waiting))
            .order_by(feeds.c.next_fetch_at)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_feed(r) for r in connection.execute(query)]

    def claim_feed(self, feed_id: int, now: datetime, lease: timedelta) -> bool:
        """Take a feed for refreshing; False when another worker holds it. The lease
        expires by itself, so a worker that dies does not keep the feed forever."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(feeds)
                .where(feeds.c.id == feed_id)
                .where(or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < now))
                .values(lease_until=now + lease)
            )
            return result.rowcount == 1

    def release_feed(self, feed_id: int) -> None:
        """Give a claimed feed back unrefreshed, for the next worker to take at once."""
        with self.engine.begin() as connection:
            connection.execute(update(feeds).where(feeds.c.id == feed_id).values(lease_until=None))

    def record_failure(
        self,
        feed_id: int,
        error: str,
        *,
        now: datetime,
        next_fetch_at: datetime,
        host_backoff: datetime | None = None,
    ) -> None:
        """A failed fetch. ``host_backoff`` is when the feed's host (a 429, a Retry-After)
        may be asked again: it is kept for the host, and every feed on it waits till then,
        so a publisher with ten feeds gets one back-off rather than ten."""
        with self.engine.begin() as connection:
            connection.execute(
                update(feeds)
                .where(feeds.c.id == feed_id)
                .values(
                    last_fetch_at=now,
                    last_error=cut(error, NOTE_MAX_CHARS),
                    consecutive_failures=feeds.c.consecutive_failures + 1,
                    next_fetch_at=next_fetch_at,
                    lease_until=None,
                )
            )
            if host_backoff is not None:
                host = connection.execute(
                    select(feeds.c.host).where(feeds.c.id == feed_id)
                ).scalar_one()
                row = {"host": host, "retry_at": host_backoff, "reason": cut(error, NOTE_MAX_CHARS)}
                upsert(connection, host_backoffs, [row], keys=["host"])
                connection.execute(
                    update(feeds)
                    .where(feeds.c.host == host, feeds.c.next_fetch_at < host_backoff)
                    .values(next_fetch_at=host_backoff)
                )

    def host_retry_at(self, host: str, now: datetime) -> datetime | None:
        """When ``host`` may be asked again, if it asked us to wait past ``now``."""
        query = select(host_backoffs.c.retry_at).where(
            host_backoffs.c.host == host, host_backoffs.c.retry_at > now
        )
        with self.engine.connect() as connection:
            found: datetime | None = connection.execute(query).scalar()
        return found

    def record_success(
        self,
        feed_id: int,
        new_entries: Sequence[EntryRecord],
        *,
        now: datetime,
        next_fetch_at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
        site_url: str | None = None,
        continuity: Continuity = Continuity(),
    ) -> int:
        """Entries and the validators in one transaction; returns how many were new.

        An entry already stored (same identity) is updated in place, its first-seen time
        kept: that is how an edit at the source reaches the store.
        """
        values: dict[str, Any] = {
            "last_fetch_at": now,
            "last_success_at": now,
            "last_error": None,
            "consecutive_failures": 0,
            "next_fetch_at": next_fetch_at,
            "etag": etag,
            "last_modified": last_modified,
            "lease_until": None,
            "validators_trusted": continuity.validators_trusted,
        }
        if continuity.full_fetch:
            values |= {"not_modified_count": 0, "last_full_fetch_at": now}
            values["last_cuts"] = cut("; ".join(continuity.cuts), NOTE_MAX_CHARS) or None
        else:
            values["not_modified_count"] = feeds.c.not_modified_count + 1
        if continuity.gap:
            values["last_gap_at"] = now
        if title:
            values["title"] = cut(title, TITLE_MAX_CHARS)
        if site_url:
            values["site_url"] = site_url
        with self.engine.begin() as connection:
            before = connection.execute(
                select(func.count()).where(entries.c.feed_id == feed_id)
            ).scalar_one()
            refused = sum(not _save_entry(connection, feed_id, e, now) for e in new_entries)
            if continuity.full_fetch:
                values["unstored_items"] = continuity.unstored + refused
            connection.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))
            after = connection.execute(
                select(func.count()).where(entries.c.feed_id == feed_id)
            ).scalar_one()
        return int(after - before)

    def known_entries(self, feed_id: int, identities: Iterable[str]) -> dict[str, KnownEntry]:
        """The entries of ``feed_id`` already stored, by identity, among ``identities``."""
        by_hash = {key_hash(identity): identity for identity in identities}
        if not by_hash:
            return {}
        query = select(entries.c.identity_hash, entries.c.content_hash, entries.c.article_id).where(
            entries.c.feed_id == feed_id, entries.c.identity_hash.in_(list(by_hash))
        )
        with self.engine.connect() as connection:
            return {
                by_hash[row.identity_hash]: KnownEntry(row.content_hash, row.article_id)
                for row in connection.execute(query)
            }

    def entry_times(self, feed_id: int, limit: int = 20) -> list[datetime]:
        """Published times of a feed's newest entries: its publishing pace."""
        query = (
            select(entries.c.published)
            .where(entries.c.feed_id == feed_id, entries.c.published.is_not(None))
            .order_by(entries.c.published.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def entry_count(self, feed_id: int | None = None) -> int:
        query = select(func.count()).select_from(entries)
        if feed_id is not None:
            query = query.where(entries.c.feed_id == feed_id)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    # Small persistent flags ------------------------------------------------------------

    def flag(self, key: str) -> str | None:
        with self.engine.connect() as connection:
            value = connection.execute(
                select(settings_state.c.value).where(settings_state.c.key == key)
            ).scalar()
        return str(value) if value is not None else None

    def set_flag(self, key: str, value: str) -> None:
        with self.engine.begin() as connection:
            upsert(connection, settings_state, [{"key": key, "value": value}], keys=["key"])


def _insert_feed(connection: Connection, url: str, title: str, now: datetime) -> int:
    row = {
        "url": url,
        "url_hash": key_hash(url),
        "host": host_of(url),
        "title": cut(title, TITLE_MAX_CHARS),
        "added_at": now,
        "next_fetch_at": now,
        "consecutive_failures": 0,
    }
    return new_id(connection.execute(feeds.insert().values(**row)))


def _save_entry(connection: Connection, feed_id: int, record: EntryRecord, now: datetime) -> bool:
    """Insert or update one entry under a savepoint; False (and logged) when the database
    refuses it, which then costs no other entry of the fetch."""
    identity_hash = key_hash(record.identity)  # of the whole identity, before any cut
    fitted = fit_entry(record)
    row = {
        "feed_id": feed_id,
        "identity": fitted.identity,
        "identity_hash": identity_hash,
        "content_hash": content_hash(fitted.title, fitted.summary_html),
        "guid": fitted.guid,
        "url": fitted.url,
        "title": fitted.title,
        "summary_html": fitted.summary_html,
        "published": fitted.published,
        "image_url": fitted.image_url,
        "authors": fitted.authors,
        "article_id": fitted.article_id,
        "first_seen_at": now,
    }
    kept = ("feed_id", "identity_hash", "first_seen_at")
    try:
        with connection.begin_nested():
            upsert(
                connection,
                entries,
                [row],
                keys=["feed_id", "identity_hash"],
                update=lambda table, excluded: {
                    name: excluded[name] for name in row if name not in kept
                },
            )
    except (SQLAlchemyError, ValueError) as error:
        log.warning("entry %.200s of feed %s not stored: %s", record.identity, feed_id, error)
        return False
    return True
