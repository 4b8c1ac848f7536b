"""Sanity: the quotes no market can print are refused, with the reason in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tickerwire.instruments import Registry
from tickerwire.markets.quotes import Quote
from tickerwire.markets.sanity import SanityRules, insanity

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
REGISTRY = Registry.build()
SPX, CL = REGISTRY.get("SPX"), REGISTRY.get("CL")
RULES = SanityRules()


def quote(price: float, *, symbol: str = "SPX", at: datetime = NOW, provider: str = "a") -> Quote:
    return Quote(symbol, price, at, provider, fetched_at=NOW)


def test_a_plausible_quote_passes() -> None:
    assert insanity(SPX, quote(6000.0), trusted=quote(5990.0), rules=RULES) is None


def test_a_price_of_zero_is_refused_for_an_index() -> None:
    assert insanity(SPX, quote(0.0), trusted=None, rules=RULES) == "price of 0"


def test_a_negative_price_is_refused_for_an_index_but_not_for_crude_futures() -> None:
    assert insanity(SPX, quote(-5.0), trusted=None, rules=RULES) == "negative price (-5)"
    assert insanity(CL, quote(-37.63, symbol="CL"), trusted=None, rules=RULES) is None


def test_a_fifty_percent_jump_within_a_minute_of_the_trusted_quote_is_refused() -> None:
    trusted = quote(6000.0, at=NOW - timedelta(seconds=30), provider="b")
    reason = insanity(SPX, quote(9100.0), trusted=trusted, rules=RULES)
    assert reason == "jumped +52 % from 6,000.00 (b) in 1 min"


def test_the_same_move_over_a_longer_time_is_not_judged_a_jump() -> None:
    trusted = quote(6000.0, at=NOW - timedelta(hours=2), provider="b")
    assert insanity(SPX, quote(9100.0), trusted=trusted, rules=RULES) is None


def test_a_stamp_from_the_future_is_refused() -> None:
    reason = insanity(SPX, quote(6000.0, at=NOW + timedelta(hours=3)), trusted=None, rules=RULES)
    assert reason == "stamped 3 h in the future"


def test_a_stamp_from_years_ago_is_refused() -> None:
    old = datetime(2023, 12, 1, 21, 0, tzinfo=UTC)
    reason = insanity(SPX, quote(4500.0, at=old), trusted=None, rules=RULES)
    assert reason is not None and reason.startswith("stamped 2023-12-01, ")
