"""Queries for the news flow: feeds and their state, entries, articles and stories.

Writes are keyed by natural keys (a feed's URL, an entry's identity within its feed, an
article's canonical URL), so repeating a refresh after a crash stores nothing twice. A
feed's ETag and Last-Modified are written in the same transaction as its new entries: if
the process dies before that commit, the next fetch is unconditional and sees them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Engine, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from tickerwire.store.schema import (
    article_entities,
    article_instruments,
    articles,
    entries,
    feeds,
    settings_state,
    stories,
)
from tickerwire.store.upsert import upsert

_SIGN = 1 << 63


def to_signed(value: int | None) -> int | None:
    """Store an unsigned 64-bit fingerprint in a signed BIGINT column."""
    return None if value is None else value - _SIGN


def to_unsigned(value: int | None) -> int | None:
    return None if value is None else value + _SIGN


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


@dataclass(frozen=True)
class ArticleRecord:
    """An article as the pipeline hands it to the store; HTML already sanitized."""

    canonical_url: str
    url: str
    title: str
    title_key: str
    byline: str | None
    site_name: str | None
    lang: str | None
    published: datetime | None
    updated: datetime | None
    lead_image: dict[str, Any] | None
    figures: list[dict[str, Any]]
    video: dict[str, Any] | None
    body_html: str
    text: str
    summary_html: str
    extracted: bool
    extraction_error: str | None
    fingerprint: int | None
    fetched_at: datetime
    story_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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


class NewsStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Feeds ---------------------------------------------------------------------------

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

    # Articles and stories --------------------------------------------------------------

    def article_id_for_url(self, canonical_url: str) -> int | None:
        query = select(articles.c.id).where(articles.c.canonical_url == canonical_url)
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar()
        return int(found) if found is not None else None

    def story_candidates(self, since: datetime, limit: int = 2000) -> list[dict[str, Any]]:
        """Recent articles to match a new one against, newest first."""
        query = (
            select(
                articles.c.story_id,
                articles.c.title,
                articles.c.text,
                articles.c.fingerprint,
                articles.c.canonical_url,
                articles.c.published,
            )
            .where(or_(articles.c.first_seen_at >= since, articles.c.published >= since))
            .order_by(articles.c.first_seen_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                dict(row._mapping) | {"fingerprint": to_unsigned(row.fingerprint)}
                for row in connection.execute(query)
            ]

    def save_article(self, record: ArticleRecord, *, now: datetime) -> int:
        """Store or refresh an article (keyed by canonical URL) in its story; a new story
        is opened when ``record.story_id`` is None. Returns the article's id."""
        with self.engine.begin() as connection:
            existing = connection.execute(
                select(articles.c.id, articles.c.story_id).where(
                    articles.c.canonical_url == record.canonical_url
                )
            ).first()
            story_id = record.story_id or (existing.story_id if existing else None)
            if story_id is None:
                story_id = _new_id(
                    connection.execute(
                        stories.insert().values(
                            title=record.title, first_seen_at=now, updated_at=now
                        )
                    )
                )
            else:
                connection.execute(
                    update(stories).where(stories.c.id == story_id).values(updated_at=now)
                )
            row = {
                "canonical_url": record.canonical_url,
                "url": record.url,
                "story_id": story_id,
                "title": record.title,
                "title_key": record.title_key,
                "byline": record.byline,
                "site_name": record.site_name,
                "lang": record.lang,
                "published": record.published,
                "updated": record.updated,
                "lead_image": record.lead_image,
                "figures": record.figures,
                "video": record.video,
                "body_html": record.body_html,
                "text": record.text,
                "summary_html": record.summary_html,
                "extracted": record.extracted,
                "extraction_error": record.extraction_error,
                "fingerprint": to_signed(record.fingerprint),
                "first_seen_at": now,
                "fetched_at": record.fetched_at,
            }
            upsert(
                connection,
                articles,
                [row],
                keys=["canonical_url"],
                update=lambda table, excluded: {
                    name: excluded[name]
                    for name in row
                    if name not in ("canonical_url", "first_seen_at", "story_id")
                },
            )
            article_id = connection.execute(
                select(articles.c.id).where(articles.c.canonical_url == record.canonical_url)
            ).scalar_one()
        return int(article_id)

    def article(self, article_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
        return dict(row._mapping) if row else None

    def latest_articles(
        self,
        limit: int = 20,
        *,
        site_name: str | None = None,
        exclude: int | None = None,
        one_per_story: bool = True,
    ) -> list[dict[str, Any]]:
        """Newest first (by published time, else first seen); one article per story by
        default, so a syndicated story shows once."""
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        query = select(
            articles.c.id,
            articles.c.story_id,
            articles.c.title,
            articles.c.site_name,
            articles.c.byline,
            articles.c.published,
            articles.c.first_seen_at,
            articles.c.lead_image,
            articles.c.url,
            articles.c.extracted,
        )
        conditions = []
        if site_name is not None:
            conditions.append(articles.c.site_name == site_name)
        if exclude is not None:
            conditions.append(articles.c.id != exclude)
        if one_per_story:
            first = select(func.min(articles.c.id)).group_by(articles.c.story_id).scalar_subquery()
            conditions.append(articles.c.id.in_(first))
        if conditions:
            query = query.where(and_(*conditions))
        query = query.order_by(when.desc(), articles.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def story_articles(self, story_id: int) -> list[dict[str, Any]]:
        query = (
            select(articles.c.id, articles.c.title, articles.c.site_name, articles.c.url)
            .where(articles.c.story_id == story_id)
            .order_by(articles.c.id)
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def article_feeds(self, article_id: int) -> list[dict[str, Any]]:
        query = (
            select(feeds.c.id, feeds.c.title, feeds.c.url)
            .join(entries, entries.c.feed_id == feeds.c.id)
            .where(entries.c.article_id == article_id)
            .distinct()
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def article_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar_one())

    # Tags --------------------------------------------------------------------------------

    def save_tags(
        self,
        article_id: int,
        instruments: Sequence[tuple[str, int]],
        entities: Sequence[tuple[str, str, str, int]],
    ) -> None:
        """Replace an article's tags: (symbol, mentions) and (slug, name, kind, mentions)."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(article_instruments).where(article_instruments.c.article_id == article_id)
            )
            connection.execute(
                delete(article_entities).where(article_entities.c.article_id == article_id)
            )
            if instruments:
                connection.execute(
                    article_instruments.insert(),
                    [
                        {"article_id": article_id, "symbol": s, "mentions": m}
                        for s, m in instruments
                    ],
                )
            if entities:
                connection.execute(
                    article_entities.insert(),
                    [
                        {
                            "article_id": article_id,
                            "slug": slug,
                            "name": n,
                            "kind": k,
                            "mentions": m,
                        }
                        for slug, n, k, m in entities
                    ],
                )

    def tags(self, article_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(article_instruments.c.symbol, article_instruments.c.mentions)
                .where(article_instruments.c.article_id == article_id)
                .order_by(article_instruments.c.mentions.desc(), article_instruments.c.symbol)
            )
            named = connection.execute(
                select(
                    article_entities.c.slug,
                    article_entities.c.name,
                    article_entities.c.kind,
                    article_entities.c.mentions,
                )
                .where(article_entities.c.article_id == article_id)
                .order_by(article_entities.c.mentions.desc(), article_entities.c.name)
            )
            return [dict(r._mapping) for r in found], [dict(r._mapping) for r in named]

    def _tagged_articles(self, condition: Any, limit: int) -> list[dict[str, Any]]:
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        query = (
            select(
                articles.c.id,
                articles.c.story_id,
                articles.c.title,
                articles.c.site_name,
                articles.c.byline,
                articles.c.published,
                articles.c.first_seen_at,
                articles.c.lead_image,
                articles.c.url,
                articles.c.extracted,
                articles.c.text,
            )
            .where(condition)
            .order_by(when.desc(), articles.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def articles_for_symbol(self, symbol: str, limit: int = 20) -> list[dict[str, Any]]:
        tagged = select(article_instruments.c.article_id).where(
            article_instruments.c.symbol == symbol
        )
        return self._tagged_articles(articles.c.id.in_(tagged), limit)

    def articles_for_entity(self, slug: str, limit: int = 20) -> list[dict[str, Any]]:
        tagged = select(article_entities.c.article_id).where(article_entities.c.slug == slug)
        return self._tagged_articles(articles.c.id.in_(tagged), limit)

    def entity(self, slug: str) -> dict[str, Any] | None:
        """The entity's display name and kind, as most often tagged."""
        query = (
            select(article_entities.c.name, article_entities.c.kind, func.count().label("n"))
            .where(article_entities.c.slug == slug)
            .group_by(article_entities.c.name, article_entities.c.kind)
            .order_by(func.count().desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return {"slug": slug, "name": row.name, "kind": row.kind} if row else None

    def trending(self, since: datetime, limit: int = 10) -> list[dict[str, Any]]:
        """Instruments by how many articles named them since ``since``, then mentions."""
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        query = (
            select(
                article_instruments.c.symbol,
                func.count().label("articles"),
                func.sum(article_instruments.c.mentions).label("mentions"),
            )
            .join(articles, articles.c.id == article_instruments.c.article_id)
            .where(when >= since)
            .group_by(article_instruments.c.symbol)
            .order_by(
                func.count().desc(),
                func.sum(article_instruments.c.mentions).desc(),
                article_instruments.c.symbol,
            )
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def articles_missing_tags(self, limit: int = 1000) -> list[int]:
        tagged = select(article_instruments.c.article_id).union(
            select(article_entities.c.article_id)
        )
        query = select(articles.c.id).where(articles.c.id.not_in(tagged)).limit(limit)
        with self.engine.connect() as connection:
            return [int(i) for i in connection.execute(query).scalars()]

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
