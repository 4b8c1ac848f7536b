"""Failover across providers, so a failing or lagging source never empties the ribbon.

Each instrument is asked of the providers that know it, in the configured order. A
provider that fails is put in back-off (doubling from ``retry_base`` up to ``retry_max``,
or for as long as its Retry-After said) and skipped until then; a provider that has no
answer for a symbol, or only a stale one, hands that symbol to the next. When nobody has a
fresh quote, the freshest stale one is still returned: the page labels it stale, which is
better than a gap. Nothing a provider does makes the chain raise.

A quote stamped after the moment it arrived is clamped to that moment: a clock that runs
ahead would otherwise make its quote look newer than every real one until its time passes.
When a provider's clock is off by more than :data:`CLOCK_TOLERANCE`, its health says so.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tickerwire.instruments import Instrument
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


class FailoverChain:
    """The providers in failover order, presented as one provider that never raises."""

    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        retry_base: float,
        retry_max: float,
        is_stale: Callable[[Instrument, Quote], bool] = lambda instrument, quote: False,
        clock: Clock = utc_now,
    ) -> None:
        self._providers = list(providers)
        self._retry_base = retry_base
        self._retry_max = retry_max
        self._is_stale = is_stale
        self._clock = clock
        self._health = {p.name: ProviderHealth(p.name) for p in self._providers}
        #: Every failure this process has seen, per provider, for /metrics: unlike
        #: ``consecutive_failures`` it never goes back down.
        self.failures: Counter[str] = Counter({p.name: 0 for p in self._providers})
        #: When this process's providers started: a failure recorded earlier was seen by
        #: another run (a demo, yesterday's process) and is not this run's news.
        self.started_at = clock()

    async def quotes(self, instruments: Sequence[Instrument]) -> dict[str, Quote]:
        """The best quote for each instrument anyone could give, keyed by our symbol.

        Each provider is called at most once, with the instruments still unanswered that
        it supports, so a healthy first provider costs one call and no more.
        """
        pending = {i.symbol: i for i in instruments}
        fresh: dict[str, Quote] = {}
        stale: dict[str, Quote] = {}
        for provider in self._providers:
            asked = [i for i in pending.values() if provider.supports(i)]
            if not asked or not self._available(provider):
                continue
            try:
                answer = await provider.quotes(asked)
            except Exception as error:  # a provider's bug must not take the page down
                self._failed(provider, error)
                continue
            self._succeeded(provider)
            received = self._clock()
            for instrument in asked:
                quote = answer.get(instrument.symbol)
                if quote is None:
                    continue
                quote = replace(quote, as_of=min(quote.as_of, received), fetched_at=received)
                ahead = answer[instrument.symbol].as_of - received
                if ahead > CLOCK_TOLERANCE:
                    self._clock_ahead(provider, instrument, ahead)
                if not self._is_stale(instrument, quote):
                    fresh[instrument.symbol] = quote
                    del pending[instrument.symbol]
                elif instrument.symbol not in stale or quote.as_of > stale[instrument.symbol].as_of:
                    stale[instrument.symbol] = quote
        return {**{s: q for s, q in stale.items() if s not in fresh}, **fresh}

    async def history(
        self, instrument: Instrument, start: datetime, end: datetime, interval: Interval
    ) -> list[Bar]:
        """Bars from the first provider that has any; empty when none has."""
        for provider in self._providers:
            if not provider.supports(instrument) or not self._available(provider):
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
        """A snapshot per provider, in failover order."""
        return [replace(self._health[p.name]) for p in self._providers]

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
