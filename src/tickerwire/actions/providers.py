"""The providers, instrument by instrument: what the poller's chain last saw of each source
(``provider_sources``) and a fresh probe of every source (``check_providers``), for the
``providers`` commands, ``/admin/providers`` and the API alike."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tickerwire.actions.common import Progress, Step
from tickerwire.actions.markets import instruments_for
from tickerwire.instruments import Instrument
from tickerwire.markets import crosscheck, sanity
from tickerwire.markets.providers.base import Provider
from tickerwire.markets.providers.chain import SourceState
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime
from tickerwire.store.instruments import InstrumentStore

PROBES_AT_ONCE = 8
"""Probes in flight together: enough to finish in seconds, few enough for free tiers."""


@dataclass(frozen=True)
class Probe:
    """One provider asked for one instrument, now.

    ``agreement`` is ``trusted`` for the answer the chain's rule would serve, ``agrees``,
    a line naming the gap for one that disagrees, ``refused: <why>`` for an absurd answer,
    or ``alone`` when no other source answered to compare with.
    """

    provider: str
    symbol: str
    answered: bool
    latency_ms: float
    price: float | None
    as_of: datetime | None
    agreement: str | None
    error: str | None


@dataclass(frozen=True)
class ProviderCheck:
    probes: list[Probe]
    instruments: list[Instrument]
    checked_at: datetime

    @property
    def uncovered(self) -> list[str]:
        """Instruments no source answered sanely: what makes ``providers check`` exit 1."""
        working = {
            p.symbol
            for p in self.probes
            if p.answered and not (p.agreement or "").startswith("refused")
        }
        return [i.symbol for i in self.instruments if i.symbol not in working]


@dataclass(frozen=True)
class InstrumentSources:
    """One instrument's chain and what each of its sources last said."""

    instrument: Instrument
    chain: list[str]
    sources: list[SourceState]

    @property
    def disagreements(self) -> list[SourceState]:
        return [s for s in self.sources if s.verdict in ("disagrees", "distrusted")]


async def check_providers(
    runtime: Runtime, symbols: Sequence[str] = (), *, progress: Progress | None = None
) -> ProviderCheck:
    """Ask every configured provider for every instrument it claims (or those of
    ``symbols``), one instrument a call so each answer has its own latency and error, and
    hold the answers against each other by the chain's own rules. Nothing is stored: this
    looks, it does not poll."""
    chosen = instruments_for(runtime, symbols) if symbols else list(runtime.registry)
    pairs = [(p, i) for i in chosen for p in runtime.chain.order_for(i)]
    gate = asyncio.Semaphore(PROBES_AT_ONCE)
    done = 0

    async def probe(provider: Provider, instrument: Instrument) -> tuple[Probe, Quote | None]:
        nonlocal done
        async with gate:
            outcome = await _probe(runtime, provider, instrument)
        done += 1
        if progress is not None:
            progress(Step(done, len(pairs), f"{provider.name} {instrument.symbol}"))
        return outcome

    results = await asyncio.gather(*(probe(p, i) for p, i in pairs))
    probes = _agreement(runtime, chosen, results)
    return ProviderCheck(probes, chosen, runtime.now())


async def _probe(
    runtime: Runtime, provider: Provider, instrument: Instrument
) -> tuple[Probe, Quote | None]:
    started = time.perf_counter()

    def unanswered(why: str) -> tuple[Probe, None]:
        elapsed = (time.perf_counter() - started) * 1000
        line = (why.removeprefix(f"{provider.name}: ").splitlines() or [why])[0]
        return Probe(provider.name, instrument.symbol, False, elapsed, None, None, None, line), None

    try:
        answer = await provider.quotes([instrument])
    except Exception as error:  # a probe reports every failure, whatever raised it
        return unanswered(str(error) or type(error).__name__)
    elapsed = (time.perf_counter() - started) * 1000
    quote = answer.get(instrument.symbol)
    if quote is None:
        return unanswered("no quote for this symbol")
    quote = replace(quote, fetched_at=runtime.now())
    rules = sanity.SanityRules.from_settings(runtime.settings.providers)
    refusal = sanity.insanity(instrument, quote, trusted=None, rules=rules)
    agreement = f"refused: {refusal}" if refusal else None
    probe = Probe(
        provider.name, instrument.symbol, True, elapsed, quote.price, quote.as_of, agreement, None
    )
    return probe, None if refusal else quote


def _agreement(
    runtime: Runtime,
    instruments: list[Instrument],
    results: list[tuple[Probe, Quote | None]],
) -> list[Probe]:
    tolerances = crosscheck.Tolerances.from_settings(runtime.settings.providers)
    probes: list[Probe] = []
    for instrument in instruments:
        mine = [(p, q) for p, q in results if p.symbol == instrument.symbol]
        verdict = crosscheck.judge(instrument, [q for _, q in mine if q is not None], tolerances)
        for probe, quote in mine:
            if quote is None or verdict is None:
                probes.append(probe)
            elif quote is verdict.trusted:
                alone = not verdict.agreeing and not verdict.disagreeing
                probes.append(replace(probe, agreement="alone" if alone else "trusted"))
            elif probe.provider in verdict.disagreeing:
                probes.append(replace(probe, agreement=verdict.disagreeing[probe.provider]))
            elif probe.provider in verdict.agreeing:
                probes.append(replace(probe, agreement="agrees"))
            else:
                probes.append(replace(probe, agreement="not comparable: stamped at another time"))
    return probes


def provider_sources(runtime: Runtime) -> list[InstrumentSources]:
    """Every instrument with its chain, in ribbon order then the rest, and the chain's
    stored verdict on each source (as the poller of any process last saw it)."""
    stored = InstrumentStore(runtime.engine).sources()
    by_symbol: dict[str, list[SourceState]] = {}
    for state in stored:
        by_symbol.setdefault(state.symbol, []).append(state)
    ordered = list(runtime.registry.ribbon)
    ordered += [i for i in runtime.registry if i not in ordered]
    report = []
    for instrument in ordered:
        chain = [p.name for p in runtime.chain.order_for(instrument)]
        states = sorted(
            (s for s in by_symbol.get(instrument.symbol, []) if s.provider in chain),
            key=lambda s: chain.index(s.provider),
        )
        report.append(InstrumentSources(instrument, chain, states))
    return report
