"""Deliveries: one row per alert event and channel (webhook, ntfy, email), the outbox that
:mod:`tickerwire.alerts.outbox` works through.

What holds:

- **Durable.** :func:`add_deliveries` writes the rows on the caller's connection, inside
  the transaction that writes the event: an event is never stored without its deliveries,
  nor a delivery without its event.
- **Once per trigger.** A row is unique per event and channel, so adding the deliveries of
  an event twice adds nothing; its ``delivery_key`` (a UUID) is the id its receiver sees.
- **One sender at a time.** A worker claims due rows by setting ``lease_until`` in one
  conditional UPDATE (with ``SKIP LOCKED`` on PostgreSQL); a row leased by a live worker is
  skipped by every other, and a row whose worker died is due again when its lease ends.
  A send that finished but was not recorded (the worker died in between) is sent again:
  delivery is at least once, and the key lets a receiver drop the second copy.
- **Visible.** Every row keeps its state (pending, digest, sent, failed), its attempts, its
  next attempt and its last error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import uuid4

from sqlalchemy import Connection, Engine, RowMapping, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tickerwire.alerts.quiet import quiet_end
from tickerwire.store.schema import alert_events, alert_preferences, alerts, deliveries

Channel = Literal["webhook", "ntfy", "email"]
CHANNELS: tuple[Channel, ...] = ("webhook", "ntfy", "email")
LEASE = timedelta(minutes=5)
"""How long a claimed delivery is a worker's: longer than any one send may take."""


@dataclass(frozen=True)
class Preferences:
    """Where a member's alerts go besides the inbox, and when not to disturb them."""

    member_id: int
    webhook_url: str | None = None
    webhook_secret: str | None = None
    ntfy_topic: str | None = None
    email: str | None = None
    email_digest: bool = False
    quiet_from: int | None = None
    quiet_until: int | None = None
    time_zone: str = "UTC"

    def channels(self) -> list[Channel]:
        """The channels set up, in a fixed order; a webhook needs its secret too."""
        chosen: list[Channel] = []
        if self.webhook_url and self.webhook_secret:
            chosen.append("webhook")
        if self.ntfy_topic:
            chosen.append("ntfy")
        if self.email:
            chosen.append("email")
        return chosen

    def quiet_end(self, now: datetime) -> datetime | None:
        return quiet_end(now, self.quiet_from, self.quiet_until, self.time_zone)


@dataclass(frozen=True)
class Delivery:
    """A delivery as its member sees it: where, in which state, and what went wrong."""

    id: int
    event_id: int
    member_id: int
    channel: Channel
    delivery_key: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None


@dataclass(frozen=True)
class Trigger:
    """What fired, as every channel words it: the event and the alert it came from."""

    event_id: int
    title: str
    summary: str
    link: str
    data: dict[str, Any]
    fired_at: datetime
    alert_id: int
    kind: str
    label: str
    symbol: str | None
    condition: str | None
    level: float | None
    topic_kind: str | None
    topic_key: str | None


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker holds the lease of, with what it needs to send it."""

    delivery: Delivery
    trigger: Trigger
    preferences: Preferences


def _preferences(row: RowMapping) -> Preferences:
    return Preferences(**{k: row[k] for k in Preferences.__dataclass_fields__})


def preferences_of(connection: Connection, member_id: int) -> Preferences | None:
    row = (
        connection.execute(
            select(alert_preferences).where(alert_preferences.c.member_id == member_id)
        )
        .mappings()
        .first()
    )
    return _preferences(row) if row is not None else None


def add_deliveries(connection: Connection, event_id: int, member_id: int, now: datetime) -> None:
    """Add the deliveries of a new event, one per channel the member has set up, on the
    caller's connection (so in the event's own transaction).

    A delivery is due at once, or when the member's quiet hours end; an email is kept for
    the daily digest instead when the member asked for one. Adding them again for the
    same event adds nothing.
    """
    chosen = preferences_of(connection, member_id)
    if chosen is None or not chosen.channels():
        return
    due = chosen.quiet_end(now) or now
    rows = [
        {
            "event_id": event_id,
            "member_id": member_id,
            "channel": channel,
            "delivery_key": str(uuid4()),
            "state": "digest" if channel == "email" and chosen.email_digest else "pending",
            "attempts": 0,
            # A digest row keeps the time it was added: the digest takes those older than
            # its own hour (alerts/outbox.py).
            "next_attempt_at": now if channel == "email" and chosen.email_digest else due,
        }
        for channel in chosen.channels()
    ]
    insert: Any = (
        postgresql.insert(deliveries)
        if connection.dialect.name == "postgresql"
        else sqlite.insert(deliveries)
    )
    connection.execute(insert.on_conflict_do_nothing(index_elements=["event_id", "channel"]), rows)


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(**{k: row[k] for k in Delivery.__dataclass_fields__})


# The event's id comes from the delivery row itself, which the join makes the same.
_TRIGGER_COLUMNS = (
    alert_events.c.title,
    alert_events.c.summary,
    alert_events.c.link,
    alert_events.c.data,
    alert_events.c.fired_at,
    alerts.c.id.label("alert_id"),
    alerts.c.kind,
    alerts.c.label,
    alerts.c.symbol,
    alerts.c.condition,
    alerts.c.level,
    alerts.c.topic_kind,
    alerts.c.topic_key,
)


class DeliveryStore:
    """The outbox's reads and writes; each method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim_due(
        self, now: datetime, *, limit: int = 50, lease: timedelta = LEASE
    ) -> list[Claimed]:
        """Take up to ``limit`` pending deliveries whose time has come and that nobody
        holds; each is this caller's until ``now + lease``."""
        due = and_(
            deliveries.c.state == "pending",
            deliveries.c.next_attempt_at <= now,
            _unleased(now),
        )
        return self._claim(due, now, lease, limit)

    def members_with_digests(self, now: datetime) -> list[Preferences]:
        """The members who have email kept for a digest, with their preferences."""
        query = (
            select(alert_preferences)
            .where(
                alert_preferences.c.member_id.in_(
                    select(deliveries.c.member_id).where(
                        deliveries.c.state == "digest",
                        deliveries.c.next_attempt_at <= now,
                        _unleased(now),
                    )
                )
            )
            .order_by(alert_preferences.c.member_id)
        )
        with self._engine.connect() as connection:
            return [_preferences(row) for row in connection.execute(query).mappings()]

    def claim_digest(
        self, member_id: int, since: datetime, now: datetime, *, lease: timedelta = LEASE
    ) -> list[Claimed]:
        """Take a member's digest: the emails kept for it before ``since`` (the hour of
        today's digest) and those of a digest that failed whose retry is due."""
        due = and_(
            deliveries.c.member_id == member_id,
            deliveries.c.state == "digest",
            _unleased(now),
            or_(
                and_(deliveries.c.attempts == 0, deliveries.c.next_attempt_at < since),
                and_(deliveries.c.attempts > 0, deliveries.c.next_attempt_at <= now),
            ),
        )
        return self._claim(due, now, lease, 500)

    def sent(self, ids: Sequence[int], now: datetime) -> None:
        self._settle(
            ids, state="sent", sent_at=now, last_error=None, attempts=deliveries.c.attempts + 1
        )

    def retry(self, ids: Sequence[int], at: datetime, error: str) -> None:
        self._settle(ids, next_attempt_at=at, last_error=error, attempts=deliveries.c.attempts + 1)

    def failed(self, ids: Sequence[int], error: str) -> None:
        self._settle(ids, state="failed", last_error=error, attempts=deliveries.c.attempts + 1)

    def hold(self, ids: Sequence[int], until: datetime) -> None:
        """Put back deliveries claimed inside the member's quiet hours, due when they end;
        no attempt is counted."""
        self._settle(ids, next_attempt_at=until)

    def of_event(self, member_id: int, event_id: int) -> list[Delivery]:
        """The deliveries of one of the member's events, in channel order."""
        query = select(deliveries).where(
            deliveries.c.member_id == member_id, deliveries.c.event_id == event_id
        )
        with self._engine.connect() as connection:
            found = [_delivery(row) for row in connection.execute(query).mappings()]
        return sorted(found, key=lambda delivery: CHANNELS.index(delivery.channel))

    def of_member(self, member_id: int, *, limit: int = 100) -> list[Delivery]:
        """The member's latest deliveries, newest event first."""
        query = (
            select(deliveries)
            .where(deliveries.c.member_id == member_id)
            .order_by(deliveries.c.event_id.desc(), deliveries.c.id)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [_delivery(row) for row in connection.execute(query).mappings()]

    def _claim(self, due: Any, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
        chosen = (
            select(deliveries.c.id)
            .where(due)
            .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(deliveries)
            .where(deliveries.c.id.in_(chosen.scalar_subquery()), due)
            .values(lease_until=now + lease)
            .returning(deliveries.c.id)
        )
        query = (
            select(deliveries, *_TRIGGER_COLUMNS, *_PREFERENCE_COLUMNS)
            .join(alert_events, alert_events.c.id == deliveries.c.event_id)
            .join(alerts, alerts.c.id == alert_events.c.alert_id)
            .outerjoin(alert_preferences, alert_preferences.c.member_id == deliveries.c.member_id)
        )
        with self._engine.begin() as connection:
            ids = list(connection.execute(claim).scalars())
            if not ids:
                return []
            rows = connection.execute(
                query.where(deliveries.c.id.in_(ids)).order_by(deliveries.c.id)
            ).mappings()
            return [_claimed(row) for row in rows]

    def _settle(self, ids: Sequence[int], **values: Any) -> None:
        if not ids:
            return
        with self._engine.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(list(ids)))
                .values(lease_until=None, **values)
            )


_PREFERENCE_COLUMNS = tuple(
    column.label(f"pref_{column.name}")
    for column in alert_preferences.columns
    if column.name != "member_id"
)


def _unleased(now: datetime) -> Any:
    return or_(deliveries.c.lease_until.is_(None), deliveries.c.lease_until < now)


def _claimed(row: RowMapping) -> Claimed:
    preferences = Preferences(
        member_id=row["member_id"],
        **{
            column.name: row[f"pref_{column.name}"]
            for column in alert_preferences.columns
            if column.name != "member_id" and row[f"pref_{column.name}"] is not None
        },
    )
    return Claimed(
        _delivery(row), Trigger(**{k: row[k] for k in Trigger.__dataclass_fields__}), preferences
    )
