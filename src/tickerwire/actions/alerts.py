"""A member's price and news alerts, their inbox and their delivery preferences."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta

from tickerwire.actions.common import ActionError
from tickerwire.actions.watchlists import checked_name, known_symbol
from tickerwire.alerts import price as price_alerts
from tickerwire.alerts import quiet as quiet_hours
from tickerwire.alerts import wording as alert_wording
from tickerwire.alerts.email import check_email_address
from tickerwire.alerts.news import SavedSearch, Topic
from tickerwire.alerts.ntfy import check_ntfy_topic
from tickerwire.alerts.price import PriceCondition, PriceRule
from tickerwire.alerts.webhook import UnsafeWebhookURL, check_webhook_url, new_webhook_secret
from tickerwire.markets.quotes import Quote
from tickerwire.net.guard import Allowlist
from tickerwire.runtime import Runtime
from tickerwire.store.alerts import AlertNotFound, AlertRow, AlertStore, EventRow, NewEvent
from tickerwire.store.deliveries import Preferences
from tickerwire.store.hosts import HostStore

ALERTS_MAX = 100
"""Alerts one member may keep: enough for any watchlist, few enough to judge every tick."""


def _alert_store(runtime: Runtime) -> AlertStore:
    return AlertStore(runtime.engine)


def _room_for_an_alert(runtime: Runtime, member_id: int) -> None:
    if len(_alert_store(runtime).of_member(member_id)) >= ALERTS_MAX:
        raise ActionError(f"you can keep at most {ALERTS_MAX} alerts; delete one first")


def create_price_alert(
    runtime: Runtime,
    member_id: int,
    symbol: str,
    condition: str,
    level: float,
    *,
    band_percent: float = 0.5,
    demo: bool = False,
) -> AlertRow:
    """A price alert, armed unless its condition already holds (it then waits for the next
    crossing rather than firing on the state of the market it was made in)."""
    instrument = runtime.registry.get(known_symbol(runtime, symbol))
    try:
        rule = PriceRule(PriceCondition(condition), float(level), band_percent)
    except ValueError as error:
        raise ActionError(f"that alert cannot be made: {error}") from None
    if not math.isfinite(rule.level) or abs(rule.level) > 1e12:
        raise ActionError("the level must be an ordinary number")
    _room_for_an_alert(runtime, member_id)
    quote = runtime.markets.latest_quotes().get(instrument.symbol)
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    seen = (
        price_alerts.reading(rule, instrument, quote, runtime.now(), stale_after, demo=True)
        if quote is not None
        else None
    )
    values = {
        "kind": "price",
        "label": alert_wording.price_label(instrument, rule),
        "symbol": instrument.symbol,
        "condition": rule.condition.value,
        "level": rule.level,
        "band_percent": rule.band_percent,
        "armed": price_alerts.starts_armed(rule, seen.value if seen else None),
        "demo": demo,
    }
    return _alert_store(runtime).create(member_id, values, runtime.now())


def create_news_alert(runtime: Runtime, member_id: int, topic: str, key: str = "") -> AlertRow:
    """A news alert on an instrument, an entity (by its tag slug), a saved search, or
    everything the member watches and follows."""
    try:
        kind = Topic(topic)
    except ValueError:
        raise ActionError(f"no such news alert: {topic!r}") from None
    key = key.strip()
    if kind is Topic.INSTRUMENT:
        instrument = runtime.registry.get(known_symbol(runtime, key))
        key, name = instrument.symbol, instrument.label
    elif kind is Topic.ENTITY:
        entity = runtime.news.entity(key) if key else None
        if entity is None:
            raise ActionError(f"no topic is tagged {key!r}")
        key, name = entity.slug, entity.name
    elif kind is Topic.SEARCH:
        key = checked_name(key, "a saved search")
        try:
            SavedSearch.parse(key)
        except ValueError as error:
            raise ActionError(str(error)) from None
        name = key
    else:
        key, name = "", ""
    _room_for_an_alert(runtime, member_id)
    values = {
        "kind": "news",
        "label": alert_wording.news_label(kind, name),
        "topic_kind": kind.value,
        "topic_key": key,
    }
    return _alert_store(runtime).create(member_id, values, runtime.now())


def alerts_of(runtime: Runtime, member_id: int) -> list[AlertRow]:
    return _alert_store(runtime).of_member(member_id)


def delete_alert(runtime: Runtime, member_id: int, alert_id: int) -> None:
    """Another member's alert id is refused just like one that never was."""
    try:
        _alert_store(runtime).delete(member_id, alert_id)
    except AlertNotFound:
        raise ActionError(f"you have no alert {alert_id}") from None


def inbox(runtime: Runtime, member_id: int, *, limit: int = 50) -> list[EventRow]:
    return _alert_store(runtime).inbox(member_id, limit=limit)


def unread_alerts(runtime: Runtime, member_id: int) -> int:
    return _alert_store(runtime).unread(member_id)


def mark_alerts_read(
    runtime: Runtime, member_id: int, event_ids: Sequence[int] | None = None
) -> int:
    """Mark the member's events read (all of them when ``event_ids`` is None)."""
    return _alert_store(runtime).mark_read(member_id, event_ids, runtime.now())


def check_price_alerts(runtime: Runtime, quotes: Sequence[Quote]) -> int:
    """Judge every price alert on these instruments against their new quotes; store each
    alert's new state with what it fired. How many alerts fired."""
    latest = {quote.symbol: quote for quote in quotes}
    if not latest:
        return 0
    store = _alert_store(runtime)
    now = runtime.now()
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    fired = 0
    for alert in store.price_alerts_for(latest):
        instrument = runtime.registry.get(alert.symbol or "")
        rule = PriceRule(
            PriceCondition(alert.condition or ""), alert.level or 0.0, alert.band_percent or 0.0
        )
        quote = latest[instrument.symbol]
        seen = price_alerts.reading(rule, instrument, quote, now, stale_after, demo=alert.demo)
        if seen is None:
            continue
        verdict = price_alerts.judge(rule, alert.armed, seen)
        if verdict.armed == alert.armed and not verdict.fires:
            continue
        event = (
            NewEvent(
                trigger=f"price:{alert.id}:{quote.as_of.isoformat()}",
                title=alert_wording.price_title(instrument, rule, seen),
                summary=alert_wording.price_summary(instrument, seen),
                link=f"/quote/{instrument.symbol}",
                data={
                    "symbol": instrument.symbol,
                    "price": quote.price,
                    "as_of": quote.as_of.isoformat(),
                    "simulated": quote.simulated,
                },
            )
            if verdict.fires
            else None
        )
        fired += store.judged(alert, verdict.armed, event, now) is not None
    return fired


@dataclass(frozen=True)
class SavedPreferences:
    """A member's alert preferences as saved; ``new_secret`` is the webhook secret when one
    was just made (shown once), else None."""

    preferences: Preferences
    new_secret: str | None


def alert_preferences_of(runtime: Runtime, member_id: int) -> Preferences:
    return _alert_store(runtime).preferences(member_id)


def _minute_of_day(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    hours, colon, minutes = text.partition(":")
    if not (colon and hours.isdigit() and minutes.isdigit()) or len(text) > 5:
        raise ActionError(f"{what} is a time of day like 22:00")
    if int(hours) > 23 or int(minutes) > 59:
        raise ActionError(f"{what} is a time of day like 22:00")
    return int(hours) * 60 + int(minutes)


def set_alert_preferences(
    runtime: Runtime,
    member_id: int,
    *,
    webhook_url: str = "",
    ntfy_topic: str = "",
    email: str = "",
    email_digest: bool = False,
    quiet_from: str = "",
    quiet_until: str = "",
    time_zone: str = "UTC",
    renew_secret: bool = False,
) -> SavedPreferences:
    """Where the member's alerts go besides the inbox, and when not to disturb them.

    A webhook URL is refused unless Tickerwire may send to it (public, no credentials;
    a private host only if an admin allowed it); its signing secret is made with the first
    URL (or when asked) and shown once.
    """
    before = _alert_store(runtime).preferences(member_id)
    url = webhook_url.strip() or None
    if url is not None:
        stored = Allowlist.parse(row.entry for row in HostStore(runtime.engine).allowed_hosts())
        try:
            url = check_webhook_url(url, runtime.settings.fetch, stored)
        except UnsafeWebhookURL as unsafe:
            raise ActionError(str(unsafe)) from None
    try:
        topic = check_ntfy_topic(ntfy_topic) if ntfy_topic.strip() else None
        address = check_email_address(email) if email.strip() else None
    except ValueError as refused:
        raise ActionError(str(refused)) from None
    zone = time_zone.strip() or "UTC"
    if zone != "UTC" and quiet_hours.zone_of(zone) is UTC:
        raise ActionError(f"no time zone is called {zone[:64]!r} (try Europe/London)")
    start = _minute_of_day(quiet_from, "the start of quiet hours")
    end = _minute_of_day(quiet_until, "the end of quiet hours")
    if (start is None) != (end is None):
        raise ActionError("quiet hours need both a start and an end")
    secret = before.webhook_secret
    made = None
    if url is not None and (secret is None or renew_secret):
        secret = made = new_webhook_secret()
    chosen = Preferences(
        member_id=member_id,
        webhook_url=url,
        webhook_secret=secret if url is not None else None,
        ntfy_topic=topic,
        email=address,
        email_digest=email_digest and address is not None,
        quiet_from=start,
        quiet_until=end,
        time_zone=zone,
    )
    _alert_store(runtime).save_preferences(chosen)
    return SavedPreferences(chosen, made)
