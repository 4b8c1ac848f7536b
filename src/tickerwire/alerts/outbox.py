"""The outbox: sends the deliveries that are due, and each member's daily digest.

Every call claims what it sends under a lease (:class:`~tickerwire.store.deliveries.
DeliveryStore`), so two workers, or two ticks of one, never send the same delivery at once;
a delivery whose send finished is marked sent and never claimed again. What failed is tried
again after 1 min, 5 min, 30 min, 2 h and 12 h (longer if the receiver's Retry-After says
so), then recorded as failed with its last error. What retrying cannot mend (a webhook URL
that is refused, a channel the member removed, a portal with no mail server) fails at once.
A delivery claimed inside its member's quiet hours goes back, due when they end, with no
attempt counted. The semantics are at least once: a worker that dies between sending and
recording leaves the delivery to be sent again when its lease ends, with the same delivery
id, which receivers use to drop the copy.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiosmtplib import SMTPException

from tickerwire.alerts import email, ntfy, webhook
from tickerwire.alerts.email import SMTP_TIMEOUT
from tickerwire.alerts.quiet import last_digest_time
from tickerwire.net.errors import BlockedURL, FetchError, HTTPStatusError
from tickerwire.store.deliveries import LEASE, Claimed, DeliveryStore

if TYPE_CHECKING:
    from tickerwire.runtime import Runtime

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
"""The wait after each failed attempt; the attempt after the last wait is the last."""
MAX_WAIT = timedelta(hours=24)
"""A receiver's Retry-After is followed up to this."""
ERROR_CHARS = 500
PER_PASS = 200
"""Deliveries one pass sends at most; a backlog drains over the next passes."""


class Permanent(Exception):
    """A failure that sending again will not mend."""


@dataclass
class DeliveryReport:
    """What one pass of the outbox did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0
    errors: list[str] = field(default_factory=list)


def next_attempt(attempts: int, now: datetime, retry_after: float | None = None) -> datetime | None:
    """When to try again after the ``attempts``-th attempt failed; None when that was the
    last one."""
    if attempts > len(BACKOFF):
        return None
    wait = BACKOFF[attempts - 1]
    if retry_after is not None:
        wait = min(max(wait, timedelta(seconds=retry_after)), MAX_WAIT)
    return now + wait


async def deliver_due(runtime: Runtime, now: datetime | None = None) -> DeliveryReport:
    """Send the pending deliveries that are due, up to :data:`PER_PASS` (the next pass
    takes the rest), ``jobs.concurrency`` at a time.

    Each batch is claimed just before it is sent, so no lease runs out while its delivery
    waits behind others: a lease outlasts the longest one send may take.
    """
    now = now or runtime.now()
    store = DeliveryStore(runtime.engine)
    report = DeliveryReport()
    batch = runtime.settings.jobs.concurrency
    lease = max(LEASE, timedelta(seconds=3 * max(runtime.settings.fetch.deadline, SMTP_TIMEOUT)))
    handled = 0
    while handled < PER_PASS:
        claimed = await asyncio.to_thread(store.claim_due, now, limit=batch, lease=lease)
        if not claimed:
            break
        await asyncio.gather(*(_deliver(runtime, store, one, now, report) for one in claimed))
        handled += len(claimed)
    return report


async def _deliver(
    runtime: Runtime, store: DeliveryStore, claimed: Claimed, now: datetime, report: DeliveryReport
) -> None:
    delivery = claimed.delivery
    quiet = claimed.preferences.quiet_end(now)
    if quiet is not None:
        await asyncio.to_thread(store.hold, [delivery.id], quiet)
        report.held += 1
        return
    try:
        await _send(runtime, claimed, now)
    except Exception as error:
        await _record_failure(store, [delivery.id], delivery.attempts + 1, error, now, report)
    else:
        await asyncio.to_thread(store.sent, [delivery.id], now)
        report.sent += 1


async def _send(runtime: Runtime, claimed: Claimed, now: datetime) -> None:
    delivery, trigger, chosen = claimed.delivery, claimed.trigger, claimed.preferences
    alerts = runtime.settings.alerts
    if delivery.channel == "webhook":
        if not (chosen.webhook_url and chosen.webhook_secret):
            raise Permanent("the member no longer has a webhook set up")
        try:
            url = await webhook.vet_webhook_url(
                chosen.webhook_url, runtime.settings.fetch, runtime.fetcher
            )
        except webhook.UnsafeWebhookURL as error:
            raise Permanent(str(error)) from error
        await webhook.send_webhook(
            runtime.fetcher,
            url,
            chosen.webhook_secret,
            delivery.delivery_key,
            trigger,
            public_url=alerts.public_url,
            now=now,
        )
    elif delivery.channel == "ntfy":
        if not chosen.ntfy_topic:
            raise Permanent("the member no longer has an ntfy topic set up")
        message = ntfy.ntfy_message(chosen.ntfy_topic, trigger, alerts.public_url)
        await ntfy.publish(runtime.fetcher, alerts.ntfy_server, alerts.ntfy_token, message)
    elif delivery.channel == "email":
        if not chosen.email:
            raise Permanent("the member no longer has an email address set up")
        mail = email.alert_email(chosen.email, delivery.delivery_key, trigger, alerts, now)
        await email.send_email(mail, chosen.email, alerts)
    else:
        raise Permanent(f"no such channel: {delivery.channel}")


async def _record_failure(
    store: DeliveryStore,
    ids: list[int],
    attempts: int,
    error: Exception,
    now: datetime,
    report: DeliveryReport,
) -> None:
    text = _describe(error)[:ERROR_CHARS]
    retry_after = error.retry_after if isinstance(error, HTTPStatusError) else None
    at = None if _is_permanent(error) else next_attempt(attempts, now, retry_after)
    if at is None:
        await asyncio.to_thread(store.failed, ids, text)
        report.failed += len(ids)
        log.warning("alert delivery failed for good after %d attempts: %s", attempts, text)
    else:
        await asyncio.to_thread(store.retry, ids, at, text)
        report.retried += len(ids)
    report.errors.append(text)


def _is_permanent(error: Exception) -> bool:
    return isinstance(error, Permanent | BlockedURL | email.EmailNotSetUp)


def _describe(error: Exception) -> str:
    if isinstance(error, FetchError | Permanent | email.EmailNotSetUp):
        return str(error)
    if isinstance(error, SMTPException | OSError | TimeoutError):
        return f"mail server: {error}" if str(error) else f"mail server: {type(error).__name__}"
    log.exception("alert delivery raised", exc_info=error)
    return f"{type(error).__name__}: {error}"


async def send_digests(runtime: Runtime, now: datetime | None = None) -> DeliveryReport:
    """Send each member whose digest hour has passed today (in their zone, outside their
    quiet hours) one email of the events kept for it since the last one."""
    now = now or runtime.now()
    store = DeliveryStore(runtime.engine)
    alerts = runtime.settings.alerts
    report = DeliveryReport()
    for chosen in await asyncio.to_thread(store.members_with_digests, now):
        if chosen.quiet_end(now) is not None:
            continue
        since = last_digest_time(now, alerts.digest_hour, chosen.time_zone)
        claimed = await asyncio.to_thread(store.claim_digest, chosen.member_id, since, now)
        if not claimed:
            continue
        ids = [item.delivery.id for item in claimed]
        attempts = max(item.delivery.attempts for item in claimed) + 1
        try:
            if not chosen.email:
                raise Permanent("the member no longer has an email address set up")
            items = [(item.delivery.delivery_key, item.trigger) for item in claimed]
            mail = email.digest_email(chosen.email, items, alerts, now)
            await email.send_email(mail, chosen.email, alerts)
        except Exception as error:
            await _record_failure(store, ids, attempts, error, now, report)
        else:
            await asyncio.to_thread(store.sent, ids, now)
            report.sent += len(ids)
    return report
