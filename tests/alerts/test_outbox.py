"""The outbox sends each due delivery once, signed, through the guarded fetcher; retries
what failed with back-off until it fails for good; holds what falls in quiet hours; and
never sends one delivery twice, however many workers run it at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook

from alerts.conftest import OpenRuntime
from support.alert_rows import fire, member
from support.receiver import Answer, Receiver
from tickerwire.alerts.outbox import BACKOFF, deliver_due
from tickerwire.alerts.webhook import new_webhook_secret
from tickerwire.store.deliveries import DeliveryStore
from tickerwire.store.schema import alert_preferences

pytestmark = pytest.mark.anyio


def webhook_member(engine: sa.Engine, url: str, secret: str) -> int:
    return member(engine, webhook_url=url, webhook_secret=secret)


async def test_a_webhook_is_signed_so_the_receiver_can_verify_it(
    open_runtime: OpenRuntime,
) -> None:
    runtime = await open_runtime(public_url="https://news.example.org")
    secret = new_webhook_secret()
    with Receiver() as receiver:
        member_id = webhook_member(runtime.engine, receiver.url("/hook"), secret)
        event_id = fire(runtime.engine, member_id, runtime.now())
        report = await deliver_due(runtime)
    assert report.sent == 1
    (request,) = receiver.requests
    body = Webhook(secret).verify(request.body, request.headers)
    (delivery,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert request.headers["webhook-id"] == delivery.delivery_key == body["delivery_id"]
    assert request.headers["content-type"] == "application/json"
    assert body["version"] == 1 and body["type"] == "alert.price"
    assert body["event"]["link"] == "https://news.example.org/quote/SPX"
    assert delivery.state == "sent"


async def test_a_failed_webhook_is_retried_after_a_minute_and_sent_once(
    open_runtime: OpenRuntime,
) -> None:
    runtime = await open_runtime()
    now = runtime.now()
    with Receiver([500]) as receiver:
        member_id = webhook_member(runtime.engine, receiver.url("/hook"), new_webhook_secret())
        event_id = fire(runtime.engine, member_id, now)
        first = await deliver_due(runtime, now)
        (waiting,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
        too_soon = await deliver_due(runtime, now + timedelta(seconds=30))
        second = await deliver_due(runtime, now + BACKOFF[0])
        after = await deliver_due(runtime, now + timedelta(days=2))
    assert (first.retried, too_soon.sent, second.sent, after.sent) == (1, 0, 1, 0)
    assert waiting.next_attempt_at == now + BACKOFF[0]
    assert waiting.last_error is not None and "HTTP 500" in waiting.last_error
    ids = [request.headers["webhook-id"] for request in receiver.requests]
    assert len(ids) == 2 and ids[0] == ids[1]
    (sent,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert (sent.state, sent.attempts) == ("sent", 2)


async def test_a_delivery_that_keeps_failing_fails_for_good_with_its_last_error(
    open_runtime: OpenRuntime,
) -> None:
    runtime = await open_runtime()
    now = runtime.now()
    with Receiver([503] * 10) as receiver:
        member_id = webhook_member(runtime.engine, receiver.url("/hook"), new_webhook_secret())
        event_id = fire(runtime.engine, member_id, now)
        for wait in (timedelta(0), *BACKOFF):
            now += wait
            await deliver_due(runtime, now)
        await deliver_due(runtime, now + timedelta(days=3))
    assert len(receiver.requests) == len(BACKOFF) + 1
    (failed,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert (failed.state, failed.attempts) == ("failed", len(BACKOFF) + 1)
    assert failed.last_error is not None and "HTTP 503" in failed.last_error


async def test_a_webhook_to_a_private_address_is_refused_when_sent(
    open_runtime: OpenRuntime,
) -> None:
    # Saved while the admin allowed loopback, say; now they do not: nothing is sent.
    runtime = await open_runtime(loopback=False)
    with Receiver() as receiver:
        member_id = webhook_member(runtime.engine, receiver.url("/hook"), new_webhook_secret())
        event_id = fire(runtime.engine, member_id, runtime.now())
        report = await deliver_due(runtime)
    assert receiver.requests == []
    assert report.failed == 1
    (refused,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert refused.state == "failed"
    assert refused.last_error is not None and "not a public address" in refused.last_error


async def test_quiet_hours_hold_a_delivery_until_they_end(open_runtime: OpenRuntime) -> None:
    runtime = await open_runtime()
    night = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
    morning = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)
    with Receiver() as receiver:
        member_id = webhook_member(runtime.engine, receiver.url("/hook"), new_webhook_secret())
        event_id = fire(runtime.engine, member_id, night - timedelta(hours=2))
        # The member turned quiet hours on after the event fired and before it was sent.
        with runtime.engine.begin() as connection:
            connection.execute(
                sa.update(alert_preferences)
                .where(alert_preferences.c.member_id == member_id)
                .values(quiet_from=22 * 60, quiet_until=7 * 60)
            )
        held = await deliver_due(runtime, night)
        (waiting,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
        still_night = await deliver_due(runtime, morning - timedelta(minutes=1))
        sent = await deliver_due(runtime, morning)
    assert (held.held, still_night.sent, sent.sent) == (1, 0, 1)
    assert (waiting.state, waiting.attempts, waiting.next_attempt_at) == ("pending", 0, morning)
    assert len(receiver.requests) == 1


async def test_two_workers_at_once_never_send_a_delivery_twice(
    open_runtime: OpenRuntime,
) -> None:
    first, second = await open_runtime(), await open_runtime()
    with Receiver(delay=0.05) as receiver:
        secret = new_webhook_secret()
        members = [webhook_member(first.engine, receiver.url("/hook"), secret) for _ in range(6)]
        for member_id in members:
            fire(first.engine, member_id, first.now())
        reports = await asyncio.gather(deliver_due(first), deliver_due(second))
        await asyncio.gather(deliver_due(first), deliver_due(second))
    assert sum(report.sent for report in reports) == 6
    ids = [request.headers["webhook-id"] for request in receiver.requests]
    assert len(ids) == 6 and len(set(ids)) == 6


async def test_a_receivers_retry_after_lengthens_the_wait(open_runtime: OpenRuntime) -> None:
    runtime = await open_runtime()
    now = runtime.now()
    busy = Answer(429, (("Retry-After", "600"),))
    with Receiver([busy]) as receiver:
        member_id = webhook_member(runtime.engine, receiver.url("/hook"), new_webhook_secret())
        event_id = fire(runtime.engine, member_id, now)
        await deliver_due(runtime, now)
    (waiting,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert waiting.next_attempt_at == now + timedelta(minutes=10)


async def test_a_channel_removed_before_sending_fails_at_once_saying_so(
    open_runtime: OpenRuntime,
) -> None:
    runtime = await open_runtime()
    member_id = member(runtime.engine, ntfy_topic="tw-alerts")
    event_id = fire(runtime.engine, member_id, runtime.now())
    with runtime.engine.begin() as connection:
        connection.execute(
            sa.update(alert_preferences)
            .where(alert_preferences.c.member_id == member_id)
            .values(ntfy_topic=None)
        )
    assert (await deliver_due(runtime)).failed == 1
    (failed,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert (failed.state, failed.attempts) == ("failed", 1)
    assert failed.last_error == "the member no longer has an ntfy topic set up"
