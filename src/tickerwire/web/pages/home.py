"""The home page: banner, ribbon, movers, the lead story and the latest headlines, paged;
with ``?at=``, the page as it was at that moment (:mod:`tickerwire.web.past_view`)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from tickerwire import actions
from tickerwire.web.member_home import home_part
from tickerwire.web.movers import Movers, movers
from tickerwire.web.parts import Headline, MarketsTop, headline, headlines, markets_top
from tickerwire.web.past_view import PastView, markets_top_at, moment_param, past_view
from tickerwire.web.twins import Page, PageRequest

PAGE_SIZE = 20


class HomeParams(BaseModel):
    page: int = Field(1, ge=1, le=500)
    at: str | None = None
    """A past moment (ISO 8601 with a zone, or a date): the page as it was then."""


class HomePage(MarketsTop):
    title: str
    lead: Headline | None
    """The first page's top story, shown large with its image."""
    headlines: list[Headline]
    movers: Movers | None
    """None in a past view: the movers are today's."""
    page: int
    more_path: str | None
    """The next page of headlines, when there is one."""
    generated_at: datetime
    past: PastView | None = None
    """Set when the page shows a past moment; its ``as_of`` is that moment."""


def build(request: PageRequest[HomeParams]) -> HomePage:
    runtime, number, at = request.runtime, request.params.page, request.params.at
    offset = (number - 1) * PAGE_SIZE
    moment = moment_param(runtime, at)
    # One more than a page tells whether a next page exists without counting every article.
    if moment is None:
        found = headlines(runtime, limit=PAGE_SIZE + 1, offset=offset)
        top, past, shown_movers = markets_top(runtime, request.now), None, movers(runtime)
    else:
        then = actions.headlines_at(runtime, moment, PAGE_SIZE + 1, offset)
        found = [headline(runtime, row, moment) for row in then.articles]
        top, prices_note = markets_top_at(runtime, moment)
        note = " ".join(n for n in (prices_note, then.note) if n) or None
        past, shown_movers = past_view(moment, "/", note), None
    shown, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    lead = None
    if number == 1 and shown:
        lead = next((h for h in shown if h.thumbnail), shown[0])
        shown = [h for h in shown if h is not lead]
    following = {"page": number + 1} | ({"at": at} if at is not None else {})
    return HomePage(
        **dict(top),
        title="Tickerwire" if number == 1 else f"Tickerwire — headlines, page {number}",
        lead=lead,
        headlines=shown,
        movers=shown_movers,
        page=number,
        more_path=f"/?{urlencode(following)}" if more else None,
        generated_at=request.now,
        past=past,
    )


PAGE = Page(
    name="home",
    path="/",
    json_path="/index.json",
    template="home.html",
    build=build,
    params=HomeParams,
    member_parts=home_part,
)
