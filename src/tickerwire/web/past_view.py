"""What a page shows instead of its live parts when it is asked for a past moment.

A past view (``?at=``) has no live parts: its banner, market states and ribbon are drawn
into the page itself from :mod:`tickerwire.actions.history`, so neither the render cache's
stored ribbon nor the live stream can put today's prices into it (``live.js`` leaves a page
marked ``data-past-view`` alone). Cells are worded by the same rule as the live ribbon's
(:func:`tickerwire.web.parts.quote_figures`), at the moment rather than now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from pydantic import BaseModel

from tickerwire import actions, humanize
from tickerwire.actions import ActionError
from tickerwire.history.prices import session_closes_at
from tickerwire.instruments import Instrument
from tickerwire.markets.freshness import is_stale
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime
from tickerwire.web.parts import (
    MarketsTop,
    RibbonCell,
    SparklineView,
    banner,
    market_view,
    quote_figures,
)
from tickerwire.web.svg import sparkline
from tickerwire.web.twins import BadPageRequest


class PastView(BaseModel):
    """The label of a page shown as it was: when, and the way back to now."""

    as_of: datetime
    label: str
    """"30 Nov 2026 15:30 UTC": the moment as the banner names it."""
    back_path: str
    note: str | None
    """What the view has no data for (prices older than the minute bars, none stored)."""


def moment_label(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y %H:%M} UTC"


def moment_param(runtime: Runtime, at: str | None) -> datetime | None:
    """The moment of ``?at=``, or None for now; a bad one is the page's 400."""
    if at is None:
        return None
    try:
        return actions.moment_from(runtime, at)
    except ActionError as error:
        raise BadPageRequest(f"at: {error}") from None


def past_cell(
    runtime: Runtime,
    instrument: Instrument,
    quote: Quote | None,
    moment: datetime,
    *,
    drawn: bool = True,
) -> RibbonCell:
    """A ribbon cell as it read at ``moment``, with the session's line up to it unless not
    ``drawn``; "no data" when no price was stored by then."""
    shown = quote_figures(instrument, quote, runtime.settings.timezone, moment)
    spark = None
    if quote is not None and drawn:
        line = sparkline(
            session_closes_at(runtime.engine, instrument, moment), quote.previous_close
        )
        spark = SparklineView.model_validate(line, from_attributes=True) if line else None
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    # Every worded field comes from the one rule for how a quote reads, whatever it holds.
    return RibbonCell(
        **shown.model_dump(),
        name=instrument.label,
        currency=instrument.currency,
        price=quote.price if quote else None,
        change=quote.change if quote else None,
        change_percent=quote.change_percent if quote else None,
        previous_close=quote.previous_close if quote else None,
        age_text=humanize.age(quote.age(moment)) if quote else "",
        stale=is_stale(instrument, quote, moment, stale_after) if quote else False,
        delayed=False,
        provider=quote.provider if quote else None,
        simulated=quote.simulated if quote else False,
        market=market_view(instrument, moment),
        sparkline=spark,
    )


def markets_top_at(
    runtime: Runtime,
    moment: datetime,
    instruments: list[Instrument] | None = None,
    *,
    drawn: bool = True,
) -> tuple[MarketsTop, str | None]:
    """The banner and ribbon as they stood at ``moment`` (each session's line drawn up to
    it, unless not ``drawn``), and what had no data then."""
    chosen = list(instruments if instruments is not None else runtime.registry.ribbon)
    known = actions.markets_at(runtime, moment, chosen)
    cells = [past_cell(runtime, i, known.quotes.get(i.symbol), moment, drawn=drawn) for i in chosen]
    top = MarketsTop(
        banner=banner(moment),
        ribbon=cells,
        simulated=any(c.simulated for c in cells),
        replay=any(c.provider == "replay" for c in cells),
        notices=[],
    )
    return top, known.note


def past_view(moment: datetime, path: str, note: str | None) -> PastView:
    """The label of ``path`` shown at ``moment``, its way back being ``path`` itself."""
    return PastView(as_of=moment, label=moment_label(moment), back_path=quote(path), note=note)


class MarketsThen(BaseModel):
    """An article's markets when it was published: the ribbon's prices then."""

    as_of: datetime
    label: str
    cells: list[RibbonCell]
    """The ribbon's instruments that had a price by then."""
    note: str | None
    at: str
    """The moment as ``?at=`` writes it, for links to the portal and quotes then."""


def markets_then(runtime: Runtime, published: datetime | None, seen: datetime) -> MarketsThen:
    """The ribbon at ``published``; at ``seen`` (when Tickerwire first stored the article)
    when the publisher gives no time or one later than that."""
    moment = min(published, seen) if published is not None else seen
    top, note = markets_top_at(runtime, moment, drawn=False)
    return MarketsThen(
        as_of=moment,
        label=moment_label(moment),
        cells=[c for c in top.ribbon if c.price is not None],
        note=note,
        at=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
