"""Whether a provider's quote could be real, before the chain serves or stores it.

Providers already drop what cannot be a number (``providers/convert.py``); this is the
second look, with what only the chain knows: the time the answer arrived and the last
quote it trusted for the instrument. A source that fails it is distrusted for that
instrument (see :mod:`tickerwire.markets.providers.chain`), so one bad feed can neither
move a price on the page nor write a wrong bar.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from tickerwire.config import ProviderSettings
from tickerwire.humanize import duration
from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets.quotes import Quote, may_go_negative


@dataclass(frozen=True)
class SanityRules:
    """The limits of a believable quote; :meth:`from_settings` reads them from settings."""

    jump_percent: Mapping[AssetClass, float] = field(
        default_factory=lambda: ProviderSettings().jump_percent
    )
    jump_window: timedelta = timedelta(minutes=1)
    max_ahead: timedelta = timedelta(hours=1)
    max_age: timedelta = timedelta(days=30)

    @classmethod
    def from_settings(cls, settings: ProviderSettings) -> SanityRules:
        return cls(
            jump_percent=dict(settings.jump_percent),
            jump_window=timedelta(seconds=settings.jump_window_seconds),
            max_ahead=timedelta(seconds=settings.max_ahead_seconds),
            max_age=timedelta(days=settings.max_age_days),
        )


def insanity(
    instrument: Instrument,
    quote: Quote,
    *,
    trusted: Quote | None,
    rules: SanityRules,
) -> str | None:
    """Why ``quote`` cannot be right, in one line for the provider page; None when it can.

    ``quote`` is as the provider stamped it (its clock unclamped); ``trusted`` is the last
    quote the chain served for the instrument, from whichever source.
    """
    price = quote.price
    if not math.isfinite(price):
        return f"price is not a number ({price!r})"
    if price == 0 and not may_go_negative(instrument):
        return "price of 0"
    if price < 0 and not may_go_negative(instrument):
        return f"negative price ({price:g})"
    arrived = quote.fetched_at or quote.as_of
    if quote.as_of - arrived > rules.max_ahead:
        return f"stamped {duration(quote.as_of - arrived)} in the future"
    if arrived - quote.as_of > rules.max_age:
        return f"stamped {quote.as_of.date().isoformat()}, {duration(arrived - quote.as_of)} ago"
    return _jump(instrument, quote, trusted, rules)


def _jump(
    instrument: Instrument, quote: Quote, trusted: Quote | None, rules: SanityRules
) -> str | None:
    if trusted is None or trusted.price == 0:
        return None
    elapsed = abs(quote.as_of - trusted.as_of)
    if elapsed > rules.jump_window:
        return None
    limit = rules.jump_percent.get(instrument.asset_class)
    move = (quote.price - trusted.price) / abs(trusted.price) * 100.0
    if limit is None or abs(move) <= limit:
        return None
    return (
        f"jumped {move:+.0f} % from {trusted.price:,.{instrument.precision}f} "
        f"({trusted.provider}) in {duration(elapsed)}"
    )
