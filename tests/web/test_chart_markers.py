"""News markers on the price chart: one numbered link per story inside the chart's span,
over the bar the story came in, escaped, and stacked rather than drawn over each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tickerwire.markets.quotes import Bar, Interval
from tickerwire.web.chart import ChartMarker, price_chart

START = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


def session(count: int = 60) -> list[Bar]:
    """A minute bar per minute from the open, each flat at its close."""
    closes = [100.0 + n % 7 for n in range(count)]
    return [
        Bar("DJI", Interval.M1, START + timedelta(minutes=n), c, c, c, c, None, "simulated")
        for n, c in enumerate(closes)
    ]


def markers_of(svg: str) -> list[HTMLParser]:
    return HTMLParser(svg).css("a.news-marker")


def test_a_story_inside_the_span_is_a_numbered_link_with_its_headline() -> None:
    marker = ChartMarker(1, START + timedelta(minutes=10), "Banks lift the Dow", "/article/7")
    chart = price_chart(session(), name="Dow", range_label="1D", precision=2, markers=[marker])
    [drawn] = markers_of(chart.svg)
    assert drawn.attributes["href"] == "/article/7"
    assert drawn.css_first("title").text() == "1. Banks lift the Dow"
    assert drawn.css_first("text").text() == "1"
    assert chart.marked == (1,)


def test_stories_outside_the_span_are_left_out_and_not_listed() -> None:
    before = ChartMarker(1, START - timedelta(hours=1), "Yesterday's news", "/article/1")
    after = ChartMarker(2, START + timedelta(hours=3), "Tomorrow's news", "/article/2")
    chart = price_chart(
        session(), name="Dow", range_label="1D", precision=2, markers=[before, after]
    )
    assert markers_of(chart.svg) == [] and chart.marked == ()


def test_a_hostile_headline_stays_text() -> None:
    title = '"><script>alert(1)</script>'
    marker = ChartMarker(1, START + timedelta(minutes=5), title, "/article/3")
    chart = price_chart(session(), name="Dow", range_label="1D", precision=2, markers=[marker])
    assert "<script>" not in chart.svg
    assert markers_of(chart.svg)[0].css_first("title").text() == f"1. {title}"


def test_stories_a_minute_apart_stack_instead_of_covering_each_other() -> None:
    close = [
        ChartMarker(n, START + timedelta(minutes=20 + n), f"Story {n}", f"/article/{n}")
        for n in (1, 2, 3)
    ]
    chart = price_chart(session(), name="Dow", range_label="1D", precision=2, markers=close)
    circles = [m.css_first("circle").attributes for m in markers_of(chart.svg)]
    centres = [(float(c["cx"] or 0), float(c["cy"] or 0)) for c in circles]
    diameter = 2 * float(circles[0]["r"] or 0)
    assert len(centres) == 3
    for n, (x, y) in enumerate(centres):
        for other_x, other_y in centres[n + 1 :]:
            assert abs(x - other_x) >= diameter or y != other_y
