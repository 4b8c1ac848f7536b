"""The failover chain, over small fake providers written for each behaviour."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from support.http_server import Reply
from support.provider_server import ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import AssetClass, Instrument, Registry
from tickerwire.markets.providers.base import Provider, ProviderError
from tickerwire.markets.providers.chain import FailoverChain
from tickerwire.markets.providers.stooq import StooqProvider
from tickerwire.markets.providers.yahoo import YahooProvider
from tickerwire.markets.quotes import Bar, Interval, Quote
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def instrument(symbol: str, **provider_symbols: str) -> Instrument:
    return Instrument(
        symbol=symbol,
        name=symbol,
        asset_class=AssetClass.INDEX,
        calendar="XNYS",
        provider_symbols=provider_symbols,
    )


SPX = instrument("SPX", first="^GSPC", second="^spx")
DJI = instrument("DJI", first="^DJI", second="^dji")
ONLY_SECOND = instrument("FTSE", second="^ukx")


def quote(symbol: str, provider: str, price: float = 100.0, age: float = 0.0) -> Quote:
    return Quote(symbol=symbol, price=price, as_of=NOW - timedelta(seconds=age), provider=provider)


@dataclass
class FakeProvider:
    """Answers from a fixed table, or raises ``error``; records what it was asked."""

    name: str
    answers: dict[str, Quote] = field(default_factory=dict)
    bars: list[Bar] = field(default_factory=list)
    error: Exception | None = None
    asked: list[list[str]] = field(default_factory=list)
    closed: bool = False
    simulated: bool = False

    def supports(self, instrument: Instrument) -> bool:
        return instrument.symbol_at(self.name) is not None

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        self.asked.append([i.symbol for i in instruments])
        if self.error is not None:
            raise self.error
        return {i.symbol: self.answers[i.symbol] for i in instruments if i.symbol in self.answers}

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        self.asked.append([instrument.symbol])
        if self.error is not None:
            raise self.error
        return self.bars

    async def aclose(self) -> None:
        self.closed = True


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def chain(
    *providers: Provider,
    clock: Clock | None = None,
    is_stale: Callable[[Instrument, Quote], bool] = lambda instrument, quote: False,
) -> FailoverChain:
    return FailoverChain(
        providers, retry_base=30.0, retry_max=300.0, clock=clock or Clock(), is_stale=is_stale
    )


def bar(provider: str) -> Bar:
    return Bar("SPX", Interval.D1, NOW, 1.0, 2.0, 0.5, 1.5, provider=provider)


def test_fake_provider_satisfies_the_protocol() -> None:
    assert isinstance(FakeProvider("first"), Provider)


async def test_first_provider_answers_and_the_next_is_not_asked() -> None:
    first = FakeProvider("first", {"SPX": quote("SPX", "first")})
    second = FakeProvider("second", {"SPX": quote("SPX", "second")})
    result = await chain(first, second).quotes([SPX])
    assert result["SPX"].provider == "first"
    assert second.asked == []


async def test_a_symbol_missing_from_one_answer_goes_to_the_next_provider() -> None:
    first = FakeProvider("first", {"SPX": quote("SPX", "first")})
    second = FakeProvider("second", {"DJI": quote("DJI", "second")})
    result = await chain(first, second).quotes([SPX, DJI])
    assert {s: q.provider for s, q in result.items()} == {"SPX": "first", "DJI": "second"}
    assert second.asked == [["DJI"]]


async def test_providers_are_only_asked_for_instruments_they_support() -> None:
    first = FakeProvider("first", {"SPX": quote("SPX", "first")})
    second = FakeProvider("second", {"FTSE": quote("FTSE", "second")})
    result = await chain(first, second).quotes([SPX, ONLY_SECOND])
    assert first.asked == [["SPX"]]
    assert result["FTSE"].provider == "second"


async def test_a_failing_provider_is_skipped_and_recorded() -> None:
    first = FakeProvider("first", error=ProviderError("first", "HTTP 500"))
    second = FakeProvider("second", {"SPX": quote("SPX", "second")})
    the_chain = chain(first, second)
    result = await the_chain.quotes([SPX])
    assert result["SPX"].provider == "second"
    health = the_chain.health()[0]
    assert (health.consecutive_failures, health.last_error) == (1, "first: HTTP 500")
    assert health.last_error_at == NOW


async def test_an_unexpected_exception_from_a_provider_does_not_escape() -> None:
    first = FakeProvider("first", error=RuntimeError("bug"))
    assert await chain(first).quotes([SPX]) == {}


async def test_a_provider_in_back_off_is_not_asked_until_its_retry_time() -> None:
    clock = Clock()
    first = FakeProvider("first", error=ProviderError("first", "down"))
    the_chain = chain(first, clock=clock)
    await the_chain.quotes([SPX])
    clock.advance(29)
    await the_chain.quotes([SPX])
    assert len(first.asked) == 1
    clock.advance(1)
    await the_chain.quotes([SPX])
    assert len(first.asked) == 2


async def test_back_off_doubles_with_each_failure_up_to_the_maximum() -> None:
    clock = Clock()
    first = FakeProvider("first", error=ProviderError("first", "down"))
    the_chain = chain(first, clock=clock)
    waits = []
    for _ in range(6):
        await the_chain.quotes([SPX])
        retry_at = the_chain.health()[0].next_retry_at
        assert retry_at is not None
        waits.append((retry_at - clock.now).total_seconds())
        clock.now = retry_at
    assert waits == [30, 60, 120, 240, 300, 300]


async def test_retry_after_from_the_provider_sets_the_back_off() -> None:
    first = FakeProvider("first", error=ProviderError("first", "HTTP 429", retry_after=7.0))
    the_chain = chain(first)
    await the_chain.quotes([SPX])
    assert the_chain.health()[0].next_retry_at == NOW + timedelta(seconds=7)


async def test_success_clears_the_failure_count_and_back_off() -> None:
    clock = Clock()
    first = FakeProvider("first", error=ProviderError("first", "down"))
    the_chain = chain(first, clock=clock)
    await the_chain.quotes([SPX])
    first.error = None
    first.answers = {"SPX": quote("SPX", "first")}
    clock.advance(30)
    await the_chain.quotes([SPX])
    health = the_chain.health()[0]
    assert (health.consecutive_failures, health.next_retry_at) == (0, None)
    assert health.last_ok_at == clock.now


async def test_a_stale_answer_is_handed_to_the_next_provider() -> None:
    first = FakeProvider("first", {"SPX": quote("SPX", "first", age=3600)})
    second = FakeProvider("second", {"SPX": quote("SPX", "second", age=10)})
    the_chain = chain(first, second, is_stale=lambda i, q: q.age(NOW) > timedelta(minutes=15))
    result = await the_chain.quotes([SPX])
    assert result["SPX"].provider == "second"


async def test_the_freshest_stale_answer_is_returned_when_nobody_has_better() -> None:
    first = FakeProvider("first", {"SPX": quote("SPX", "first", age=7200)})
    second = FakeProvider("second", {"SPX": quote("SPX", "second", age=3600)})
    result = await chain(first, second, is_stale=lambda i, q: True).quotes([SPX])
    assert result["SPX"].provider == "second"


async def test_health_lists_every_provider_in_failover_order() -> None:
    the_chain = chain(FakeProvider("first"), FakeProvider("second"))
    assert [h.name for h in the_chain.health()] == ["first", "second"]


async def test_history_comes_from_the_first_provider_with_bars() -> None:
    first = FakeProvider("first")
    second = FakeProvider("second", bars=[bar("second")])
    bars = await chain(first, second).history(SPX, NOW, NOW, Interval.D1)
    assert [b.provider for b in bars] == ["second"]


async def test_history_skips_a_failing_provider() -> None:
    first = FakeProvider("first", error=ProviderError("first", "down"))
    second = FakeProvider("second", bars=[bar("second")])
    the_chain = chain(first, second)
    bars = await the_chain.history(SPX, NOW, NOW, Interval.D1)
    assert [b.provider for b in bars] == ["second"]
    assert the_chain.health()[0].consecutive_failures == 1


async def test_history_is_empty_when_no_provider_has_bars() -> None:
    assert await chain(FakeProvider("first")).history(SPX, NOW, NOW, Interval.D1) == []


async def test_aclose_closes_every_provider_even_if_one_fails() -> None:
    class Broken(FakeProvider):
        async def aclose(self) -> None:
            raise RuntimeError("cannot close")

    broken, fine = Broken("first"), FakeProvider("second")
    await chain(broken, fine).aclose()
    assert fine.closed


async def test_real_providers_fail_over_when_the_first_answers_500(
    server: ProviderServer, provider_settings: ProviderSettings, fetcher: Fetcher
) -> None:
    server.route("/v8/finance/chart/^GSPC", Reply(500, b"oops"))
    server.serve_file("/q/l/", "stooq/quotes.csv")
    yahoo = YahooProvider(provider_settings, fetcher, max_bytes=65536)
    stooq = StooqProvider(provider_settings, fetcher, max_bytes=65536)
    # The fixture's quote is of 2024-11-22's close: the chain asks on the Monday after.
    monday = Clock()
    monday.now = datetime(2024, 11, 25, 14, 0, tzinfo=UTC)
    the_chain = FailoverChain([yahoo, stooq], retry_base=30.0, retry_max=300.0, clock=monday)
    spx = Registry.build().get("SPX")
    result = await the_chain.quotes([spx])
    assert result["SPX"].provider == "stooq"
    assert the_chain.health()[0].consecutive_failures == 1
