"""How numbers and times read on a finance page: fixed precision, explicit signs, arrows
for readers who cannot see the colour."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tickerwire.markets.calendar import format_duration


def price(value: float | None, precision: int) -> str:
    return "—" if value is None else f"{value:,.{precision}f}"


def signed(value: float | None, precision: int) -> str:
    if value is None:
        return "—"
    text = f"{abs(value):,.{precision}f}"
    if round(value, precision) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"({signed(value, 2)}%)"


def direction(value: float | None, precision: int) -> str:
    if value is None or round(value, precision) == 0:
        return "flat"
    return "up" if value > 0 else "down"


ARROWS = {"up": "▲", "down": "▼", "flat": "■"}


def clock_time(moment: datetime, zone: str) -> str:
    """'4:00 PM EST' today, 'Nov 21, 4:00 PM EST' otherwise, in the reader's zone."""
    local = moment.astimezone(ZoneInfo(zone))
    now = datetime.now(local.tzinfo)
    hour = local.strftime("%I:%M %p").lstrip("0")
    if local.date() == now.date():
        return f"{hour} {local.tzname()}"
    if local.year == now.year:
        return f"{local.strftime('%b')} {local.day}, {hour} {local.tzname()}"
    return f"{local.strftime('%b')} {local.day}, {local.year}"


def age(delta: timedelta) -> str:
    if delta < timedelta(minutes=1):
        return "just now"
    return f"{format_duration(delta)} ago"
