"""The quote page: one instrument's numbers, chart and news, and its news feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from tickerwire.instruments import Instrument, UnknownInstrument
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.markets.ranges import ChartRange, parse_range, window_for
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt
from tickerwire.web.cache import NEWS, quote_source, symbol_reactions_source
from tickerwire.web.chart import ChartMarker, price_chart
from tickerwire.web.parts import Headline, MarketsTop, RibbonCell, headline, ribbon_cell
from tickerwire.web.past_view import PastView, moment_param
from tickerwire.web.story_moves import (
    MarkerView,
    RankedNews,
    chart_markers,
    marker_views,
    ranked_news,
)
from tickerwire.web.twins import BadPageRequest, Page, PageNotFound, PageRequest, page_news_feed

YEAR = timedelta(days=365)


THREE_MONTHS = timedelta(days=92)


COARSER = {Interval.M1: Interval.M5, Interval.M5: Interval.H1, Interval.H1: Interval.D1}


class RangeLink(BaseModel):
    label: str
    path: str
    active: bool


class ChartBar(BaseModel):
    """One bar of the chart, for the JSON twin: the data the SVG is drawn from."""

    start: datetime
    open: float
    high: float
    low: float
    close: float
    volume: float | None


class ChartView(BaseModel):
    range: str
    interval: str
    svg: str = Field(exclude=True)  # presentation: the twin carries the bars instead
    summary: str
    points: int
    bars: list[ChartBar]
    ranges: list[RangeLink]
    markers: list[MarkerView] = []
    """The stories marked on the chart, numbered as the markers are."""


class Stat(BaseModel):
    label: str
    value: str


class QuotePage(BaseModel):
    symbol: str
    name: str
    exchange: str
    currency: str
    asset_class: str
    quote: RibbonCell
    stats: list[Stat]
    chart: ChartView
    news: list[Headline]
    news_feed: str
    sort: str = "newest"
    news_by_reaction: RankedNews | None = None
    """With ``?sort=reaction``: the news ranked by the move after each story."""
    why_path: str = ""
    past: PastView | None = None
    """Set when the page shows a past moment (``?at=``); its ``as_of`` is that moment."""
    past_markets: MarketsTop | None = None
    """The banner and ribbon of that moment, drawn into the page instead of the live ones."""


def _bars_for_chart(runtime: Runtime, instrument: Instrument, range_: ChartRange, now: datetime):  # type: ignore[no-untyped-def]
    """The window's bars at its interval, or at the next coarser one the store has
    (a fresh install has daily history before it has a month of hourly bars)."""
    window = window_for(range_, instrument.calendar, now)
    interval: Interval | None = window.interval
    while interval is not None:
        bars = runtime.markets.bars(instrument.symbol, interval, window.start, window.end)
        if len(bars) >= 2:
            return bars, interval
        interval = COARSER.get(interval)
    return [], window.interval


def chart_view(
    runtime: Runtime,
    instrument: Instrument,
    range_: ChartRange,
    previous_close: float | None,
    markers: list[ChartMarker] | None = None,
) -> ChartView:
    now = runtime.now()
    bars, interval = _bars_for_chart(runtime, instrument, range_, now)
    return drawn_chart(
        runtime,
        instrument,
        range_,
        (bars, interval),
        previous_close,
        markers or [],
        now=now,
        range_path=lambda r: f"/quote/{instrument.symbol}?range={r.value}",
    )


def drawn_chart(
    runtime: Runtime,
    instrument: Instrument,
    range_: ChartRange,
    drawn: tuple[list[Bar], Interval],
    previous_close: float | None,
    markers: list[ChartMarker],
    *,
    now: datetime,
    range_path: Callable[[ChartRange], str],
) -> ChartView:
    """The chart of ``drawn`` (bars and their interval) as the page shows it, now or at a
    past moment (``now`` is then that moment); ``range_path`` links each range."""
    bars, interval = drawn
    chart = price_chart(
        bars,
        name=instrument.label,
        range_label=range_.value,
        precision=instrument.precision,
        previous_close=previous_close if range_ is ChartRange.D1 else None,
        zone=runtime.settings.timezone,
        markers=markers,
    )
    return ChartView(
        range=range_.value,
        interval=interval.value,
        svg=chart.svg,
        summary=chart.summary,
        points=len(bars),
        bars=[ChartBar.model_validate(bar, from_attributes=True) for bar in bars],
        ranges=[
            RangeLink(label=r.value, path=range_path(r), active=r is range_) for r in ChartRange
        ],
        markers=marker_views(markers, chart.marked, runtime.settings.timezone, now),
    )


def _range_text(low: float | None, high: float | None, precision: int) -> str:
    if low is None or high is None:
        return "—"
    return f"{fmt.price(low, precision)} – {fmt.price(high, precision)}"


def _volume(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def quote_page(
    runtime: Runtime, instrument: Instrument, range_: ChartRange, sort: str = "newest"
) -> QuotePage:
    now = runtime.now()
    articles = runtime.news.articles_for_symbol(instrument.symbol)
    markers = chart_markers(articles)
    quote = runtime.markets.latest_quotes([instrument.symbol]).get(instrument.symbol)
    cell = ribbon_cell(runtime, instrument, quote, now)
    p = instrument.precision
    low, high = runtime.markets.daily_range(instrument.symbol, now - YEAR)
    if quote is not None:
        low = min(x for x in (low, quote.day_low, quote.price) if x is not None)
        high = max(x for x in (high, quote.day_high, quote.price) if x is not None)
    stats = [
        Stat(label="Previous close", value=fmt.price(quote.previous_close if quote else None, p)),
        Stat(label="Open", value=fmt.price(quote.open if quote else None, p)),
        Stat(
            label="Day's range",
            value=_range_text(quote.day_low, quote.day_high, p) if quote else "—",
        ),
        Stat(label="52-week range", value=_range_text(low, high, p)),
        Stat(label="Volume", value=_volume(quote.volume if quote else None)),
        Stat(
            label="Avg. volume (3 months)",
            value=_volume(runtime.markets.average_volume(instrument.symbol, now - THREE_MONTHS)),
        ),
        Stat(label="Market", value=cell.market.label),
        Stat(label="As of", value=cell.as_of_text),
        Stat(label="Source", value=(quote.provider if quote else "no data")),
    ]
    return QuotePage(
        symbol=instrument.symbol,
        name=instrument.name,
        exchange=instrument.exchange,
        currency=instrument.currency,
        asset_class=instrument.asset_class.value,
        quote=cell,
        stats=stats,
        chart=chart_view(
            runtime, instrument, range_, quote.previous_close if quote else None, markers
        ),
        news=[headline(runtime, r, now) for r in articles],
        news_feed=f"/quote/{instrument.symbol}/news.xml",
        sort=sort,
        news_by_reaction=ranked_news(runtime, instrument.symbol, articles, now)
        if sort == "reaction"
        else None,
        why_path=f"/quote/{instrument.symbol}/why",
    )


FEED_ENTRIES = 50


class QuoteParams(BaseModel):
    symbol: str
    range: str | None = None
    sort: Literal["newest", "reaction"] = "newest"
    """How the news is ordered: newest first, or by the move after each story."""
    at: str | None = None
    """A past moment: the page as it was then (web/pages/quote_at.py)."""


def build(request: PageRequest[QuoteParams]) -> QuotePage:
    runtime, params = request.runtime, request.params
    try:
        instrument = runtime.registry.get(params.symbol)
    except UnknownInstrument:
        raise PageNotFound(
            f"Tickerwire does not track {params.symbol!r}. Add it to the registry in your settings."
        ) from None
    try:
        chosen = parse_range(params.range)
    except ValueError as error:
        raise BadPageRequest(str(error)) from None
    moment = moment_param(runtime, params.at)
    if params.at is not None and moment is not None:
        # The past view builds on this module's view model, so it is imported here.
        from tickerwire.web.pages.quote_at import past_quote_page

        return past_quote_page(runtime, instrument, chosen, params.at, moment)
    return quote_page(runtime, instrument, chosen, params.sort)


def atom(request: PageRequest[QuoteParams], page: QuotePage) -> bytes:
    articles = request.runtime.news.articles_for_symbol(page.symbol, FEED_ENTRIES)
    return page_news_feed(request, f"/quote/{page.symbol}", page.name, articles)


PAGE = Page(
    name="quote",
    path="/quote/{symbol}",
    template="quote.html",
    build=build,
    params=QuoteParams,
    atom=atom,
    # Its head, chart and figures move with its own quote, not with the others' ticks.
    sources=lambda params: (
        NEWS,
        quote_source(params.symbol.upper()),
        symbol_reactions_source(params.symbol.upper()),
    ),
)
