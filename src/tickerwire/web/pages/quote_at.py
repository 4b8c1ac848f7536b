"""A quote page as it was at a past moment (``/quote/SPX?at=...``): its price, change and
market then, the chart up to the moment, and the news about it first seen by then.

Built beside :mod:`tickerwire.web.pages.quote` from the same view model, with the stored
bars cut at the moment (a bar counts once it had ended) and the articles cut by when
Tickerwire first saw them, as every past view is (:mod:`tickerwire.actions.history`).
Figures only the live quote knows (today's open, range and volume) read "—".
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from tickerwire import actions
from tickerwire.history.prices import settled_by
from tickerwire.instruments import Instrument
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.markets.ranges import ChartRange, window_for
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt
from tickerwire.web.pages.quote import (
    COARSER,
    YEAR,
    QuotePage,
    Stat,
    drawn_chart,
)
from tickerwire.web.parts import headline
from tickerwire.web.past_view import markets_top_at, past_cell, past_view
from tickerwire.web.story_moves import chart_markers

NO_FIGURE = "—"


def _ended_by(bars: list[Bar], moment: datetime) -> list[Bar]:
    return [b for b in bars if b.start + b.interval.delta <= moment]


def _chart_bars(
    runtime: Runtime, instrument: Instrument, range_: ChartRange, moment: datetime
) -> tuple[list[Bar], Interval]:
    """The window's bars that had ended by ``moment``, at its interval or the next coarser
    one with enough of them."""
    window = window_for(range_, instrument.calendar, moment)
    interval: Interval | None = window.interval
    while interval is not None:
        found = runtime.markets.bars(instrument.symbol, interval, window.start, window.end)
        ended = _ended_by(found, moment)
        if len(ended) >= 2:
            return ended, interval
        interval = COARSER.get(interval)
    return [], window.interval


def _year_range(runtime: Runtime, instrument: Instrument, moment: datetime) -> str:
    settled = settled_by(instrument, moment)
    if settled is None:
        return NO_FIGURE
    days = runtime.markets.bars(instrument.symbol, Interval.D1, moment - YEAR, settled)
    if not days:
        return NO_FIGURE
    p = instrument.precision
    low, high = min(b.low for b in days), max(b.high for b in days)
    return f"{fmt.price(low, p)} – {fmt.price(high, p)}"


def past_quote_page(
    runtime: Runtime, instrument: Instrument, range_: ChartRange, at: str, moment: datetime
) -> QuotePage:
    symbol, p = instrument.symbol, instrument.precision
    top, note = markets_top_at(runtime, moment)
    known = actions.markets_at(runtime, moment, [instrument])
    quote = known.quotes.get(symbol)
    cell = past_cell(runtime, instrument, quote, moment)
    seen = [a for a in runtime.news.articles_for_symbol(symbol) if a.first_seen_at <= moment]
    markers = chart_markers(seen)
    drawn = _chart_bars(runtime, instrument, range_, moment)
    previous = quote.previous_close if quote else None
    stats = [
        Stat(label="Previous close", value=fmt.price(previous, p)),
        Stat(label="52-week range", value=_year_range(runtime, instrument, moment)),
        Stat(label="Market", value=cell.market.label),
        Stat(label="As of", value=cell.as_of_text),
        Stat(label="Source", value=quote.provider if quote else "no data"),
    ]
    path = f"/quote/{symbol}"
    return QuotePage(
        symbol=symbol,
        name=instrument.name,
        exchange=instrument.exchange,
        currency=instrument.currency,
        asset_class=instrument.asset_class.value,
        quote=cell,
        stats=stats,
        chart=drawn_chart(
            runtime,
            instrument,
            range_,
            drawn,
            quote.previous_close if quote else None,
            markers,
            now=moment,
            range_path=lambda r: f"{path}?{urlencode({'range': r.value, 'at': at})}",
        ),
        news=[headline(runtime, a, moment) for a in seen],
        news_feed=f"{path}/news.xml",
        why_path=f"{path}/why",
        past=past_view(moment, path, note),
        past_markets=top,
    )
