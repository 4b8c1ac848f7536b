"""The article page and its JSON twin, from articles the pipeline stored."""

from __future__ import annotations

from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.newsroom import FED_STORY, OIL_STORY
from tickerwire.runtime import Runtime


def article_id(runtime: Runtime, title: str) -> int:
    return next(a.id for a in runtime.news.latest_articles() if a.title == title)


def test_home_leads_with_the_newest_story_then_lists_the_rest_with_publisher(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    tree = HTMLParser(client.get("/").text)
    assert tree.css_first(".lead-story .lead-title").text() == OIL_STORY.title
    assert tree.css_first(".lead-story img.lead-image") is not None
    assert [a.text() for a in tree.css(".headline-title")] == [FED_STORY.title]
    assert tree.css_first(".headline .publisher").text() == "Example Wire"


def test_the_article_page_shows_headline_byline_caption_credit_and_body(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = news_portal
    response = client.get(f"/article/{article_id(runtime, FED_STORY.title)}")
    assert response.status_code == 200
    tree = HTMLParser(response.text)
    assert tree.css_first("h1.article-title").text() == FED_STORY.title
    assert tree.css_first(".byline").text() == FED_STORY.author
    lead = tree.css_first(".lead-figure figcaption")
    assert lead.css_first(".caption").text() == FED_STORY.figure_caption
    assert lead.css_first(".credit").text() == FED_STORY.figure_credit
    assert "We are not in a hurry" in tree.css_first(".article-body").text()
    assert tree.css_first(".inline-figure .credit").text() == "Example Wire"


def test_the_article_page_has_the_ribbon_and_more_from_the_publisher(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = news_portal
    tree = HTMLParser(client.get(f"/article/{article_id(runtime, FED_STORY.title)}").text)
    assert len(tree.css(".ribbon-cell")) == 16
    assert tree.css_first(".more-from h2").text() == "More from Example Wire"
    assert [a.text() for a in tree.css(".more-from .headline-title")] == [OIL_STORY.title]


def test_the_article_json_twin_has_the_same_fields(news_portal: tuple[TestClient, Runtime]) -> None:
    client, runtime = news_portal
    twin = client.get(f"/article/{article_id(runtime, FED_STORY.title)}.json").json()
    assert twin["title"] == FED_STORY.title
    assert twin["lead_image"]["credit"] == FED_STORY.figure_credit
    assert twin["more_from"][0]["title"] == OIL_STORY.title


def test_an_unknown_article_is_a_404_page(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    assert client.get("/article/999999").status_code == 404
    assert client.get("/article/999999.json").status_code == 404


def test_the_feeds_page_shows_each_feeds_state_and_next_fetch(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    tree = HTMLParser(client.get("/feeds").text)
    (row,) = tree.css("tr.feed")
    assert row.css_first(".feed-title").text() == "Example Wire"
    assert "ok" in row.text() and "in " in row.text()
    assert client.get("/feeds.json").json()["feeds"][0]["entries"] == 2
