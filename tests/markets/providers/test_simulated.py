"""The simulated provider: deterministic, session-aware, realistic, and always labelled."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tickerwire.instruments import DEFAULT_INSTRUMENTS, Registry
from tickerwire.markets.providers.simulated import SimulatedProvider
from tickerwire.markets.quotes import Interval

pytestmark = pytest.mark.anyio
REGISTRY = Registry(DEFAULT_INSTRUMENTS)
SPX, BTC, N225 = REGISTRY.get("SPX"), REGISTRY.get("BTCUSD"), REGISTRY.get("N225")
FRIDAY_OPEN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 10:00 New York
SATURDAY = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def at(moment: datetime) -> SimulatedProvider:
    return SimulatedProvider(seed=7, clock=lambda: moment)


async def test_every_quote_is_marked_simulated() -> None:
    quotes = await at(FRIDAY_OPEN).quotes(list(REGISTRY))
    assert len(quotes) == 16
    assert all(q.simulated and q.provider == "simulated" for q in quotes.values())


async def test_the_same_seed_and_time_give_the_same_prices() -> None:
    first = await at(FRIDAY_OPEN).quotes([SPX, BTC])
    again = await at(FRIDAY_OPEN).quotes([SPX, BTC])
    assert {s: q.price for s, q in first.items()} == {s: q.price for s, q in again.items()}


async def test_another_seed_gives_another_path() -> None:
    one = await SimulatedProvider(seed=1, clock=lambda: FRIDAY_OPEN).quotes([SPX])
    two = await SimulatedProvider(seed=2, clock=lambda: FRIDAY_OPEN).quotes([SPX])
    assert one["SPX"].price != two["SPX"].price


async def test_prices_stay_near_the_instruments_realistic_level() -> None:
    quotes = await at(FRIDAY_OPEN).quotes(list(REGISTRY))
    for instrument in REGISTRY:
        ratio = quotes[instrument.symbol].price / (instrument.start_price or 1)
        assert 0.5 < ratio < 2.0, instrument.symbol


async def test_on_a_weekend_stocks_show_fridays_close_with_its_time() -> None:
    quote = (await at(SATURDAY).quotes([SPX]))["SPX"]
    assert quote.as_of == datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
    friday = (await at(quote.as_of).quotes([SPX]))["SPX"]
    assert quote.price == friday.price


async def test_crypto_keeps_trading_on_a_weekend() -> None:
    quote = (await at(SATURDAY).quotes([BTC]))["BTCUSD"]
    assert quote.as_of == SATURDAY


async def test_previous_close_is_the_prior_sessions_last_price() -> None:
    provider = at(FRIDAY_OPEN)
    quote = (await provider.quotes([SPX]))["SPX"]
    thursday_close = datetime(2026, 11, 19, 21, 0, tzinfo=UTC)
    assert quote.previous_close == provider.price_at(SPX, thursday_close)
    assert quote.change != 0


async def test_day_range_contains_open_and_last() -> None:
    quote = (await at(FRIDAY_OPEN + timedelta(hours=3)).quotes([SPX]))["SPX"]
    assert quote.day_low <= min(quote.open, quote.price)  # type: ignore[operator,type-var]
    assert quote.day_high >= max(quote.open, quote.price)  # type: ignore[operator,type-var]


async def test_daily_history_has_one_bar_per_trading_session() -> None:
    bars = await at(FRIDAY_OPEN).history(
        SPX, datetime(2026, 11, 16, tzinfo=UTC), FRIDAY_OPEN, Interval.D1
    )
    assert [b.start.day for b in bars] == [16, 17, 18, 19, 20]


async def test_the_last_daily_close_matches_the_quote_at_that_close() -> None:
    provider = at(SATURDAY)
    bars = await provider.history(SPX, datetime(2026, 11, 16, tzinfo=UTC), SATURDAY, Interval.D1)
    assert bars[-1].close == (await provider.quotes([SPX]))["SPX"].price


async def test_intraday_bars_cover_only_the_session_in_order() -> None:
    bars = await at(SATURDAY).history(
        N225, datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC), Interval.M5
    )
    assert bars and all(a.start < b.start for a, b in itertools.pairwise(bars))
    assert bars[0].start == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)  # 09:00 Tokyo
    assert bars[-1].start < datetime(2026, 11, 20, 6, 30, tzinfo=UTC)  # 15:30 Tokyo close


async def test_history_never_runs_past_the_providers_now() -> None:
    bars = await at(FRIDAY_OPEN).history(
        SPX, FRIDAY_OPEN - timedelta(hours=1), FRIDAY_OPEN + timedelta(hours=5), Interval.M1
    )
    assert bars[-1].start < FRIDAY_OPEN
