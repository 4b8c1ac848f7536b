"""When a price alert fires: on the crossing, once, and again only after the price has
gone back past a small band.

A rule is judged against each new quote with the alert's last state (armed or not). An
alert made while its condition already holds starts disarmed: it reports the next crossing,
not the state of the market at the moment it was made. The band keeps a price that
hovers around the level from firing on every tick.

Quotes that say nothing about the market are never judged: a stale quote (by its own
market's hours, markets/freshness.py), a simulated one unless the member asked for demo
data, and for a move "within the session" any quote while the session is not open, since
the session's open price is then yesterday's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tickerwire.instruments import Instrument
from tickerwire.markets import calendar
from tickerwire.markets.freshness import is_stale
from tickerwire.markets.quotes import Quote


class PriceCondition(StrEnum):
    ABOVE = "above"
    """The price crosses up through the level."""
    BELOW = "below"
    """The price crosses down through the level."""
    MOVE_SESSION = "move_session"
    """The price is ±level percent from the session's open."""
    MOVE_CLOSE = "move_close"
    """The price is ±level percent from the previous close."""


MOVES = frozenset({PriceCondition.MOVE_SESSION, PriceCondition.MOVE_CLOSE})


@dataclass(frozen=True)
class PriceRule:
    """What a member asked to hear about, for one instrument."""

    condition: PriceCondition
    level: float
    """A price for ABOVE and BELOW; a percentage, over zero, for the moves."""
    band_percent: float = 0.5
    """How far back past the level the price must go to re-arm: a percentage of the level
    for crossings, percentage points for moves."""

    def __post_init__(self) -> None:
        if self.condition in MOVES and not self.level > 0:
            raise ValueError("a move must be more than 0 %")
        if not 0 <= self.band_percent < 100:
            raise ValueError("the re-arm band must be between 0 and 100 %")

    @property
    def band(self) -> float:
        if self.condition in MOVES:
            return self.band_percent
        return abs(self.level) * self.band_percent / 100.0


@dataclass(frozen=True)
class Reading:
    """The quote judged, and the figure the rule looks at (a price or a percentage)."""

    quote: Quote
    value: float


@dataclass(frozen=True)
class Verdict:
    """The outcome of one quote: whether the alert fires and whether it stays armed."""

    fires: bool
    armed: bool
    reading: Reading


def reading(
    rule: PriceRule,
    instrument: Instrument,
    quote: Quote,
    now: datetime,
    stale_after: timedelta,
    *,
    demo: bool = False,
) -> Reading | None:
    """The figure the rule looks at, or None when this quote must not be judged."""
    if quote.simulated and not demo:
        return None
    if is_stale(instrument, quote, now, stale_after):
        return None
    if rule.condition is PriceCondition.MOVE_CLOSE:
        if quote.change_percent is None:
            return None
        return Reading(quote, quote.change_percent)
    if rule.condition is PriceCondition.MOVE_SESSION:
        if not quote.open or not calendar.market_status(instrument.calendar, now).is_open:
            return None
        return Reading(quote, (quote.price - quote.open) / abs(quote.open) * 100.0)
    return Reading(quote, quote.price)


def holds(rule: PriceRule, value: float) -> bool:
    """Whether the condition is met by this figure."""
    if rule.condition is PriceCondition.ABOVE:
        return value >= rule.level
    if rule.condition is PriceCondition.BELOW:
        return value <= rule.level
    return abs(value) >= rule.level


def _back_past_band(rule: PriceRule, value: float) -> bool:
    if rule.condition is PriceCondition.ABOVE:
        return value < rule.level - rule.band
    if rule.condition is PriceCondition.BELOW:
        return value > rule.level + rule.band
    return abs(value) < rule.level - rule.band


def starts_armed(rule: PriceRule, value: float | None) -> bool:
    """An alert made while its condition holds waits for the next crossing."""
    return value is None or not holds(rule, value)


def judge(rule: PriceRule, armed: bool, seen: Reading) -> Verdict:
    """Fire on the crossing; re-arm once the figure is back past the band."""
    if armed:
        fires = holds(rule, seen.value)
        return Verdict(fires=fires, armed=not fires, reading=seen)
    return Verdict(fires=False, armed=_back_past_band(rule, seen.value), reading=seen)
