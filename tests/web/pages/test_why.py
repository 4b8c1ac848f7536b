"""The quote page marks each story on its chart and sorts its news by the move after each;
"Why is it moving?" ranks the stories since the last close by the move that followed them.
On the demo's simulated prices and a local publisher, with a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.newsroom import Story
from support.reaction_demo import DOW_STORY, LATER_DOW_STORY, Demo, reaction_demo
from tickerwire.actions import DISCLAIMER


@pytest.fixture
def demo(database_url: str) -> Iterator[Demo]:
    """Two stories about the Dow twenty minutes apart, both measured at +15 min."""
    with reaction_demo(database_url) as running:
        running.poll_until(LATER_DOW_STORY.published)
        running.publish(LATER_DOW_STORY)
        running.poll_until(LATER_DOW_STORY.published + timedelta(minutes=15))
        running.measure_at(LATER_DOW_STORY.published + timedelta(minutes=17))
        yield running


def quarter(demo: Demo, story: Story) -> dict[str, Any]:
    """The Dow's +15 min after ``story``, from the article's twin."""
    since = demo.twin(story)["since_publication"]["instruments"]
    horizons: list[dict[str, Any]] = next(i for i in since if i["symbol"] == "DJI")["horizons"]
    return horizons[0]


def moves(demo: Demo) -> dict[str, float]:
    return {s.title: quarter(demo, s)["move_pct"] for s in (DOW_STORY, LATER_DOW_STORY)}


def test_the_quote_chart_marks_each_story_with_a_link_and_a_numbered_list(demo: Demo) -> None:
    tree = HTMLParser(demo.client.get("/quote/DJI").text)
    markers = tree.css("#chart svg a.news-marker")
    assert [m.attributes["href"] for m in markers] == [
        f"/article/{demo.article_id(DOW_STORY)}",
        f"/article/{demo.article_id(LATER_DOW_STORY)}",
    ]
    assert markers[0].css_first("title").text() == f"2. {DOW_STORY.title}"
    listed = [
        (li.attributes["value"], li.css_first("a").text()) for li in tree.css(".news-markers li")
    ]
    assert listed == [("1", LATER_DOW_STORY.title), ("2", DOW_STORY.title)]


def test_the_quote_twin_carries_the_markers_not_the_svg(demo: Demo) -> None:
    twin = demo.client.get("/quote/DJI.json").json()
    assert [m["number"] for m in twin["chart"]["markers"]] == [1, 2]
    assert twin["chart"]["markers"][1]["path"] == f"/article/{demo.article_id(DOW_STORY)}"
    assert "<svg" not in demo.client.get("/quote/DJI.json").text


def test_the_quote_page_sorts_its_news_by_the_move_after_each_story(demo: Demo) -> None:
    found = moves(demo)
    expected = sorted(found, key=lambda title: abs(found[title]), reverse=True)
    tree = HTMLParser(demo.client.get("/quote/DJI?sort=reaction").text)
    assert [a.text() for a in tree.css(".quote-news .why-list .headline-title")] == expected
    assert tree.css_first(".news-sort strong").text() == "by the move after it"
    twin = demo.client.get("/quote/DJI.json?sort=reaction").json()
    assert [s["headline"]["title"] for s in twin["news_by_reaction"]["stories"]] == expected


def test_an_unknown_sort_is_a_bad_request_that_names_it(demo: Demo) -> None:
    response = demo.client.get("/quote/DJI?sort=loudest")
    assert response.status_code == 400
    assert "sort" in response.text


def test_why_is_it_moving_ranks_the_days_stories_by_the_move_after_them(demo: Demo) -> None:
    found = moves(demo)
    expected = sorted(found, key=lambda title: abs(found[title]), reverse=True)
    response = demo.client.get("/quote/DJI/why")
    assert response.status_code == 200
    tree = HTMLParser(response.text)
    assert tree.css_first("h1").text() == "Why is Dow 30 moving?"
    assert [a.text() for a in tree.css(".why-list .headline-title")] == expected
    top = next(s for s in (DOW_STORY, LATER_DOW_STORY) if s.title == expected[0])
    first = tree.css_first(".why-list .why-move").text()
    assert first.startswith(quarter(demo, top)["move_text"])
    assert tree.css_first(".disclaimer").text() == DISCLAIMER
    twin = demo.client.get("/quote/DJI/why.json").json()
    assert [s["headline"]["title"] for s in twin["stories"]["stories"]] == expected
    assert twin["since"] == "2026-11-19T21:00:00Z"


def test_every_ribbon_cell_and_the_quote_page_link_to_why_it_is_moving(demo: Demo) -> None:
    home = HTMLParser(demo.client.get("/").text)
    links = {a.attributes["href"] for a in home.css(".ribbon-cell a.ribbon-why")}
    assert "/quote/DJI/why" in links and len(links) == len(home.css(".ribbon-cell"))
    quote = HTMLParser(demo.client.get("/quote/DJI").text)
    assert quote.css_first(".news-sort a.why-link").attributes["href"] == "/quote/DJI/why"


def test_why_is_it_moving_for_an_unknown_symbol_is_not_found(demo: Demo) -> None:
    assert demo.client.get("/quote/NOPE/why").status_code == 404
