"""The poller: fetch, fill session-aware previous closes, store idempotently, publish."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tickerwire.config import PollSettings
from tickerwire.instruments import DEFAULT_INSTRUMENTS, Instrument, Registry
from tickerwire.live.bus import LocalBus
from tickerwire.markets.poller import Poller
from tickerwire.markets.providers.chain import FailoverChain
from tickerwire.markets.providers.simulated import SimulatedProvider
from tickerwire.markets.quotes import Bar, Interval, Quote
from tickerwire.store.markets import MarketStore

pytestmark = pytest.mark.anyio
FRIDAY_MORNING = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
REGISTRY = Registry(i for i in DEFAULT_INSTRUMENTS if i.symbol in {"SPX", "BTCUSD", "FTSE"})


class CloseOnlyProvider:
    """Like Stooq: a last price, no previous close. Collaborator of the poller under test."""

    name = "closeonly"
    simulated = False

    def __init__(self, price: float, at: datetime) -> None:
        self.price, self.at = price, at

    def supports(self, instrument: Instrument) -> bool:
        return True

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        return {i.symbol: Quote(i.symbol, self.price, self.at, self.name) for i in instruments}

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        return []

    async def aclose(self) -> None:
        return None


def poller(
    engine: sa.Engine, provider: object, now: datetime, bus: LocalBus | None = None
) -> Poller:
    chain = FailoverChain([provider], retry_base=30, retry_max=3600, clock=lambda: now)  # type: ignore[list-item]
    return Poller(
        REGISTRY, chain, MarketStore(engine), bus or LocalBus(), PollSettings(), clock=lambda: now
    )


async def test_a_refresh_stores_one_quote_per_instrument(engine: sa.Engine) -> None:
    quotes = await poller(
        engine, SimulatedProvider(1, clock=lambda: FRIDAY_MORNING), FRIDAY_MORNING
    ).refresh()
    assert set(quotes) == {"SPX", "BTCUSD", "FTSE"}
    assert set(MarketStore(engine).latest_quotes()) == {"SPX", "BTCUSD", "FTSE"}


async def test_refreshing_twice_after_a_restart_duplicates_nothing(engine: sa.Engine) -> None:
    provider = SimulatedProvider(1, clock=lambda: FRIDAY_MORNING)
    await poller(engine, provider, FRIDAY_MORNING).refresh()
    await poller(engine, provider, FRIDAY_MORNING).refresh()  # a new process, same minute
    store = MarketStore(engine)
    assert store.count_bars("SPX", Interval.M1) == 1
    assert len(store.latest_quotes()) == 3


async def test_a_missing_previous_close_is_the_last_close_before_the_session(
    engine: sa.Engine,
) -> None:
    store = MarketStore(engine)
    thursday = Bar("SPX", Interval.D1, datetime(2026, 11, 19, tzinfo=UTC), *[6000.0] * 4)
    friday_so_far = Bar("SPX", Interval.D1, datetime(2026, 11, 20, tzinfo=UTC), *[6050.0] * 4)
    store.save_bars([thursday, friday_so_far])
    quotes = await poller(
        engine, CloseOnlyProvider(6060.0, FRIDAY_MORNING), FRIDAY_MORNING
    ).refresh([REGISTRY.get("SPX")])
    assert quotes["SPX"].previous_close == 6000.0
    assert quotes["SPX"].change == pytest.approx(60.0)


async def test_a_shut_market_shows_the_last_sessions_change_not_zero(engine: sa.Engine) -> None:
    provider = SimulatedProvider(1, clock=lambda: SATURDAY)
    quote = (await poller(engine, provider, SATURDAY).refresh([REGISTRY.get("SPX")]))["SPX"]
    assert quote.change not in (None, 0.0)


async def test_published_events_carry_price_and_change(engine: sa.Engine) -> None:
    bus = LocalBus()
    subscription = bus.subscribe({"SPX"})
    await poller(
        engine, SimulatedProvider(1, clock=lambda: FRIDAY_MORNING), FRIDAY_MORNING, bus
    ).refresh()
    event = await anext(aiter(subscription))
    assert event.data["symbol"] == "SPX" and event.data["change"] is not None


async def test_backfill_fills_the_sessions_minute_bars_and_recent_days(engine: sa.Engine) -> None:
    provider = SimulatedProvider(1, clock=lambda: FRIDAY_MORNING)
    await poller(engine, provider, FRIDAY_MORNING).backfill_sessions([REGISTRY.get("SPX")])
    store = MarketStore(engine)
    session_open = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)  # 9:30 in New York
    assert len(store.bars("SPX", Interval.M1, session_open, FRIDAY_MORNING)) == 30
    assert store.count_bars("SPX", Interval.D1) >= 250  # about a year of sessions


def test_markets_are_polled_often_while_open_and_rarely_while_shut(engine: sa.Engine) -> None:
    subject = poller(engine, CloseOnlyProvider(1.0, SATURDAY), SATURDAY)
    settings = PollSettings()
    spx, btc = REGISTRY.get("SPX"), REGISTRY.get("BTCUSD")
    assert subject.interval_for(spx, SATURDAY) == timedelta(seconds=settings.closed_seconds)
    assert subject.interval_for(btc, SATURDAY) == timedelta(seconds=settings.open_seconds)


async def test_run_polls_until_stopped_and_records_quotes(engine: sa.Engine) -> None:
    subject = poller(engine, SimulatedProvider(1, clock=lambda: FRIDAY_MORNING), FRIDAY_MORNING)
    stop = asyncio.Event()
    task = asyncio.create_task(subject.run(stop))
    for _ in range(100):
        if MarketStore(engine).latest_quotes():
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert set(MarketStore(engine).latest_quotes()) == {"SPX", "BTCUSD", "FTSE"}
