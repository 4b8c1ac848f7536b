"""The quote page: one instrument's numbers, chart and news; and the movers lists."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from tickerwire.instruments import Instrument
from tickerwire.markets.quotes import Interval
from tickerwire.markets.ranges import ChartRange, window_for
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt
from tickerwire.web.chart import price_chart
from tickerwire.web.news_views import Headline, headline
from tickerwire.web.views import RibbonCell, ribbon_cell

YEAR = timedelta(days=365)
THREE_MONTHS = timedelta(days=92)
COARSER = {Interval.M1: Interval.M5, Interval.M5: Interval.H1, Interval.H1: Interval.D1}


class SymbolLink(BaseModel):
    symbol: str
    name: str
    path: str

    @classmethod
    def of(cls, instrument: Instrument) -> SymbolLink:
        return cls(
            symbol=instrument.symbol, name=instrument.name, path=f"/quote/{instrument.symbol}"
        )


class RangeLink(BaseModel):
    label: str
    path: str
    active: bool


class ChartView(BaseModel):
    range: str
    interval: str
    svg: str
    summary: str
    points: int
    ranges: list[RangeLink]


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
    runtime: Runtime, instrument: Instrument, range_: ChartRange, previous_close: float | None
) -> ChartView:
    now = runtime.now()
    bars, interval = _bars_for_chart(runtime, instrument, range_, now)
    chart = price_chart(
        bars,
        name=instrument.label,
        range_label=range_.value,
        precision=instrument.precision,
        previous_close=previous_close if range_ is ChartRange.D1 else None,
        zone=runtime.settings.timezone,
    )
    return ChartView(
        range=range_.value,
        interval=interval.value,
        svg=chart.svg,
        summary=chart.summary,
        points=len(bars),
        ranges=[
            RangeLink(
                label=r.value,
                path=f"/quote/{instrument.symbol}?range={r.value}",
                active=r is range_,
            )
            for r in ChartRange
        ],
    )


def _range_text(low: float | None, high: float | None, precision: int) -> str:
    if low is None or high is None:
        return "—"
    return f"{fmt.price(low, precision)} – {fmt.price(high, precision)}"


def _volume(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def quote_page(runtime: Runtime, instrument: Instrument, range_: ChartRange) -> QuotePage:
    now = runtime.now()
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
    zone = runtime.settings.timezone
    return QuotePage(
        symbol=instrument.symbol,
        name=instrument.name,
        exchange=instrument.exchange,
        currency=instrument.currency,
        asset_class=instrument.asset_class.value,
        quote=cell,
        stats=stats,
        chart=chart_view(runtime, instrument, range_, quote.previous_close if quote else None),
        news=[headline(r, zone, now) for r in runtime.news.articles_for_symbol(instrument.symbol)],
        news_feed=f"/quote/{instrument.symbol}/news.xml",
    )


class Mover(BaseModel):
    symbol: str
    name: str
    price_text: str
    change_percent: float | None
    percent_text: str
    direction: str
    path: str


class Movers(BaseModel):
    gainers: list[Mover]
    losers: list[Mover]
    most_active: list[Mover]
    trending: list[Mover]


def movers(runtime: Runtime, limit: int = 5) -> Movers:
    """Gainers, losers and most active among tracked instruments; trending = most named
    in the last 24 hours of news."""
    now = runtime.now()
    quotes = runtime.markets.latest_quotes()

    def mover(symbol: str) -> Mover:
        instrument = runtime.registry.get(symbol)
        quote = quotes.get(symbol)
        percent = quote.change_percent if quote else None
        return Mover(
            symbol=symbol,
            name=instrument.label,
            price_text=fmt.price(quote.price if quote else None, instrument.precision),
            change_percent=percent,
            percent_text=fmt.percent(percent),
            direction=fmt.direction(percent, 2),
            path=f"/quote/{symbol}",
        )

    changed = sorted(
        (s for s, q in quotes.items() if s in runtime.registry and q.change_percent is not None),
        key=lambda s: quotes[s].change_percent or 0.0,
    )
    gainers = [s for s in reversed(changed) if (quotes[s].change_percent or 0) > 0][:limit]
    losers = [s for s in changed if (quotes[s].change_percent or 0) < 0][:limit]
    with_volume = sorted(
        (s for s, q in quotes.items() if s in runtime.registry and q.volume),
        key=lambda s: quotes[s].volume or 0.0,
        reverse=True,
    )[:limit]
    trending = [
        row["symbol"]
        for row in runtime.news.trending(now - timedelta(hours=24), limit)
        if row["symbol"] in runtime.registry
    ]
    return Movers(
        gainers=[mover(s) for s in gainers],
        losers=[mover(s) for s in losers],
        most_active=[mover(s) for s in with_volume],
        trending=[mover(s) for s in trending],
    )
