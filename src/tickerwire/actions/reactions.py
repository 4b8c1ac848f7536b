"""The market's reaction to articles: measuring the due horizons, and reading them back.

The task runners, the CLI and the pages all come here: the worker measures through
:func:`measure_reactions`, an article page and its twin read :func:`article_reaction`, the
quote page and "Why is it moving?" rank stories with :func:`story_moves`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tickerwire.actions.common import ActionError
from tickerwire.instruments import Instrument, UnknownInstrument
from tickerwire.live.bus import Event
from tickerwire.markets.calendar import (
    ALWAYS_OPEN,
    CalendarError,
    current_or_last_session,
    previous_session_close,
)
from tickerwire.news.model import ArticleListing
from tickerwire.reactions.benchmarks import benchmark_for
from tickerwire.reactions.horizons import Horizon
from tickerwire.reactions.measure import measure_due
from tickerwire.runtime import Runtime
from tickerwire.store.reactions import PublicationPrice, Reaction, ReactionStore

REACTION_TOPIC = "reaction"
"""The bus topic of a measured horizon, keyed by article id: pages showing it render anew."""
DISCLAIMER = "Not investment advice; other news may move the same prices."
_ORDER = {h.value: n for n, h in enumerate(Horizon)}


@dataclass(frozen=True)
class MeasureReport:
    measured: int
    articles: list[int]


async def measure_reactions(runtime: Runtime) -> MeasureReport:
    """Measure every horizon due now, keep each with its inputs, and tell the pages."""
    store = ReactionStore(runtime.engine)
    stored, measured = await asyncio.to_thread(measure_due, store, runtime.now())
    symbols: dict[int, set[str]] = {}
    for article_id, symbol in measured:
        symbols.setdefault(article_id, set()).add(symbol)
    if symbols:
        await runtime.bus.publish(
            Event(REACTION_TOPIC, str(article_id), {"symbols": sorted(found)})
            for article_id, found in symbols.items()
        )
    return MeasureReport(stored, sorted(symbols))


@dataclass(frozen=True)
class InstrumentReaction:
    """One tagged instrument since publication: its price then, its benchmark's, and each
    horizon (measured or pending) in order."""

    instrument: Instrument
    at_publication: PublicationPrice | None
    benchmark: Instrument | None
    benchmark_at_publication: PublicationPrice | None
    horizons: list[Reaction]

    @property
    def simulated(self) -> bool:
        prices = (self.at_publication, self.benchmark_at_publication)
        return any(p is not None and p.simulated for p in prices) or any(
            r.simulated for r in self.horizons
        )


@dataclass(frozen=True)
class ArticleReaction:
    article_id: int
    instruments: list[InstrumentReaction]
    disclaimer: str = DISCLAIMER

    @property
    def simulated(self) -> bool:
        return any(i.simulated for i in self.instruments)


def article_reaction(runtime: Runtime, article_id: int) -> ArticleReaction:
    """What was recorded at the article's publication and measured since, per tagged
    instrument the registry still knows (none recorded: an empty list)."""
    store = ReactionStore(runtime.engine)
    prices = {p.symbol: p for p in store.prices(article_id)}
    horizons: dict[str, list[Reaction]] = {}
    for reaction in store.reactions(article_id):
        horizons.setdefault(reaction.symbol, []).append(reaction)
    found = []
    for price in prices.values():
        if price.role != "tagged" or price.symbol not in runtime.registry:
            continue
        instrument = runtime.registry.get(price.symbol)
        benchmark = benchmark_for(instrument, runtime.registry)
        found.append(
            InstrumentReaction(
                instrument=instrument,
                at_publication=price,
                benchmark=benchmark,
                benchmark_at_publication=prices.get(benchmark.symbol) if benchmark else None,
                horizons=sorted(horizons.get(price.symbol, []), key=lambda r: _ORDER[r.horizon]),
            )
        )
    return ArticleReaction(article_id, found)


def latest_known(reactions: Sequence[Reaction]) -> Reaction | None:
    """The longest horizon measured with a figure: what "the move that followed" means."""
    known = [r for r in reactions if r.move_pct is not None]
    return max(known, key=lambda r: _ORDER[r.horizon]) if known else None


@dataclass(frozen=True)
class StoryMove:
    article: ArticleListing
    move: Reaction | None
    """The longest horizon measured so far, or None while none is."""


def story_moves(
    runtime: Runtime, symbol: str, articles: Sequence[ArticleListing]
) -> list[StoryMove]:
    """``articles`` ranked by the size of ``symbol``'s move after each, largest first;
    stories not measured yet follow, newest first."""
    store = ReactionStore(runtime.engine)
    moves = store.moves(symbol, [a.id for a in articles])
    ranked = [StoryMove(a, latest_known(moves.get(a.id, []))) for a in articles]
    measured = [s for s in ranked if s.move is not None]
    waiting = [s for s in ranked if s.move is None]
    measured.sort(key=lambda s: abs(s.move.move_pct or 0.0) if s.move else 0.0, reverse=True)
    waiting.sort(key=lambda s: s.article.when, reverse=True)
    return measured + waiting


@dataclass(frozen=True)
class WhyMoving:
    """The day's stories about one instrument, ranked by the move that followed them."""

    instrument: Instrument
    since: datetime
    until: datetime
    stories: list[StoryMove]
    disclaimer: str = DISCLAIMER


def _day(instrument: Instrument, now: datetime) -> tuple[datetime, datetime]:
    """From the close before the current (or last) session to its close: the news that
    came before today's move, the night's included."""
    if instrument.calendar == ALWAYS_OPEN:
        start, end = current_or_last_session(ALWAYS_OPEN, now)
        return start, max(end, now)
    try:
        _, close = current_or_last_session(instrument.calendar, now)
        before = previous_session_close(instrument.calendar, now)
    except CalendarError:
        before, close = None, now
    return (before or close), max(close, now)


def why_moving(runtime: Runtime, symbol: str) -> WhyMoving:
    """The stories tagged with ``symbol`` since the last close, largest move first."""
    try:
        instrument = runtime.registry.get(symbol)
    except UnknownInstrument as error:
        raise ActionError(str(error)) from None
    since, until = _day(instrument, runtime.now())
    listed = ReactionStore(runtime.engine).tagged_between(instrument.symbol, since, until)
    return WhyMoving(instrument, since, until, story_moves(runtime, instrument.symbol, listed))
