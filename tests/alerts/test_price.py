"""A price alert fires once on the crossing, re-arms past a small band, and never judges a
quote that says nothing about the market."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tickerwire.alerts.price import (
    PriceCondition,
    PriceRule,
    Reading,
    judge,
    reading,
    starts_armed,
)
from tickerwire.instruments import DEFAULT_INSTRUMENTS, Registry
from tickerwire.markets.quotes import Quote

REGISTRY = Registry(DEFAULT_INSTRUMENTS)
SPX = REGISTRY.get("SPX")
STALE_AFTER = timedelta(minutes=15)
TUESDAY_NOON_NY = datetime(2026, 11, 17, 17, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 21, 17, 0, tzinfo=UTC)
ABOVE_6000 = PriceRule(PriceCondition.ABOVE, 6000.0, band_percent=0.5)


def quote(price: float, **fields: object) -> Quote:
    fields.setdefault("as_of", TUESDAY_NOON_NY)
    return Quote("SPX", price, provider="test", **fields)  # type: ignore[arg-type]


def walk(rule: PriceRule, prices: list[float], armed: bool = True) -> list[bool]:
    """Which of these prices, one after the other, fire the alert."""
    fired = []
    for price in prices:
        verdict = judge(rule, armed, Reading(quote(price), price))
        fired.append(verdict.fires)
        armed = verdict.armed
    return fired


def test_crossing_above_fires_once_however_long_the_price_stays_there() -> None:
    assert walk(ABOVE_6000, [5990, 6001, 6010, 6005, 6020]) == [False, True, False, False, False]


def test_it_re_arms_only_after_the_price_goes_back_past_the_band() -> None:
    # The band is 0.5 % of 6000 = 30: 5990 is not far enough back, 5960 is.
    prices = [6001, 5990, 6002, 5960, 6003]
    assert walk(ABOVE_6000, prices) == [True, False, False, False, True]


def test_crossing_below_mirrors_above() -> None:
    rule = PriceRule(PriceCondition.BELOW, 80.0, band_percent=1.0)
    assert walk(rule, [81, 79.9, 80.5, 80.9, 79]) == [False, True, False, False, True]


def test_a_negative_level_has_a_band_of_its_own_size() -> None:
    rule = PriceRule(PriceCondition.BELOW, -10.0, band_percent=10.0)
    assert rule.band == pytest.approx(1.0)
    assert walk(rule, [-9.0, -10.5, -9.5, -8.9, -11]) == [False, True, False, False, True]


def test_an_alert_made_while_its_condition_holds_waits_for_the_next_crossing() -> None:
    assert not starts_armed(ABOVE_6000, 6100.0)
    assert starts_armed(ABOVE_6000, 5900.0)
    assert starts_armed(ABOVE_6000, None)


def test_a_move_fires_either_way_by_its_size() -> None:
    rule = PriceRule(PriceCondition.MOVE_CLOSE, 2.0, band_percent=0.5)
    fired = []
    armed = True
    for change in [1.0, -2.1, -2.5, -1.2, 2.2]:
        verdict = judge(rule, armed, Reading(quote(100 + change, previous_close=100.0), change))
        fired.append(verdict.fires)
        armed = verdict.armed
    assert fired == [False, True, False, False, True]


def test_a_move_since_the_close_reads_the_quotes_percent_change() -> None:
    rule = PriceRule(PriceCondition.MOVE_CLOSE, 2.0)
    seen = reading(rule, SPX, quote(6150.0, previous_close=6000.0), TUESDAY_NOON_NY, STALE_AFTER)
    assert seen is not None and seen.value == pytest.approx(2.5)


def test_a_move_within_the_session_reads_against_the_open_while_the_market_trades() -> None:
    rule = PriceRule(PriceCondition.MOVE_SESSION, 1.0)
    seen = reading(rule, SPX, quote(5940.0, open=6000.0), TUESDAY_NOON_NY, STALE_AFTER)
    assert seen is not None and seen.value == pytest.approx(-1.0)


def test_a_move_within_the_session_is_not_judged_while_the_market_is_closed() -> None:
    rule = PriceRule(PriceCondition.MOVE_SESSION, 1.0)
    friday_close = quote(5940.0, open=6000.0, as_of=SATURDAY - timedelta(hours=26))
    assert reading(rule, SPX, friday_close, SATURDAY, STALE_AFTER) is None


def test_a_weekend_crossing_alert_still_reads_fridays_close() -> None:
    friday_close = quote(6010.0, as_of=datetime(2026, 11, 20, 21, 0, tzinfo=UTC))
    seen = reading(ABOVE_6000, SPX, friday_close, SATURDAY, STALE_AFTER)
    assert seen is not None and seen.value == 6010.0


def test_a_stale_quote_is_never_judged() -> None:
    old = quote(6100.0, as_of=TUESDAY_NOON_NY - timedelta(hours=1))
    assert reading(ABOVE_6000, SPX, old, TUESDAY_NOON_NY, STALE_AFTER) is None


def test_a_simulated_quote_is_judged_only_for_a_member_who_asked_for_demo_data() -> None:
    simulated = quote(6100.0, simulated=True)
    assert reading(ABOVE_6000, SPX, simulated, TUESDAY_NOON_NY, STALE_AFTER) is None
    seen = reading(ABOVE_6000, SPX, simulated, TUESDAY_NOON_NY, STALE_AFTER, demo=True)
    assert seen is not None and seen.value == 6100.0


@pytest.mark.parametrize("level", [0.0, -1.0])
def test_a_move_must_be_more_than_nothing(level: float) -> None:
    with pytest.raises(ValueError, match="more than 0"):
        PriceRule(PriceCondition.MOVE_CLOSE, level)
