"""View models: what a page shows, built once and rendered as HTML or as its JSON twin.

Nothing here touches HTTP; the same functions feed the pages, the API and the tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from tickerwire import humanize
from tickerwire.instruments import Instrument
from tickerwire.markets import calendar
from tickerwire.markets.freshness import is_stale
from tickerwire.markets.quotes import Interval, Quote
from tickerwire.runtime import Runtime
from tickerwire.web.news_views import Headline, headlines
from tickerwire.web.parts import quote_figures
from tickerwire.web.svg import sparkline


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


class HomePage(MarketsTop):
    title: str
    headlines: list[Headline]
    generated_at: datetime


def market_view(instrument: Instrument, now: datetime) -> MarketView:
    status = calendar.market_status(instrument.calendar, now)
    return MarketView(
        calendar=instrument.calendar,
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


def ribbon_cell(
    runtime: Runtime, instrument: Instrument, quote: Quote | None, now: datetime
) -> RibbonCell:
    precision = instrument.precision
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    spark = None
    if quote is not None:
        opens, closes = calendar.current_or_last_session(instrument.calendar, now)
        line = sparkline(
            runtime.markets.closes(instrument.symbol, Interval.M1, opens, closes),
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
    notices = []
    zone = runtime.settings.timezone
    for row in runtime.markets.health():
        if not row["consecutive_failures"] or row["last_error_at"] is None:
            continue
        retry = row["next_retry_at"]
        error = (row["last_error"] or "").removeprefix(f"{row['name']}: ")
        failed_at = humanize.clock_time(row["last_error_at"], zone, now)
        text = f"{row['name'].capitalize()} failed at {failed_at}: {error}."
        if retry is not None:
            text += f" Retrying at {humanize.clock_time(retry, zone, now)}."
        notices.append(
            ProviderNotice(
                provider=row["name"],
                failed_at=row["last_error_at"],
                error=error,
                retry_at=retry,
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


def home(runtime: Runtime, now: datetime) -> HomePage:
    top = markets_top(runtime, now)
    return HomePage(**dict(top), title="Tickerwire", headlines=headlines(runtime), generated_at=now)


def as_json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
