"""Pieces every page shares. First of all the one rule for how a quote reads: price at the
instrument's precision, an explicit sign, the direction (and its arrow and spoken word) taken
from the change at that same precision, and the time in the reader's zone.

The ribbon, the quote page's head, an article's instrument chips, the movers lists and the
live stream all show quotes through :func:`quote_figures`, so a tick pushed to the browser
reads exactly like the server-rendered cell it replaces.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from tickerwire import actions, humanize
from tickerwire.instruments import Instrument
from tickerwire.markets import calendar
from tickerwire.markets.freshness import is_stale
from tickerwire.markets.quotes import Interval, PriceKind, Quote
from tickerwire.news.model import ArticleListing, ImageSource
from tickerwire.news.srcset import Candidate, write_srcset
from tickerwire.news.trackers import is_tracker_image, without_tracking
from tickerwire.news.urls import safe_url
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt
from tickerwire.web.svg import Sparkline, sparkline

SPOKEN = {"up": "up", "down": "down", "flat": "unchanged"}
KIND_WORDS = {PriceKind.DAILY_FIXING: "Daily fixing", PriceKind.END_OF_DAY: "End of day"}
"""How a once-a-day number is named beside it, so it never passes for a live price."""


class QuoteFigures(BaseModel):
    """A quote as it reads on a page; every text field is ready to show."""

    symbol: str
    precision: int
    price_text: str
    change_text: str
    percent_text: str
    direction: str
    arrow: str
    spoken_direction: str  # "" when there is no quote: nothing is read out for an empty cell
    as_of: datetime | None
    as_of_text: str
    kind: str  # a PriceKind: "intraday", "daily_fixing", "end_of_day"
    kind_text: str  # "" for an intraday price, else "Daily fixing of Dec 3"


def kind_text(quote: Quote, zone: str) -> str:
    """ "Daily fixing of Dec 3" for a once-a-day number (dated in the reader's zone), else ""."""
    words = KIND_WORDS.get(quote.kind)
    if words is None:
        return ""
    day = quote.as_of.astimezone(ZoneInfo(zone))
    return f"{words} of {day.strftime('%b')} {day.day}"


def quote_figures(
    instrument: Instrument, quote: Quote | None, zone: str, now: datetime
) -> QuoteFigures:
    """How ``quote`` of ``instrument`` reads for a reader in ``zone`` at ``now``."""
    precision = instrument.precision
    if quote is None:
        return QuoteFigures(
            symbol=instrument.symbol,
            precision=precision,
            price_text=fmt.price(None, precision),
            change_text=fmt.signed(None, precision),
            percent_text=fmt.percent(None),
            direction="flat",
            arrow="",
            spoken_direction="",
            as_of=None,
            as_of_text="no data",
            kind=PriceKind.INTRADAY.value,
            kind_text="",
        )
    heading = fmt.direction(quote.change, precision)
    return QuoteFigures(
        symbol=instrument.symbol,
        precision=precision,
        price_text=fmt.price(quote.price, precision),
        change_text=fmt.signed(quote.change, precision),
        percent_text=fmt.percent(quote.change_percent),
        direction=heading,
        arrow=fmt.ARROWS[heading] if quote.change is not None else "",
        spoken_direction=SPOKEN[heading] if quote.change is not None else "",
        as_of=quote.as_of,
        as_of_text=humanize.clock_time(quote.as_of, zone, now),
        kind=quote.kind.value,
        kind_text=kind_text(quote, zone),
    )


class Banner(BaseModel):
    text: str
    state: str
    is_open: bool
    next_open: datetime | None
    next_close: datetime | None


class MarketView(BaseModel):
    calendar: str
    state: str
    is_open: bool
    label: str
    next_open: datetime | None
    next_close: datetime | None


class SparklineView(BaseModel):
    points: str
    baseline_y: float | None
    width: int
    height: int


class RibbonCell(BaseModel):
    symbol: str
    name: str
    currency: str
    precision: int
    price: float | None
    change: float | None
    change_percent: float | None
    previous_close: float | None
    price_text: str
    change_text: str
    percent_text: str
    direction: str
    arrow: str
    spoken_direction: str
    as_of: datetime | None
    as_of_text: str
    kind: str
    kind_text: str
    age_text: str
    stale: bool
    delayed: bool
    provider: str | None
    simulated: bool
    market: MarketView
    sparkline: SparklineView | None


class ProviderNotice(BaseModel):
    provider: str
    failed_at: datetime
    error: str
    retry_at: datetime | None
    text: str


class MarketsTop(BaseModel):
    """The banner, notices and ribbon every page opens with."""

    banner: Banner
    ribbon: list[RibbonCell]
    simulated: bool
    replay: bool
    notices: list[ProviderNotice]


def market_view(instrument: Instrument, now: datetime) -> MarketView:
    return market_view_of(instrument.calendar, now)


def market_view_of(calendar_name: str, now: datetime) -> MarketView:
    """The state and label of the market that keeps ``calendar_name``."""
    status = calendar.market_status(calendar_name, now)
    return MarketView(
        calendar=calendar_name,
        state=status.state.value,
        is_open=status.is_open,
        label=calendar.banner_text(status),
        next_open=status.next_open,
        next_close=status.next_close,
    )


def banner(now: datetime) -> Banner:
    status = calendar.us_market_status(now)
    return Banner(
        text=calendar.banner_text(status),
        state=status.state.value,
        is_open=status.is_open,
        next_open=status.next_open,
        next_close=status.next_close,
    )


@functools.lru_cache(maxsize=256)
def _drawn_sparkline(closes: tuple[float, ...], baseline: float | None) -> Sparkline | None:
    """A session's line is drawn again only when a close in it moved: a tick of one
    instrument re-renders the whole ribbon, and the other fifteen lines are as they were."""
    return sparkline(closes, baseline)


def ribbon_cell(
    runtime: Runtime, instrument: Instrument, quote: Quote | None, now: datetime
) -> RibbonCell:
    precision = instrument.precision
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    spark = None
    if quote is not None:
        opens, closes = calendar.current_or_last_session(instrument.calendar, now)
        line = _drawn_sparkline(
            tuple(runtime.markets.closes(instrument.symbol, Interval.M1, opens, closes)),
            quote.previous_close,
        )
        spark = SparklineView.model_validate(line, from_attributes=True) if line else None
    shown = quote_figures(instrument, quote, runtime.settings.timezone, now)
    return RibbonCell(
        symbol=instrument.symbol,
        name=instrument.label,
        currency=instrument.currency,
        precision=precision,
        price=quote.price if quote else None,
        change=quote.change if quote else None,
        change_percent=quote.change_percent if quote else None,
        previous_close=quote.previous_close if quote else None,
        price_text=shown.price_text,
        change_text=shown.change_text,
        percent_text=shown.percent_text,
        direction=shown.direction,
        arrow=shown.arrow,
        spoken_direction=shown.spoken_direction,
        as_of=shown.as_of,
        as_of_text=shown.as_of_text,
        kind=shown.kind,
        kind_text=shown.kind_text,
        age_text=humanize.age(quote.age(now)) if quote else "",
        stale=is_stale(instrument, quote, now, stale_after) if quote else False,
        delayed=quote.delayed if quote else False,
        provider=quote.provider if quote else None,
        simulated=quote.simulated if quote else False,
        market=market_view(instrument, now),
        sparkline=spark,
    )


def ribbon(runtime: Runtime, now: datetime) -> list[RibbonCell]:
    instruments = runtime.registry.ribbon
    quotes = runtime.markets.latest_quotes([i.symbol for i in instruments])
    return [ribbon_cell(runtime, i, quotes.get(i.symbol), now) for i in instruments]


def provider_notices(runtime: Runtime, now: datetime) -> list[ProviderNotice]:
    """The failing providers of this run (see :func:`actions.provider_report`), worded."""
    notices = []
    zone = runtime.settings.timezone
    for failure in actions.provider_report(runtime, now=now):
        failed_at = humanize.clock_time(failure.failed_at, zone, now)
        text = f"{failure.name.capitalize()} failed at {failed_at}: {failure.error}."
        if failure.retry_at is not None:
            text += f" Retrying at {humanize.clock_time(failure.retry_at, zone, now)}."
        notices.append(
            ProviderNotice(
                provider=failure.name,
                failed_at=failure.failed_at,
                error=failure.error,
                retry_at=failure.retry_at,
                text=text,
            )
        )
    return notices


def markets_top(runtime: Runtime, now: datetime) -> MarketsTop:
    cells = ribbon(runtime, now)
    return MarketsTop(
        banner=banner(now),
        ribbon=cells,
        simulated=runtime.settings.demo or any(c.simulated for c in cells),
        replay=any(c.provider == "replay" for c in cells),
        notices=provider_notices(runtime, now),
    )


class Headline(BaseModel):
    id: int
    title: str
    publisher: str | None
    published: datetime | None
    time_text: str
    thumbnail: str | None
    path: str
    full_text: bool


def time_text(moment: datetime | None, zone: str, now: datetime) -> str:
    return humanize.clock_time(moment, zone, now) if moment else ""


def checked_image(url: str | None) -> str | None:
    """An image's source URL as pages may name it: checked again on output, as every URL
    field is; None for a tracker's, and tracking parameters left out."""
    checked = safe_url(url)
    if checked is None or is_tracker_image(checked):
        return None
    return without_tracking(checked)


def image_src(runtime: Runtime, url: str | None) -> str | None:
    """Where a page loads an image from: the portal's own signed path for it (media/), or,
    when an admin turned the image cache off, the checked source URL itself; None for no
    image a page may show."""
    checked = checked_image(url)
    if checked is None or runtime.media is None:
        return checked
    return runtime.media.path(checked)


def image_srcset(runtime: Runtime, sources: Iterable[ImageSource]) -> str | None:
    """An image's widths as a ``srcset``, each candidate loaded as :func:`image_src` loads
    one, so a signed path of our own origin whenever the image cache is on."""
    return write_srcset(
        Candidate(src, f"{source.width}w")
        for source in sources
        if (src := image_src(runtime, source.url)) is not None
    )


def headline(runtime: Runtime, row: ArticleListing, now: datetime) -> Headline:
    return Headline(
        id=row.id,
        title=row.title,
        publisher=row.site_name,
        published=row.when,
        time_text=time_text(row.when, runtime.settings.timezone, now),
        thumbnail=image_src(runtime, row.lead_image.url) if row.lead_image else None,
        path=f"/article/{row.id}",
        full_text=row.extracted,
    )


def headlines(runtime: Runtime, limit: int = 20, offset: int = 0) -> list[Headline]:
    now = runtime.now()
    return [headline(runtime, row, now) for row in runtime.news.latest_articles(limit, offset)]


class SymbolLink(BaseModel):
    symbol: str
    name: str
    path: str

    @classmethod
    def of(cls, instrument: Instrument) -> SymbolLink:
        return cls(
            symbol=instrument.symbol, name=instrument.name, path=f"/quote/{instrument.symbol}"
        )
