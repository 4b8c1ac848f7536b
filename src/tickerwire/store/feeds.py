"""Feeds, their fetch state and their entries.

A feed's ETag and Last-Modified are written in the same transaction as its new entries: if
the process dies before that commit, the next fetch is unconditional and sees them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Engine, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from tickerwire.store.schema import entries, feeds, settings_state
from tickerwire.store.upsert import upsert


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

    @property
    def state(self) -> str:
        if self.consecutive_failures:
            return "error"
        return "ok" if self.last_success_at else "new"


@dataclass(frozen=True)
class EntryRecord:
    identity: str
    guid: str
    url: str | None
    title: str
    summary_html: str
    published: datetime | None
    image_url: str | None
    authors: list[str]
    article_id: int | None


_FEED_COLUMNS = [c.name for c in feeds.columns if c.name != "lease_until"]


def _feed(row: Any) -> FeedRow:
    return FeedRow(**{name: getattr(row, name) for name in _FEED_COLUMNS})


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the database returned no id for a new row")
    return int(key[0])


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
        row = {
            "url": url,
            "title": title,
            "added_at": now,
            "next_fetch_at": now,
            "consecutive_failures": 0,
        }
        try:
            with self.engine.begin() as connection:
                feed_id = _new_id(connection.execute(feeds.insert().values(**row)))
        except IntegrityError:
            found = self.feed_by_url(url)
            if found is None:
                raise
            raise FeedExists(found) from None
        return self.feed(feed_id)

    def feed(self, feed_id: int) -> FeedRow:
        with self.engine.connect() as connection:
            row = connection.execute(select(feeds).where(feeds.c.id == feed_id)).first()
        if row is None:
            raise KeyError(f"no feed with id {feed_id}")
        return _feed(row)

    def feed_by_url(self, url: str) -> FeedRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(feeds).where(feeds.c.url == url)).first()
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

    def due_feeds(self, now: datetime, limit: int = 50) -> list[FeedRow]:
        query = (
            select(feeds)
            .where(feeds.c.next_fetch_at <= now)
            .where(or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < now))
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
        self, feed_id: int, error: str, *, now: datetime, next_fetch_at: datetime
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(feeds)
                .where(feeds.c.id == feed_id)
                .values(
                    last_fetch_at=now,
                    last_error=error,
                    consecutive_failures=feeds.c.consecutive_failures + 1,
                    next_fetch_at=next_fetch_at,
                    lease_until=None,
                )
            )

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
    ) -> int:
        """Entries and the validators in one transaction; returns how many were new."""
        values: dict[str, Any] = {
            "last_fetch_at": now,
            "last_success_at": now,
            "last_error": None,
            "consecutive_failures": 0,
            "next_fetch_at": next_fetch_at,
            "etag": etag,
            "last_modified": last_modified,
            "lease_until": None,
        }
        if title:
            values["title"] = title
        if site_url:
            values["site_url"] = site_url
        rows = [
            {
                "feed_id": feed_id,
                "identity": e.identity,
                "guid": e.guid,
                "url": e.url,
                "title": e.title,
                "summary_html": e.summary_html,
                "published": e.published,
                "image_url": e.image_url,
                "authors": e.authors,
                "article_id": e.article_id,
                "first_seen_at": now,
            }
            for e in new_entries
        ]
        with self.engine.begin() as connection:
            before = connection.execute(
                select(func.count()).where(entries.c.feed_id == feed_id)
            ).scalar_one()
            if rows:
                upsert(
                    connection,
                    entries,
                    rows,
                    keys=["feed_id", "identity"],
                    update=lambda table, excluded: {"article_id": excluded.article_id},
                )
            connection.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))
            after = connection.execute(
                select(func.count()).where(entries.c.feed_id == feed_id)
            ).scalar_one()
        return int(after - before)

    def known_identities(self, feed_id: int, identities: Iterable[str]) -> set[str]:
        wanted = list(identities)
        if not wanted:
            return set()
        query = select(entries.c.identity).where(
            entries.c.feed_id == feed_id, entries.c.identity.in_(wanted)
        )
        with self.engine.connect() as connection:
            return set(connection.execute(query).scalars())

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
