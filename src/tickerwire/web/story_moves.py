"""Stories beside prices: the news markers on a quote page's chart, and the stories about
an instrument ranked by the move that followed each (the quote page's ``?sort=reaction``
and "Why is it moving?").

A marker's number is the story's place in the list under the chart, so a reader without
JavaScript, a mouse or sight of the chart finds the same stories in the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel

from tickerwire import actions, humanize
from tickerwire.news.model import ArticleListing
from tickerwire.reactions.horizons import Horizon
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt
from tickerwire.web.chart import ChartMarker
from tickerwire.web.parts import Headline, headline
from tickerwire.web.reaction_views import move_text


class MarkerView(BaseModel):
    number: int
    article_id: int
    title: str
    path: str
    published: datetime
    time_text: str


def chart_markers(articles: Sequence[ArticleListing]) -> list[ChartMarker]:
    """One marker per story, numbered from the newest: the chart draws those in its span."""
    newest = sorted(articles, key=lambda a: a.when, reverse=True)
    return [ChartMarker(n, a.when, a.title, f"/article/{a.id}") for n, a in enumerate(newest, 1)]


def marker_views(
    markers: Sequence[ChartMarker], drawn: Sequence[int], zone: str, now: datetime
) -> list[MarkerView]:
    """The list under the chart: the markers the chart drew, by number."""
    shown = set(drawn)
    return [
        MarkerView(
            number=m.number,
            article_id=int(m.href.rsplit("/", 1)[-1]),
            title=m.title,
            path=m.href,
            published=m.moment,
            time_text=humanize.clock_time(m.moment, zone, now),
        )
        for m in markers
        if m.number in shown
    ]


class MovedHeadline(BaseModel):
    """A headline with the move of one instrument after it."""

    headline: Headline
    horizon: str | None
    horizon_label: str | None
    move_pct: float | None
    move_text: str
    direction: str
    benchmark_symbol: str | None
    excess_pct: float | None
    excess_text: str
    simulated: bool


class RankedNews(BaseModel):
    stories: list[MovedHeadline]
    disclaimer: str = actions.DISCLAIMER


def ranked_news(
    runtime: Runtime, symbol: str, articles: Sequence[ArticleListing], now: datetime
) -> RankedNews:
    """``articles`` ranked by ``symbol``'s move after each (largest first, then those not
    measured yet, newest first)."""
    found = []
    for story in actions.story_moves(runtime, symbol, articles):
        move = story.move
        found.append(
            MovedHeadline(
                headline=headline(runtime, story.article, now),
                horizon=move.horizon if move else None,
                horizon_label=Horizon(move.horizon).label if move else None,
                move_pct=move.move_pct if move else None,
                move_text=move_text(move.move_pct) if move else "not measured yet",
                direction=fmt.direction(move.move_pct if move else None, 2),
                benchmark_symbol=move.benchmark_symbol if move else None,
                excess_pct=move.excess_pct if move else None,
                excess_text=move_text(move.excess_pct) if move else "—",
                simulated=move.simulated if move else False,
            )
        )
    return RankedNews(stories=found)
