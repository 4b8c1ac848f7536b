"""Members' alerts, what fired (their inbox), as the actions in :mod:`tickerwire.actions`
and the news pipeline use them. When an alert fires is decided in :mod:`tickerwire.alerts`;
this module only reads and writes rows.

An event is written in the same transaction as what set it off: with the alert's new state
for a price crossing, inside the article's own transaction for news; its deliveries
(:mod:`tickerwire.store.deliveries`) are written in that transaction too. An event is
unique per member and trigger, so a second copy of a story, a second alert matching it, or
a second worker judging the same quote adds nothing.

Every read and change of one member's rows takes that member's id and answers as if a row
of someone else's did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from tickerwire.alerts.news import SavedSearch, Topic, is_fresh, tagged
from tickerwire.news.model import ArticleTags
from tickerwire.store.deliveries import Preferences, add_deliveries, preferences_of
from tickerwire.store.schema import (
    alert_events,
    alert_preferences,
    alerts,
    follows,
    watchlist_items,
    watchlists,
)
from tickerwire.store.upsert import new_id, upsert


class AlertNotFound(KeyError):
    """No alert or event of this member's has that id."""


@dataclass(frozen=True)
class AlertRow:
    id: int
    member_id: int
    kind: str
    label: str
    symbol: str | None
    condition: str | None
    level: float | None
    band_percent: float | None
    armed: bool
    demo: bool
    topic_kind: str | None
    topic_key: str | None
    created_at: datetime
    last_fired_at: datetime | None


@dataclass(frozen=True)
class NewEvent:
    """What an alert reports when it fires; ``trigger`` makes it unique for its member."""

    trigger: str
    title: str
    summary: str
    link: str
    data: dict[str, Any]


@dataclass(frozen=True)
class EventRow:
    id: int
    alert_id: int
    title: str
    summary: str
    link: str
    data: dict[str, Any]
    fired_at: datetime
    read_at: datetime | None


@dataclass(frozen=True)
class ArrivingArticle:
    """What news alerts look at in an article being stored."""

    id: int
    story_id: int
    title: str
    site_name: str | None
    text: str
    published: datetime | None


def _alert(row: RowMapping) -> AlertRow:
    return AlertRow(**{name: row[name] for name in AlertRow.__dataclass_fields__})


def _event(row: RowMapping) -> EventRow:
    return EventRow(**{name: row[name] for name in EventRow.__dataclass_fields__})


def record_event(
    connection: Connection, alert: AlertRow, event: NewEvent, now: datetime
) -> int | None:
    """Write an event and its deliveries inside the caller's transaction; None when the
    member has this trigger already."""
    try:
        with connection.begin_nested():
            event_id = new_id(
                connection.execute(
                    alert_events.insert().values(
                        alert_id=alert.id,
                        member_id=alert.member_id,
                        trigger=event.trigger,
                        title=event.title,
                        summary=event.summary,
                        link=event.link,
                        data=event.data,
                        fired_at=now,
                    )
                )
            )
    except IntegrityError:
        return None
    connection.execute(update(alerts).where(alerts.c.id == alert.id).values(last_fired_at=now))
    add_deliveries(connection, event_id, alert.member_id, now)
    return event_id


class AlertStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, member_id: int, values: dict[str, Any], now: datetime) -> AlertRow:
        with self.engine.begin() as connection:
            alert_id = new_id(
                connection.execute(
                    alerts.insert().values(member_id=member_id, created_at=now, **values)
                )
            )
            row = connection.execute(select(alerts).where(alerts.c.id == alert_id)).mappings()
            return _alert(row.one())

    def of_member(self, member_id: int) -> list[AlertRow]:
        query = select(alerts).where(alerts.c.member_id == member_id).order_by(alerts.c.id)
        with self.engine.connect() as connection:
            return [_alert(row) for row in connection.execute(query).mappings()]

    def get(self, member_id: int, alert_id: int) -> AlertRow:
        query = select(alerts).where(alerts.c.id == alert_id, alerts.c.member_id == member_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            raise AlertNotFound(alert_id)
        return _alert(row)

    def delete(self, member_id: int, alert_id: int) -> None:
        with self.engine.begin() as connection:
            gone = connection.execute(
                delete(alerts).where(alerts.c.id == alert_id, alerts.c.member_id == member_id)
            )
        if gone.rowcount == 0:
            raise AlertNotFound(alert_id)

    def price_alerts_for(self, symbols: Iterable[str]) -> list[AlertRow]:
        query = select(alerts).where(alerts.c.kind == "price", alerts.c.symbol.in_(list(symbols)))
        with self.engine.connect() as connection:
            return [_alert(row) for row in connection.execute(query).mappings()]

    def judged(
        self, alert: AlertRow, armed: bool, event: NewEvent | None, now: datetime
    ) -> int | None:
        """Store a price alert's new state, and the event it fired if it did, together."""
        with self.engine.begin() as connection:
            connection.execute(update(alerts).where(alerts.c.id == alert.id).values(armed=armed))
            return record_event(connection, alert, event, now) if event else None

    def inbox(self, member_id: int, *, limit: int = 50) -> list[EventRow]:
        query = (
            select(alert_events)
            .where(alert_events.c.member_id == member_id)
            .order_by(alert_events.c.fired_at.desc(), alert_events.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_event(row) for row in connection.execute(query).mappings()]

    def unread(self, member_id: int) -> int:
        query = select(func.count()).where(
            alert_events.c.member_id == member_id, alert_events.c.read_at.is_(None)
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def mark_read(self, member_id: int, event_ids: Sequence[int] | None, now: datetime) -> int:
        """Mark these events (None: all) read; how many were unread."""
        mine = and_(alert_events.c.member_id == member_id, alert_events.c.read_at.is_(None))
        if event_ids is not None:
            mine = and_(mine, alert_events.c.id.in_(list(event_ids)))
        with self.engine.begin() as connection:
            done = connection.execute(update(alert_events).where(mine).values(read_at=now))
        return int(done.rowcount)

    def preferences(self, member_id: int) -> Preferences:
        with self.engine.connect() as connection:
            return preferences_of(connection, member_id) or Preferences(member_id)

    def save_preferences(self, chosen: Preferences) -> None:
        row = {name: getattr(chosen, name) for name in Preferences.__dataclass_fields__}
        with self.engine.begin() as connection:
            upsert(connection, alert_preferences, [row], keys=["member_id"])


def fire_news_alerts(
    connection: Connection, article: ArrivingArticle, tags: ArticleTags, now: datetime
) -> int:
    """Inside the article's own transaction: an event for every member whose news alert
    this article matches, one per story. How many events were written."""
    if not is_fresh(article.published, now):
        return 0
    symbols, slugs = tagged(tags)
    candidates = or_(
        and_(alerts.c.topic_kind == Topic.INSTRUMENT, alerts.c.topic_key.in_(symbols)),
        and_(alerts.c.topic_kind == Topic.ENTITY, alerts.c.topic_key.in_(slugs)),
        alerts.c.topic_kind.in_([Topic.SEARCH, Topic.WATCHLIST]),
    )
    query = select(alerts).where(alerts.c.kind == "news", candidates).order_by(alerts.c.id)
    written = 0
    for row in connection.execute(query).mappings().all():
        alert = _alert(row)
        if not _matches(connection, alert, article, symbols, slugs):
            continue
        event = NewEvent(
            trigger=f"story:{article.story_id}",
            title=article.title,
            summary=f"{article.site_name or 'News'} · {alert.label}",
            link=f"/article/{article.id}",
            data={"article_id": article.id, "story_id": article.story_id},
        )
        written += record_event(connection, alert, event, now) is not None
    return written


def _matches(
    connection: Connection,
    alert: AlertRow,
    article: ArrivingArticle,
    symbols: set[str],
    slugs: set[str],
) -> bool:
    if alert.topic_kind == Topic.SEARCH:
        return SavedSearch.parse(alert.topic_key or "").matches(article.title, article.text)
    if alert.topic_kind == Topic.WATCHLIST:
        watched = (
            select(watchlist_items.c.symbol)
            .join(watchlists)
            .where(watchlists.c.member_id == alert.member_id, watchlist_items.c.symbol.in_(symbols))
        )
        followed = select(follows.c.slug).where(
            follows.c.member_id == alert.member_id, follows.c.slug.in_(slugs)
        )
        return (
            connection.execute(watched.limit(1)).first() is not None
            or connection.execute(followed.limit(1)).first() is not None
        )
    return True
