"""When a member does not want to be disturbed, and when their daily digest is due.

Quiet hours are two minutes of the day (``quiet_from``, ``quiet_until``) in the member's own
zone; a span whose end comes before its start wraps past midnight (22:00 to 07:00). A
delivery due inside them waits until they end. Both rules are pure: they take the time
and give a time, so they are the same on every worker and in every test.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60


def zone_of(name: str | None) -> tzinfo:
    """The member's zone; one the system does not know (or none) counts as UTC."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _at(day: datetime, minute: int, zone: tzinfo) -> datetime:
    local = datetime.combine(day.date(), time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


def quiet_end(
    now: datetime, quiet_from: int | None, quiet_until: int | None, time_zone: str | None
) -> datetime | None:
    """The end of the quiet hours ``now`` falls in (UTC), or None when it falls in none.

    No quiet hours are set when either bound is missing or both are the same minute.
    """
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return None
    zone = zone_of(time_zone)
    local = now.astimezone(zone)
    minute = local.hour * 60 + local.minute
    start, end = quiet_from % MINUTES_PER_DAY, quiet_until % MINUTES_PER_DAY
    if start < end:
        return _at(local, end, zone) if start <= minute < end else None
    if minute < end:  # after midnight, before the end: it ends today
        return _at(local, end, zone)
    if minute >= start:  # before midnight: it ends tomorrow
        return _at(local + timedelta(days=1), end, zone)
    return None


def last_digest_time(now: datetime, digest_hour: int, time_zone: str | None) -> datetime:
    """The latest moment at or before ``now`` when the member's daily digest was due:
    ``digest_hour`` o'clock in their zone, today or else yesterday (UTC)."""
    zone = zone_of(time_zone)
    local = now.astimezone(zone)
    today = _at(local, digest_hour * 60, zone)
    return today if today <= now else _at(local - timedelta(days=1), digest_hour * 60, zone)
