"""Deliveries are written with the event that caused them, one per channel the member set
up, once per event, due at once or when the member's quiet hours end; a claimed delivery
belongs to one worker until its lease runs out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from support.alert_rows import fire, member
from tickerwire.store.deliveries import DeliveryStore, add_deliveries

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
EVERYWHERE = {
    "webhook_url": "https://hooks.example.com/in",
    "webhook_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "ntfy_topic": "tw-alerts",
    "email": "reader@example.com",
}


def test_one_pending_delivery_per_channel_the_member_set_up(engine: sa.Engine) -> None:
    event_id = fire(engine, member(engine, **EVERYWHERE), NOON)
    found = DeliveryStore(engine).of_event(_member_of(engine, event_id), event_id)
    assert [(d.channel, d.state, d.next_attempt_at) for d in found] == [
        ("webhook", "pending", NOON),
        ("ntfy", "pending", NOON),
        ("email", "pending", NOON),
    ]
    assert all(uuid.UUID(d.delivery_key) for d in found)
    assert len({d.delivery_key for d in found}) == 3


def test_only_the_inbox_when_no_channel_is_set_up(engine: sa.Engine) -> None:
    without = fire(engine, member(engine), NOON)
    empty = fire(engine, member(engine, time_zone="UTC"), NOON)
    store = DeliveryStore(engine)
    assert store.of_event(_member_of(engine, without), without) == []
    assert store.of_event(_member_of(engine, empty), empty) == []


def test_a_webhook_without_its_secret_is_not_a_channel(engine: sa.Engine) -> None:
    event_id = fire(engine, member(engine, webhook_url="https://hooks.example.com/in"), NOON)
    assert DeliveryStore(engine).of_event(_member_of(engine, event_id), event_id) == []


def test_email_is_kept_for_the_digest_when_the_member_wants_one(engine: sa.Engine) -> None:
    event_id = fire(engine, member(engine, email="reader@example.com", email_digest=True), NOON)
    (email,) = DeliveryStore(engine).of_event(_member_of(engine, event_id), event_id)
    assert (email.channel, email.state) == ("email", "digest")


def test_adding_the_deliveries_of_an_event_again_adds_nothing(engine: sa.Engine) -> None:
    member_id = member(engine, **EVERYWHERE)
    event_id = fire(engine, member_id, NOON)
    store = DeliveryStore(engine)
    before = store.of_event(member_id, event_id)
    with engine.begin() as connection:
        add_deliveries(connection, event_id, member_id, NOON + timedelta(minutes=1))
    assert store.of_event(member_id, event_id) == before


def test_quiet_hours_hold_a_delivery_until_they_end(engine: sa.Engine) -> None:
    # 23:30 UTC is 18:30 in New York; quiet there from 18:00 to 08:00 (13:00 UTC).
    late = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    member_id = member(
        engine,
        ntfy_topic="tw-alerts",
        quiet_from=18 * 60,
        quiet_until=8 * 60,
        time_zone="America/New_York",
    )
    event_id = fire(engine, member_id, late)
    (ntfy,) = DeliveryStore(engine).of_event(member_id, event_id)
    assert ntfy.next_attempt_at == datetime(2026, 12, 4, 13, 0, tzinfo=UTC)
    assert DeliveryStore(engine).claim_due(late + timedelta(hours=13)) == []
    assert len(DeliveryStore(engine).claim_due(datetime(2026, 12, 4, 13, 0, tzinfo=UTC))) == 1


def test_a_claimed_delivery_is_nobody_elses_until_its_lease_ends(engine: sa.Engine) -> None:
    fire(engine, member(engine, ntfy_topic="tw-alerts"), NOON)
    store = DeliveryStore(engine)
    (claimed,) = store.claim_due(NOON, lease=timedelta(minutes=5))
    assert claimed.trigger.title == "SPX rose above 6,000"
    assert claimed.preferences.ntfy_topic == "tw-alerts"
    assert store.claim_due(NOON + timedelta(minutes=4)) == []
    (again,) = store.claim_due(NOON + timedelta(minutes=6))
    assert again.delivery.delivery_key == claimed.delivery.delivery_key


def test_a_sent_delivery_is_never_claimed_again(engine: sa.Engine) -> None:
    fire(engine, member(engine, ntfy_topic="tw-alerts"), NOON)
    store = DeliveryStore(engine)
    (claimed,) = store.claim_due(NOON)
    store.sent([claimed.delivery.id], NOON)
    assert store.claim_due(NOON + timedelta(days=1)) == []
    (sent,) = store.of_member(claimed.delivery.member_id)
    assert (sent.state, sent.attempts, sent.sent_at) == ("sent", 1, NOON)


def _member_of(engine: sa.Engine, event_id: int) -> int:
    from tickerwire.store.schema import alert_events

    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(alert_events.c.member_id).where(alert_events.c.id == event_id)
            ).scalar_one()
        )
