"""Pieces every page shares. First of all the one rule for how a quote reads: price at the
instrument's precision, an explicit sign, the direction (and its arrow and spoken word) taken
from the change at that same precision, and the time in the reader's zone.

The ribbon, the quote page's head, an article's instrument chips, the movers lists and the
live stream all show quotes through :func:`quote_figures`, so a tick pushed to the browser
reads exactly like the server-rendered cell it replaces.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from tickerwire import humanize
from tickerwire.instruments import Instrument
from tickerwire.markets.quotes import Quote
from tickerwire.web import format as fmt

SPOKEN = {"up": "up", "down": "down", "flat": "unchanged"}


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
    )
