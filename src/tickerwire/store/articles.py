"""Articles and the stories that group syndicated copies of one piece of news.

Articles are keyed by the hash of their canonical URL (any length), and every text is cut
to the limits of :mod:`tickerwire.store.limits` on the way in. An article whose page was an
interstitial (a bot check, a consent or pay wall) carries a time to fetch it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, func, or_, select, update

from tickerwire.news.dedupe import NEAR_DUPLICATE_BITS, STORY_CANDIDATES, Candidate
from tickerwire.news.model import (
    ArticleListing,
    ArticleTags,
    StoredArticle,
    StorySibling,
)
from tickerwire.store.alerts import ArrivingArticle, fire_news_alerts
from tickerwire.store.article_rows import (
    LISTING_COLUMNS,
    figure_json,
    listing,
    stored_article,
    video_json,
)
from tickerwire.store.bits import bits_apart
from tickerwire.store.limits import NOTE_MAX_CHARS, cut, fit_article, key_hash
from tickerwire.store.reactions import PublicationHook
from tickerwire.store.records import ArticleRecord
from tickerwire.store.schema import articles, stories
from tickerwire.store.tags import replace_tags
from tickerwire.store.upsert import new_id, upsert

_SIGN = 1 << 63


def to_signed(value: int | None) -> int | None:
    """Store an unsigned 64-bit fingerprint in a signed BIGINT column."""
    return None if value is None else value - _SIGN


def to_unsigned(value: int | None) -> int | None:
    return None if value is None else value + _SIGN


@dataclass(frozen=True)
class PendingFullText:
    """An article whose page is to be fetched again, and how often that was tried."""

    article: StoredArticle
    retries: int


class ArticleQueries:
    engine: Engine
    publication_prices: PublicationHook | None
    """Records the prices at publication of each article saved, in its transaction."""

    def article_id_for_url(self, canonical_url: str) -> int | None:
        query = select(articles.c.id).where(
            articles.c.canonical_url_hash == key_hash(canonical_url)
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar()
        return int(found) if found is not None else None

    def story_candidates(
        self,
        since: datetime,
        *,
        title_key: str,
        canonical_url: str,
        fingerprint: int | None,
        limit: int = STORY_CANDIDATES,
    ) -> list[Candidate]:
        """Of the ``limit`` most recent articles (first seen or published since ``since``),
        those :func:`match_story` could match a new one to, newest first: the same title
        key, the same canonical URL, or a fingerprint at most ``NEAR_DUPLICATE_BITS`` apart.
        The database picks them out, so a new article costs a handful of rows, not
        thousands (most of a feed refresh's time, before)."""
        recent = (
            select(
                articles.c.id,
                articles.c.story_id,
                articles.c.title_key,
                articles.c.fingerprint,
                articles.c.canonical_url_hash,
                articles.c.published,
                articles.c.first_seen_at,
            )
            .where(or_(articles.c.first_seen_at >= since, articles.c.published >= since))
            .order_by(articles.c.first_seen_at.desc())
            .limit(limit)
            .subquery()
        )
        alike = [recent.c.title_key == title_key]
        if canonical_url:
            alike.append(recent.c.canonical_url_hash == key_hash(canonical_url))
        if fingerprint is not None:
            near = bits_apart(recent.c.fingerprint, to_signed(fingerprint))
            alike.append(and_(recent.c.fingerprint.is_not(None), near <= NEAR_DUPLICATE_BITS))
        # The window is read from ix_articles_first_seen_at alone, which holds every column
        # it names; the canonical URL, long and in the table, only for the few that match.
        query = (
            select(
                recent.c.story_id,
                recent.c.title_key,
                recent.c.fingerprint,
                articles.c.canonical_url,
                recent.c.published,
            )
            .join(articles, articles.c.id == recent.c.id)
            .where(or_(*alike))
            .order_by(recent.c.first_seen_at.desc())
        )
        with self.engine.connect() as connection:
            return [
                Candidate(
                    story_id=row.story_id,
                    title_key=row.title_key,
                    fingerprint=to_unsigned(row.fingerprint),
                    url=row.canonical_url,
                    published=row.published,
                )
                for row in connection.execute(query)
            ]

    def save_article(self, record: ArticleRecord, tags: ArticleTags, *, now: datetime) -> int:
        """Store or refresh an article (keyed by canonical URL) in its story, with its tags
        (replacing any it had), all in one transaction: a crash or a failed write leaves
        either all of it or none. A new story is opened when ``record.story_id`` is None
        and the article has none yet. Returns the article's id."""
        url_hash = key_hash(record.canonical_url)
        record = fit_article(record)
        with self.engine.begin() as connection:
            existing = connection.execute(
                select(articles.c.id, articles.c.story_id).where(
                    articles.c.canonical_url_hash == url_hash
                )
            ).first()
            story_id = record.story_id or (existing.story_id if existing else None)
            if story_id is None:
                story_id = new_id(
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
                "canonical_url_hash": url_hash,
                "url": record.url,
                "story_id": story_id,
                "title": record.title,
                "title_key": record.title_key,
                "byline": record.byline,
                "site_name": record.site_name,
                "lang": record.lang,
                "published": record.published,
                "updated": record.updated,
                "lead_image": figure_json(record.lead_image),
                "figures": [figure_json(f) for f in record.figures],
                "video": video_json(record.video),
                "body_html": record.body_html,
                "text": record.text,
                "summary_html": record.summary_html,
                "extracted": record.extracted,
                "extraction_error": record.extraction_error,
                "fingerprint": to_signed(record.fingerprint),
                "first_seen_at": now,
                "fetched_at": record.fetched_at,
                "retry_at": record.retry_at,
                "retries": 0,
            }
            kept = ("canonical_url", "canonical_url_hash", "first_seen_at", "story_id")
            upsert(
                connection,
                articles,
                [row],
                keys=["canonical_url_hash"],
                update=lambda table, excluded: {
                    name: excluded[name] for name in row if name not in kept
                },
            )
            article_id = connection.execute(
                select(articles.c.id).where(articles.c.canonical_url_hash == url_hash)
            ).scalar_one()
            replace_tags(connection, article_id, tags)
            if existing is None:
                article = ArrivingArticle(
                    article_id,
                    story_id,
                    record.title,
                    record.site_name,
                    record.text,
                    record.published,
                )
                fire_news_alerts(connection, article, tags, now)
            if self.publication_prices is not None:
                self.publication_prices(connection, article_id, record.published, tags, now)
        return int(article_id)

    def full_texts_due(self, now: datetime, limit: int = 20) -> list[PendingFullText]:
        """Articles whose page is due to be fetched again, longest waiting first."""
        query = (
            select(articles)
            .where(articles.c.retry_at.is_not(None), articles.c.retry_at <= now)
            .order_by(articles.c.retry_at)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                PendingFullText(stored_article(row), row.retries)
                for row in connection.execute(query)
            ]

    def postpone_full_text(self, article_id: int, error: str, retry_at: datetime | None) -> None:
        """The page was still no article: say why, and try again at ``retry_at`` (None:
        no more tries; the feed's summary stays what readers see)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(
                    extraction_error=cut(error, NOTE_MAX_CHARS),
                    retry_at=retry_at,
                    retries=articles.c.retries + 1,
                )
            )

    def article(self, article_id: int) -> StoredArticle | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
        return stored_article(row) if row else None

    def latest_articles(
        self,
        limit: int = 20,
        offset: int = 0,
        *,
        site_name: str | None = None,
        exclude: int | None = None,
        one_per_story: bool = True,
    ) -> list[ArticleListing]:
        """Newest first (by published time, else first seen), ``offset`` rows skipped for
        paging; one article per story by default, so a syndicated story shows once."""
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        query = select(*LISTING_COLUMNS)
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
        query = query.order_by(when.desc(), articles.c.id.desc()).limit(limit).offset(offset)
        with self.engine.connect() as connection:
            return [listing(row) for row in connection.execute(query)]

    def story_articles(self, story_id: int) -> list[StorySibling]:
        query = (
            select(articles.c.id, articles.c.title, articles.c.site_name, articles.c.url)
            .where(articles.c.story_id == story_id)
            .order_by(articles.c.id)
        )
        with self.engine.connect() as connection:
            return [
                StorySibling(id=row.id, title=row.title, site_name=row.site_name, url=row.url)
                for row in connection.execute(query)
            ]

    def article_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar_one())
