"""Every registered page has its HTML and its JSON twin from the same view model, one
not-found rule, one bad-request rule, and (where it has one) an Atom feed."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.newsroom import FED_STORY
from tickerwire.runtime import Runtime
from tickerwire.web import pages
from tickerwire.web.twins import Page

ATOM = "{http://www.w3.org/2005/Atom}"
PAGE_NAMES = [page.name for page in pages.ALL]


def example(page: Page[Any, Any], runtime: Runtime) -> str:
    """A path of ``page`` that exists in the news portal; a page without one fails here,
    so no page can be registered without being walked by these tests."""
    fed = next(a.id for a in runtime.news.latest_articles() if a.title == FED_STORY.title)
    return {
        "home": "/",
        "article": f"/article/{fed}",
        "quote": "/quote/CL",
        "why": "/quote/SPX/why",
        "topic": "/topic/federal-reserve",
        "search": "/search?q=policymakers",
        "feeds": "/feeds",
    }[page.name]


MISSING = {
    "article": "/article/999999",
    "quote": "/quote/NOPE",
    "why": "/quote/NOPE/why",
    "topic": "/topic/nobody-at-all",
}


def twin_of(page: Page[Any, Any], path: str) -> str:
    route, _, query = path.partition("?")
    twin = page.json_path or f"{route}.json"
    return f"{twin}?{query}" if query else twin


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_has_a_json_twin_with_the_same_data(
    news_portal: tuple[TestClient, Runtime], name: str
) -> None:
    client, runtime = news_portal
    page = next(p for p in pages.ALL if p.name == name)
    path = example(page, runtime)
    html = client.get(path)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert len(HTMLParser(html.text).css("h1")) == 1
    twin = client.get(twin_of(page, path))
    assert twin.status_code == 200
    assert twin.headers["content-type"] == "application/json"
    assert isinstance(twin.json(), dict) and twin.json()


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_a_twin_carries_data_not_presentation(
    news_portal: tuple[TestClient, Runtime], name: str
) -> None:
    client, runtime = news_portal
    page = next(p for p in pages.ALL if p.name == name)
    text = client.get(twin_of(page, example(page, runtime))).text
    assert "<svg" not in text
    assert "<polyline" not in text


@pytest.mark.parametrize("name", sorted(MISSING))
def test_a_missing_thing_is_a_404_in_html_and_in_json(
    news_portal: tuple[TestClient, Runtime], name: str
) -> None:
    client, _ = news_portal
    page = next(p for p in pages.ALL if p.name == name)
    html = client.get(MISSING[name])
    assert html.status_code == 404
    assert "Not found" in html.text
    twin = client.get(twin_of(page, MISSING[name]))
    assert twin.status_code == 404
    assert twin.json()["detail"]


def test_a_bad_parameter_is_a_400_naming_it_in_html_and_in_json(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    assert client.get("/article/not-a-number").status_code == 400
    answer = client.get("/article/not-a-number.json")
    assert answer.status_code == 400 and "article_id" in answer.json()["detail"]
    assert client.get("/quote/CL.json?range=7W").status_code == 400
    assert client.get("/?page=0").status_code == 400


@pytest.mark.parametrize("name", [p.name for p in pages.ALL if p.atom is not None])
def test_pages_with_a_feed_serve_valid_atom(
    news_portal: tuple[TestClient, Runtime], name: str
) -> None:
    client, runtime = news_portal
    page = next(p for p in pages.ALL if p.name == name)
    response = client.get(f"{example(page, runtime)}/news.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed" and root.findall(f"{ATOM}entry")


def test_the_quote_twin_carries_its_bars_not_its_svg(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    chart = client.get("/quote/CL.json?range=5D").json()["chart"]
    assert "svg" not in chart
    assert len(chart["bars"]) == chart["points"] > 2
    assert {"start", "open", "high", "low", "close"} <= set(chart["bars"][0])


def test_the_article_twin_carries_its_body_once(news_portal: tuple[TestClient, Runtime]) -> None:
    client, runtime = news_portal
    fed = next(a.id for a in runtime.news.latest_articles() if a.title == FED_STORY.title)
    twin = client.get(f"/article/{fed}.json").text
    sentence = json.dumps("Policymakers said they would watch the labour market")[1:-1]
    assert twin.count(sentence) == 1


def test_the_home_twin_carries_what_the_page_shows_movers_included(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    twin = client.get("/index.json").json()
    assert {"banner", "ribbon", "lead", "headlines", "movers"} <= set(twin)
    assert set(twin["movers"]) == {"gainers", "losers", "most_active", "trending"}


def test_the_search_page_has_a_twin_with_the_same_hits(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    twin = client.get("/search.json?q=policymakers").json()
    assert [h["title"] for h in twin["hits"]] == [FED_STORY.title]
    bad = client.get("/search.json?q=x&since=yesterday")
    assert bad.status_code == 400 and "since" in bad.json()["error"]
