"""The chain per instrument: its own order, cross-checks between sources, distrust of a
source that says something absurd, and recovery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.chain import FailoverChain
from tickerwire.markets.quotes import Bar, Interval, Quote

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def index(symbol: str) -> Instrument:
    return Instrument(
        symbol=symbol,
        name=symbol,
        asset_class=AssetClass.INDEX,
        calendar="XNYS",
        provider_symbols={"a": symbol, "b": symbol, "c": symbol},
    )


SPX, FTSE = index("SPX"), index("FTSE")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Source:
    """Answers each symbol with ``prices[symbol]`` stamped now, or raises ``error``."""

    name: str
    clock: Clock
    prices: dict[str, float] = field(default_factory=dict)
    error: Exception | None = None
    asked: list[list[str]] = field(default_factory=list)
    simulated: bool = False

    def supports(self, instrument: Instrument) -> bool:
        return True

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        self.asked.append([i.symbol for i in instruments])
        if self.error is not None:
            raise self.error
        return {
            i.symbol: Quote(i.symbol, self.prices[i.symbol], self.clock(), self.name)
            for i in instruments
            if i.symbol in self.prices
        }

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        self.asked.append([instrument.symbol])
        return [Bar(instrument.symbol, Interval.D1, NOW, 1.0, 2.0, 0.5, 1.5, provider=self.name)]

    async def aclose(self) -> None:
        return None


def sources(*names: str, price: float = 6000.0) -> tuple[Clock, list[Source]]:
    clock = Clock()
    return clock, [Source(n, clock, {"SPX": price, "FTSE": price / 0.75}) for n in names]


def chain(providers: list[Source], clock: Clock, **options: object) -> FailoverChain:
    return FailoverChain(
        providers,
        retry_base=30.0,
        retry_max=300.0,
        clock=clock,
        **options,  # type: ignore[arg-type]
    )


def verdicts(the_chain: FailoverChain, symbol: str = "SPX") -> dict[str, str]:
    return {s.provider: s.verdict for s in the_chain.sources() if s.symbol == symbol}


async def test_each_instrument_asks_its_own_chain_first() -> None:
    clock, (a, b, c) = sources("a", "b", "c")
    the_chain = chain([a, b, c], clock, chains={"FTSE": ["c", "b"]})
    served = await the_chain.quotes([SPX, FTSE])
    assert served["SPX"].provider == "a"
    assert served["FTSE"].provider == "c"
    assert a.asked == [["SPX"]] and c.asked == [["FTSE"]] and b.asked == []


async def test_history_follows_the_instruments_chain_too() -> None:
    clock, (a, b) = sources("a", "b")
    bars = await chain([a, b], clock, chains={"index": ["b"]}).history(
        SPX, NOW - timedelta(days=5), NOW, Interval.D1
    )
    assert bars[0].provider == "b" and a.asked == []


async def test_a_source_turned_off_hands_every_instrument_to_the_next_within_one_poll() -> None:
    clock, (a, b) = sources("a", "b")
    a.error = ProviderError("a", "HTTP 503 from http://a.example/quote")
    served = await chain([a, b], clock, cross_check_sources=2).quotes([SPX, FTSE])
    assert {s: q.provider for s, q in served.items()} == {"SPX": "b", "FTSE": "b"}


async def test_two_sources_are_asked_and_agreeing_ones_are_both_recorded() -> None:
    clock, (a, b, c) = sources("a", "b", "c")
    the_chain = chain([a, b, c], clock, cross_check_sources=2)
    served = await the_chain.quotes([SPX])
    assert served["SPX"].provider == "a"
    assert verdicts(the_chain) == {"a": "trusted", "b": "agrees"}
    assert c.asked == []


async def test_a_disagreement_asks_a_third_source_and_the_majority_is_served() -> None:
    clock, (a, b, c) = sources("a", "b", "c")
    a.prices["SPX"] = 6300.0
    the_chain = chain([a, b, c], clock, cross_check_sources=2)
    served = await the_chain.quotes([SPX])
    assert served["SPX"].provider == "b"
    assert verdicts(the_chain) == {"a": "disagrees", "b": "trusted", "c": "agrees"}
    reason = {s.provider: s.reason for s in the_chain.sources()}["a"]
    assert reason == "+5.00 % from b (tolerance 0.5 %)"


async def test_an_absurd_jump_is_refused_and_the_next_source_serves() -> None:
    clock, (a, b) = sources("a", "b")
    the_chain = chain([a, b], clock)
    await the_chain.quotes([SPX])
    clock.now += timedelta(seconds=30)
    a.prices["SPX"] = 9500.0
    served = await the_chain.quotes([SPX])
    assert served["SPX"].provider == "b" and served["SPX"].price == 6000.0
    state = {s.provider: s for s in the_chain.sources()}["a"]
    assert state.verdict == "distrusted"
    assert state.reason == "jumped +58 % from 6,000.00 (a) in 1 min"


async def test_nothing_is_served_when_the_only_source_is_absurd() -> None:
    """The poller then stores nothing, so the last good quote stays with its age."""
    clock, (a,) = sources("a")
    a.prices["SPX"] = 0.0
    assert await chain([a], clock).quotes([SPX]) == {}


async def test_a_distrusted_source_is_trusted_again_when_it_agrees_with_the_trusted_one() -> None:
    clock, (a, b) = sources("a", "b")
    the_chain = chain([a, b], clock)
    await the_chain.quotes([SPX])
    clock.now += timedelta(seconds=30)
    a.prices["SPX"] = 9500.0
    await the_chain.quotes([SPX])
    clock.now += timedelta(seconds=30)
    a.prices["SPX"] = 6001.0
    served = await the_chain.quotes([SPX])
    assert served["SPX"].provider == "a"
    assert verdicts(the_chain)["a"] == "trusted"


async def test_a_distrusted_source_alone_needs_sane_answers_in_a_row_to_serve_again() -> None:
    clock, (a,) = sources("a")
    the_chain = chain([a], clock, recovery_answers=2)
    await the_chain.quotes([SPX])
    clock.now += timedelta(seconds=20)
    a.prices["SPX"] = 9500.0  # refused: a jump
    assert await the_chain.quotes([SPX]) == {}
    clock.now += timedelta(minutes=5)
    a.prices["SPX"] = 9510.0  # sane now the window has passed, but one answer is not enough
    assert await the_chain.quotes([SPX]) == {}
    clock.now += timedelta(minutes=5)
    assert (await the_chain.quotes([SPX]))["SPX"].price == 9510.0
