"""The home page: banner, ribbon, movers, the lead story and the latest headlines, paged."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tickerwire.web.member_home import home_part
from tickerwire.web.movers import Movers, movers
from tickerwire.web.parts import Headline, MarketsTop, headlines, markets_top
from tickerwire.web.twins import Page, PageRequest

PAGE_SIZE = 20


class HomeParams(BaseModel):
    page: int = Field(1, ge=1, le=500)


class HomePage(MarketsTop):
    title: str
    lead: Headline | None
    """The first page's top story, shown large with its image."""
    headlines: list[Headline]
    movers: Movers
    page: int
    more_path: str | None
    """The next page of headlines, when there is one."""
    generated_at: datetime


def build(request: PageRequest[HomeParams]) -> HomePage:
    runtime, number = request.runtime, request.params.page
    offset = (number - 1) * PAGE_SIZE
    # One more than a page tells whether a next page exists without counting every article.
    found = headlines(runtime, limit=PAGE_SIZE + 1, offset=offset)
    shown, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    lead = None
    if number == 1 and shown:
        lead = next((h for h in shown if h.thumbnail), shown[0])
        shown = [h for h in shown if h is not lead]
    return HomePage(
        **dict(markets_top(runtime, request.now)),
        title="Tickerwire" if number == 1 else f"Tickerwire — headlines, page {number}",
        lead=lead,
        headlines=shown,
        movers=movers(runtime),
        page=number,
        more_path=f"/?page={number + 1}" if more else None,
        generated_at=request.now,
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
