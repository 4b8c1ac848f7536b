"""How an alert and what it reports read: in the inbox, a webhook, a push and an email alike,
so one wording serves every delivery."""

from __future__ import annotations

from tickerwire.alerts.news import Topic
from tickerwire.alerts.price import PriceCondition, PriceRule, Reading
from tickerwire.instruments import Instrument

_TOPIC_NAMES = {
    Topic.INSTRUMENT: "News on {}",
    Topic.ENTITY: "News on {}",
    Topic.SEARCH: "News matching “{}”",
    Topic.WATCHLIST: "News on my watchlists and follows",
}


def _price(instrument: Instrument, value: float) -> str:
    return f"{value:,.{instrument.precision}f}"


def price_label(instrument: Instrument, rule: PriceRule) -> str:
    if rule.condition is PriceCondition.ABOVE:
        return f"{instrument.label} above {_price(instrument, rule.level)}"
    if rule.condition is PriceCondition.BELOW:
        return f"{instrument.label} below {_price(instrument, rule.level)}"
    since = "the open" if rule.condition is PriceCondition.MOVE_SESSION else "the previous close"
    return f"{instrument.label} moves ±{rule.level:g} % from {since}"


def price_title(instrument: Instrument, rule: PriceRule, seen: Reading) -> str:
    if rule.condition is PriceCondition.ABOVE:
        return f"{instrument.label} rose above {_price(instrument, rule.level)}"
    if rule.condition is PriceCondition.BELOW:
        return f"{instrument.label} fell below {_price(instrument, rule.level)}"
    way = "up" if seen.value > 0 else "down"
    since = "on the session" if rule.condition is PriceCondition.MOVE_SESSION else "on the day"
    return f"{instrument.label} is {way} {abs(seen.value):.2f} % {since}"


def price_summary(instrument: Instrument, seen: Reading) -> str:
    quote = seen.quote
    change = quote.change_percent
    moved = f" ({change:+.2f} %)" if change is not None else ""
    simulated = " · SIMULATED" if quote.simulated else ""
    stamp = quote.as_of.strftime("%Y-%m-%d %H:%M UTC")
    return f"{_price(instrument, quote.price)} {instrument.currency}{moved} at {stamp}{simulated}"


def news_label(topic: Topic, name: str) -> str:
    return _TOPIC_NAMES[topic].format(name)
