"""How the market's reaction to an article reads on a page and in its JSON twin.

Every figure keeps its inputs beside it (the prices, their own times and sources), so the
twin can be checked by hand; the texts are ready to show, in the reader's zone. A horizon
not measured yet reads "pending until 3:15 PM EST" (or "being measured" once its time has
passed), never as a zero.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from tickerwire import actions, humanize
from tickerwire.instruments import Instrument
from tickerwire.reactions.horizons import Horizon
from tickerwire.reactions.measure import NO_PRICE
from tickerwire.store.reactions import PublicationPrice, Reaction
from tickerwire.web import format as fmt

MARKET_STATES = {
    "open": "market open",
    "pre": "pre-market",
    "post": "after hours",
    "break": "trading paused",
    "closed": "market closed",
}


def move_text(value: float | None) -> str:
    """A percentage move with its sign: "+1.25 %", "−0.40 %", "—" when unknown."""
    return "—" if value is None else f"{fmt.signed(value, 2)} %"


class PriceView(BaseModel):
    """A price at publication: the number, when it was made, where it came from."""

    symbol: str
    label: str
    price: float | None
    price_text: str
    quote_time: datetime | None
    time_text: str
    source: str | None
    simulated: bool
    market_state: str
    market_state_text: str


class HorizonView(BaseModel):
    horizon: str
    label: str
    known: bool
    ends_at: datetime
    status_text: str
    """The move when known, else "pending until …"."""
    start_time: datetime
    note: str | None
    start_price: float | None
    start_quote_time: datetime | None
    start_source: str | None
    end_price: float | None
    end_quote_time: datetime | None
    end_source: str | None
    move_pct: float | None
    move_text: str
    direction: str
    benchmark_symbol: str | None
    benchmark_start: float | None
    benchmark_start_time: datetime | None
    benchmark_end: float | None
    benchmark_end_time: datetime | None
    benchmark_source: str | None
    benchmark_move_pct: float | None
    benchmark_move_text: str
    excess_pct: float | None
    excess_text: str
    simulated: bool
    computed_at: datetime | None


class InstrumentSinceView(BaseModel):
    symbol: str
    label: str
    path: str
    why_path: str
    at_publication: PriceView | None
    benchmark: PriceView | None
    measured_from: str | None
    """Why the measure starts after publication (the market was shut), if it does."""
    horizons: list[HorizonView]
    simulated: bool


class SincePublicationView(BaseModel):
    instruments: list[InstrumentSinceView]
    simulated: bool
    disclaimer: str


def _price(
    instrument: Instrument, price: PublicationPrice | None, zone: str, now: datetime
) -> PriceView | None:
    if price is None:
        return None
    return PriceView(
        symbol=instrument.symbol,
        label=instrument.label,
        price=price.price,
        price_text=fmt.price(price.price, instrument.precision),
        quote_time=price.quote_time,
        time_text=humanize.clock_time(price.quote_time, zone, now) if price.quote_time else "",
        source=price.source,
        simulated=price.simulated,
        market_state=price.market_state,
        market_state_text=MARKET_STATES.get(price.market_state, price.market_state),
    )


def _benchmark(item: actions.InstrumentReaction, zone: str, now: datetime) -> PriceView | None:
    if item.benchmark is None:
        return None
    return _price(item.benchmark, item.benchmark_at_publication, zone, now)


def horizon_view(reaction: Reaction, zone: str, now: datetime) -> HorizonView:
    if reaction.known:
        known = reaction.move_pct is not None
        status = move_text(reaction.move_pct) if known else NO_PRICE
    elif now < reaction.end_time:
        status = f"pending until {humanize.clock_time(reaction.end_time, zone, now)}"
    else:  # its time has come; the next run of the measuring task fills it in
        status = f"being measured (due {humanize.clock_time(reaction.end_time, zone, now)})"
    return HorizonView(
        horizon=reaction.horizon,
        label=Horizon(reaction.horizon).label,
        known=reaction.known,
        ends_at=reaction.end_time,
        status_text=status,
        start_time=reaction.start_time,
        note=reaction.note,
        start_price=reaction.start_price,
        start_quote_time=reaction.start_quote_time,
        start_source=reaction.start_source,
        end_price=reaction.end_price,
        end_quote_time=reaction.end_quote_time,
        end_source=reaction.end_source,
        move_pct=reaction.move_pct,
        move_text=move_text(reaction.move_pct),
        direction=fmt.direction(reaction.move_pct, 2),
        benchmark_symbol=reaction.benchmark_symbol,
        benchmark_start=reaction.benchmark_start,
        benchmark_start_time=reaction.benchmark_start_time,
        benchmark_end=reaction.benchmark_end,
        benchmark_end_time=reaction.benchmark_end_time,
        benchmark_source=reaction.benchmark_source,
        benchmark_move_pct=reaction.benchmark_move_pct,
        benchmark_move_text=move_text(reaction.benchmark_move_pct),
        excess_pct=reaction.excess_pct,
        excess_text=move_text(reaction.excess_pct),
        simulated=reaction.simulated,
        computed_at=reaction.computed_at,
    )


def since_publication(
    reaction: actions.ArticleReaction, zone: str, now: datetime
) -> SincePublicationView | None:
    """The "Since publication" block of an article page; None when nothing was recorded."""
    if not reaction.instruments:
        return None
    found = []
    for item in reaction.instruments:
        horizons = [horizon_view(r, zone, now) for r in item.horizons]
        found.append(
            InstrumentSinceView(
                symbol=item.instrument.symbol,
                label=item.instrument.label,
                path=f"/quote/{item.instrument.symbol}",
                why_path=f"/quote/{item.instrument.symbol}/why",
                at_publication=_price(item.instrument, item.at_publication, zone, now),
                benchmark=_benchmark(item, zone, now),
                measured_from=item.horizons[0].note if item.horizons else None,
                horizons=horizons,
                simulated=item.simulated,
            )
        )
    return SincePublicationView(
        instruments=found, simulated=reaction.simulated, disclaimer=reaction.disclaimer
    )
