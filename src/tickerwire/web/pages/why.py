""" "Why is it moving?": the stories about one instrument since the last close, ranked by
the move that followed each, so "Crude Oil +2.61 %" answers with the articles that came
before the move. Linked from every ribbon cell and the quote page."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from tickerwire import actions, humanize
from tickerwire.web.cache import NEWS, Sources, quote_source, symbol_reactions_source
from tickerwire.web.parts import RibbonCell, ribbon_cell
from tickerwire.web.story_moves import RankedNews, ranked_news
from tickerwire.web.twins import Page, PageNotFound, PageRequest


class WhyPage(BaseModel):
    symbol: str
    name: str
    quote: RibbonCell
    since: datetime
    until: datetime
    since_text: str
    stories: RankedNews
    quote_path: str


class WhyParams(BaseModel):
    symbol: str


def build(request: PageRequest[WhyParams]) -> WhyPage:
    runtime, now = request.runtime, request.now
    try:
        found = actions.why_moving(runtime, request.params.symbol)
    except actions.ActionError:
        raise PageNotFound(
            f"Tickerwire does not track {request.params.symbol!r}. "
            "Add it to the registry in your settings."
        ) from None
    instrument = found.instrument
    quote = runtime.markets.latest_quotes([instrument.symbol]).get(instrument.symbol)
    articles = [s.article for s in found.stories]
    return WhyPage(
        symbol=instrument.symbol,
        name=instrument.label,
        quote=ribbon_cell(runtime, instrument, quote, now),
        since=found.since,
        until=found.until,
        since_text=humanize.clock_time(found.since, runtime.settings.timezone, now),
        stories=ranked_news(runtime, instrument.symbol, articles, now),
        quote_path=f"/quote/{instrument.symbol}",
    )


def sources(params: WhyParams) -> Sources:
    symbol = params.symbol.upper()
    return (NEWS, quote_source(symbol), symbol_reactions_source(symbol))


PAGE = Page(
    name="why",
    path="/quote/{symbol}/why",
    template="why.html",
    build=build,
    params=WhyParams,
    sources=sources,
)
