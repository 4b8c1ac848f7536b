"""Failover across providers, so a failing, lagging or lying source never empties the ribbon.

Each instrument asks the providers that know it in its own order (:mod:`..chains`). The
chain works in rounds: each round asks every instrument's next provider, one call per
provider with all the instruments it was given, until each instrument has
``cross_check_sources`` sane fresh answers or its chain runs out; when the answers
disagree without a majority, one more source is asked to settle it. Which answer is served
is :func:`tickerwire.markets.crosscheck.judge`'s rule.

A provider that fails is put in back-off (doubling from ``retry_base`` up to ``retry_max``,
or for as long as its Retry-After said) and skipped until then; a provider that has no
answer for a symbol, or only a stale one, hands that symbol to the next. When nobody has a
fresh quote, the freshest stale one is still returned: the page labels it stale, which is
better than a gap. Nothing a provider does makes the chain raise.

An answer that fails :func:`tickerwire.markets.sanity.insanity` (a zero, a 50 % jump in a
minute, a stamp from the future or from years ago) is refused and its source distrusted
for that instrument: its answers are still asked for and checked, never served, until
``recovery_answers`` sane ones in a row or one that agrees with the trusted source.

A quote stamped a little after the moment it arrived is clamped to that moment: a clock
that runs ahead would otherwise make its quote look newer than every real one until its
time passes. When a provider's clock is off by more than :data:`CLOCK_TOLERANCE`, its
health says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tickerwire.config import ProviderSettings
from tickerwire.instruments import Instrument
from tickerwire.markets import crosscheck, sanity
from tickerwire.markets.chains import ChainPlan
from tickerwire.markets.providers.base import Provider, ProviderError
from tickerwire.markets.quotes import Bar, Interval, Quote
from tickerwire.types import Clock, utc_now

log = logging.getLogger(__name__)

CLOCK_TOLERANCE = timedelta(minutes=1)
"""How far ahead a provider's stamps may run before its health calls its clock wrong."""


@dataclass(slots=True)
class ProviderHealth:
    """How a provider has been doing, for the status page and the store."""

    name: str
    last_ok_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    next_retry_at: datetime | None = None


@dataclass(slots=True)
class SourceState:
    """What one provider last said about one instrument, and the chain's verdict on it.

    ``verdict`` is ``trusted`` (served), ``agrees``, ``disagrees``, ``distrusted`` or
    ``unanswered``; ``reason`` says why in one line for the provider page.
    """

    provider: str
    symbol: str
    checked_at: datetime
    verdict: str = "unanswered"
    price: float | None = None
    as_of: datetime | None = None
    reason: str | None = None
    sane_streak: int = 0
    distrusted: bool = False


class FailoverChain:
    """The providers in per-instrument order, presented as one provider that never raises."""

    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        retry_base: float,
        retry_max: float,
        is_stale: Callable[[Instrument, Quote], bool] = lambda instrument, quote: False,
        clock: Clock = utc_now,
        chains: Mapping[str, Sequence[str]] | None = None,
        cross_check_sources: int = 1,
        tolerances: crosscheck.Tolerances | None = None,
        rules: sanity.SanityRules | None = None,
        recovery_answers: int = 3,
    ) -> None:
        self._providers = list(providers)
        self._by_name = {p.name: p for p in self._providers}
        self._plan = ChainPlan([p.name for p in self._providers], chains)
        self._retry_base = retry_base
        self._retry_max = retry_max
        self._is_stale = is_stale
        self._clock = clock
        self._wanted = cross_check_sources
        self._tolerances = tolerances or crosscheck.Tolerances()
        self._rules = rules or sanity.SanityRules()
        self._recovery = recovery_answers
        self._health = {p.name: ProviderHealth(p.name) for p in self._providers}
        self._sources: dict[tuple[str, str], SourceState] = {}
        self._trusted: dict[str, Quote] = {}
        #: Every failure this process has seen, per provider, for /metrics: unlike
        #: ``consecutive_failures`` it never goes back down.
        self.failures: Counter[str] = Counter({p.name: 0 for p in self._providers})
        #: When this process's providers started: a failure recorded earlier was seen by
        #: another run (a demo, yesterday's process) and is not this run's news.
        self.started_at = clock()

    @classmethod
    def from_settings(
        cls,
        providers: Sequence[Provider],
        settings: ProviderSettings,
        *,
        is_stale: Callable[[Instrument, Quote], bool],
        clock: Clock = utc_now,
    ) -> FailoverChain:
        """The chain as settings describe it; a chain naming an unknown provider is refused."""
        from tickerwire.markets.providers.factory import KNOWN

        ChainPlan(settings.order, settings.chains, known=KNOWN)
        return cls(
            providers,
            retry_base=settings.retry_base_seconds,
            retry_max=settings.retry_max_seconds,
            is_stale=is_stale,
            clock=clock,
            chains=settings.chains,
            cross_check_sources=settings.cross_check_sources,
            tolerances=crosscheck.Tolerances.from_settings(settings),
            rules=sanity.SanityRules.from_settings(settings),
            recovery_answers=settings.recovery_answers,
        )

    @property
    def providers(self) -> list[Provider]:
        return list(self._providers)

    def order_for(self, instrument: Instrument) -> list[Provider]:
        """The providers ``instrument`` asks, first choice first, those that know it only."""
        return [
            self._by_name[name]
            for name in self._plan.order_for(instrument)
            if self._by_name[name].supports(instrument)
        ]

    def remember(self, quotes: Mapping[str, Quote]) -> None:
        """Take ``quotes`` (the store's latest, at start-up) as the last trusted ones, so
        the jump rule holds from the first poll."""
        for symbol, quote in quotes.items():
            self._trusted.setdefault(symbol, quote)

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """The best quote for each instrument anyone could give, keyed by our symbol.

        Each provider is called at most once per round, with the instruments it is next
        for, so with one source wanted a healthy first provider costs one call and no more.
        """
        fresh: dict[str, list[Quote]] = {i.symbol: [] for i in instruments}
        stale: dict[str, Quote] = {}
        asked: dict[str, set[str]] = {i.symbol: set() for i in instruments}
        while True:
            batches: dict[str, list[Instrument]] = {}
            for instrument in instruments:
                if not self._wants_more(instrument, fresh[instrument.symbol]):
                    continue
                provider = self._next(instrument, asked[instrument.symbol])
                if provider is not None:
                    asked[instrument.symbol].add(provider.name)
                    batches.setdefault(provider.name, []).append(instrument)
            if not batches:
                break
            rounds = await asyncio.gather(
                *(self._ask(self._by_name[name], asked_for) for name, asked_for in batches.items())
            )
            for name, answers in zip(batches, rounds, strict=True):
                for instrument in batches[name]:
                    quote = answers.get(instrument.symbol)
                    if quote is None:
                        continue
                    if self._is_stale(instrument, quote):
                        best = stale.get(instrument.symbol)
                        if best is None or quote.as_of > best.as_of:
                            stale[instrument.symbol] = quote
                    else:
                        fresh[instrument.symbol].append(quote)
        served: dict[str, Quote] = {}
        for instrument in instruments:
            quote = self._settle(instrument, fresh[instrument.symbol])
            quote = quote or stale.get(instrument.symbol)
            if quote is not None:
                served[instrument.symbol] = quote
                self._trusted[instrument.symbol] = quote
        return served

    def _wants_more(self, instrument: Instrument, answers: list[Quote]) -> bool:
        if len(answers) < self._wanted:
            return True
        verdict = crosscheck.judge(instrument, answers, self._tolerances)
        return verdict is not None and verdict.tied and len(answers) == self._wanted

    def _next(self, instrument: Instrument, asked: set[str]) -> Provider | None:
        for provider in self.order_for(instrument):
            if provider.name not in asked and self._available(provider):
                return provider
        return None

    async def _ask(self, provider: Provider, instruments: list[Instrument]) -> dict[str, Quote]:
        """``provider``'s sane answers for ``instruments``, each judged and recorded;
        answers from a source distrusted for the instrument are checked but left out."""
        try:
            answer = await provider.quotes(instruments)
        except Exception as error:  # a provider's bug must not take the page down
            self._failed(provider, error)
            for instrument in instruments:
                self._unanswered(provider, instrument, str(error) or type(error).__name__)
            return {}
        self._succeeded(provider)
        received = self._clock()
        usable: dict[str, Quote] = {}
        for instrument in instruments:
            quote = answer.get(instrument.symbol)
            if quote is None:
                self._unanswered(provider, instrument, "no quote for this symbol")
                continue
            stamped = replace(quote, fetched_at=received)
            refusal = sanity.insanity(
                instrument, stamped, trusted=self._trusted.get(instrument.symbol), rules=self._rules
            )
            if refusal is not None:
                self._distrust(provider, instrument, stamped, refusal)
                continue
            ahead = quote.as_of - received
            if ahead > CLOCK_TOLERANCE:
                self._clock_ahead(provider, instrument, ahead)
            clamped = replace(stamped, as_of=min(quote.as_of, received))
            if self._sane(provider, instrument, clamped):
                usable[instrument.symbol] = clamped
        return usable

    def _state(self, provider: Provider, instrument: Instrument) -> SourceState:
        key = (provider.name, instrument.symbol)
        state = self._sources.get(key)
        if state is None:
            state = self._sources[key] = SourceState(
                provider.name, instrument.symbol, self._clock()
            )
        state.checked_at = self._clock()
        return state

    def _unanswered(self, provider: Provider, instrument: Instrument, reason: str) -> None:
        state = self._state(provider, instrument)
        if not state.distrusted:
            state.verdict = "unanswered"
        line = reason.removeprefix(f"{provider.name}: ").splitlines()
        state.reason = line[0] if line else None

    def _distrust(
        self, provider: Provider, instrument: Instrument, quote: Quote, refusal: str
    ) -> None:
        state = self._state(provider, instrument)
        state.verdict, state.reason, state.distrusted = "distrusted", refusal, True
        state.price, state.as_of, state.sane_streak = quote.price, quote.as_of, 0
        log.warning("%s: %s refused: %s", provider.name, instrument.symbol, refusal)

    def _sane(self, provider: Provider, instrument: Instrument, quote: Quote) -> bool:
        """Record a sane answer; whether it may be served (its source is trusted)."""
        state = self._state(provider, instrument)
        state.price, state.as_of = quote.price, quote.as_of
        state.sane_streak += 1
        if state.distrusted:
            trusted = self._trusted.get(instrument.symbol)
            agrees = trusted is not None and crosscheck.agree(
                instrument, quote, trusted, self._tolerances
            )
            if state.sane_streak >= self._recovery or agrees:
                state.distrusted = False
                state.reason = "trusted again: " + (
                    "agrees with the trusted source" if agrees else "sane answers in a row"
                )
            else:
                state.reason = (
                    f"distrusted; {state.sane_streak} of {self._recovery} sane answers "
                    "needed to trust it again"
                )
                return False
        state.verdict, state.reason = "agrees", state.reason if state.sane_streak == 1 else None
        return True

    def _settle(self, instrument: Instrument, answers: list[Quote]) -> Quote | None:
        verdict = crosscheck.judge(instrument, answers, self._tolerances)
        if verdict is None:
            return None
        for answer in answers:
            state = self._sources[(answer.provider, instrument.symbol)]
            if answer is verdict.trusted:
                state.verdict = "trusted"
            elif answer.provider in verdict.disagreeing:
                state.verdict, state.reason = "disagrees", verdict.disagreeing[answer.provider]
            else:
                state.verdict = "agrees"
        return verdict.trusted

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        """Bars from the first provider in the instrument's order that has any; empty when
        none has."""
        for provider in self.order_for(instrument):
            if not self._available(provider):
                continue
            try:
                bars = await provider.history(instrument, start, end, interval)
            except Exception as error:  # as in quotes: fail over, never raise
                self._failed(provider, error)
                continue
            self._succeeded(provider)
            if bars:
                return bars
        return []

    def health(self) -> list[ProviderHealth]:
        """A snapshot per provider, in the configured order."""
        return [replace(self._health[p.name]) for p in self._providers]

    def sources(self) -> list[SourceState]:
        """A snapshot of every (provider, instrument) the chain has asked, by symbol."""
        return sorted((replace(s) for s in self._sources.values()), key=_by_symbol)

    async def aclose(self) -> None:
        """Close every provider, even when one of them fails to close."""
        for provider in self._providers:
            try:
                await provider.aclose()
            except Exception:
                log.exception("closing provider %s failed", provider.name)

    def _available(self, provider: Provider) -> bool:
        retry_at = self._health[provider.name].next_retry_at
        return retry_at is None or self._clock() >= retry_at

    def _succeeded(self, provider: Provider) -> None:
        health = self._health[provider.name]
        health.last_ok_at = self._clock()
        health.consecutive_failures = 0
        health.next_retry_at = None

    def _clock_ahead(self, provider: Provider, instrument: Instrument, ahead: timedelta) -> None:
        """Note a clock that runs ahead; not a failure: the quote is used, clamped."""
        health = self._health[provider.name]
        health.last_error_at = self._clock()
        health.last_error = (
            f"{provider.name}: stamped {instrument.symbol} {ahead.total_seconds():.0f} s "
            "ahead of our clock; its quotes are dated when they arrive"
        )
        log.warning("%s", health.last_error)

    def _failed(self, provider: Provider, error: Exception) -> None:
        now = self._clock()
        health = self._health[provider.name]
        self.failures[provider.name] += 1
        health.consecutive_failures += 1
        health.last_error_at = now
        health.last_error = str(error) or type(error).__name__
        retry_after = error.retry_after if isinstance(error, ProviderError) else None
        if retry_after is None:
            retry_after = min(
                self._retry_base * 2 ** (health.consecutive_failures - 1), self._retry_max
            )
        health.next_retry_at = now + timedelta(seconds=retry_after)
        if not isinstance(error, ProviderError):
            log.error("provider %s raised unexpectedly", provider.name, exc_info=error)
        else:
            # Pages and the CLI report failing providers themselves; the log is for -v.
            log.info("%s; retrying after %.0f s", error, retry_after)


def _by_symbol(state: SourceState) -> tuple[str, str]:
    return (state.symbol, state.provider)
