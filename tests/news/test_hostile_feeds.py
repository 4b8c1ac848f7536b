"""Hostile publishers through the real pipeline into the store and onto the page, on SQLite
and PostgreSQL: text that reads like markup stays text, sanitized HTML is shown as stored,
trackers are gone, encodings are decided right, and control characters cost no entry."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser, LexborNode

from support import hostile
from support.http_server import LocalServer
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime, subscribe
from tickerwire.config import Settings
from tickerwire.news.model import StoredArticle
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app


@contextlib.contextmanager
def portal(database_url: str, *feeds: str) -> Iterator[tuple[TestClient, Runtime, str]]:
    """A portal that subscribed to ``feeds`` (paths of the hostile publisher) and fetched them."""
    settings = Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )
    with LocalServer() as server:
        hostile.publish_hostile(server)
        steps = [subscribe(server.url(path)) for path in feeds]
        with (
            opened_runtime(settings, *steps, clock=lambda: FRIDAY_MORNING) as runtime,
            TestClient(create_app(settings, runtime=runtime)) as client,
        ):
            yield client, runtime, server.base_url


def stored(runtime: Runtime, title: str) -> StoredArticle:
    row = next(a for a in runtime.news.latest_articles(50) if a.title == title)
    article = runtime.news.article(row.id)
    assert article is not None
    return article


def page(client: TestClient, article: StoredArticle) -> LexborHTMLParser:
    response = client.get(f"/article/{article.id}")
    assert response.status_code == 200
    return LexborHTMLParser(response.text)


def body(tree: LexborHTMLParser) -> LexborNode:
    node = tree.css_first(".article-body")
    assert node is not None
    return node


def test_an_escaped_meta_refresh_is_shown_as_text_and_never_becomes_an_element(
    database_url: str,
) -> None:
    with portal(database_url, "/hostile/escaped.xml") as (client, runtime, _):
        tree = page(client, stored(runtime, "Shares rise at the open"))
        assert tree.css('meta[http-equiv="refresh"]') == []
        assert hostile.META_REFRESH in body(tree).text()


def test_an_escaped_script_is_shown_as_text_and_never_becomes_an_element(
    database_url: str,
) -> None:
    with portal(database_url, "/hostile/escaped.xml") as (client, runtime, _):
        tree = page(client, stored(runtime, "Bonds hold steady"))
        assert [s for s in tree.css("script") if "__pwned" in (s.text() or "")] == []
        assert hostile.SCRIPT in body(tree).text()


def test_event_handlers_and_javascript_links_reach_neither_store_nor_page(
    database_url: str,
) -> None:
    with portal(database_url, "/hostile/escaped.xml") as (client, runtime, _):
        article = stored(runtime, "Copper firms")
        served = client.get(f"/article/{article.id}").text
        for text in (article.body_html, served):
            assert "javascript:" not in text and "onerror" not in text
            assert "onmouseover" not in text


def test_an_extracted_body_is_stored_with_its_figures_and_shown_exactly_as_stored(
    database_url: str,
) -> None:
    with portal(database_url, "/hostile/tracked-article.xml") as (client, runtime, _):
        article = stored(runtime, "Silver climbs")
        assert article.extracted
        assert '<span class="credit">Hostile Wire</span>' in article.body_html
        assert body(page(client, article)).inner_html.strip() == article.body_html


@pytest.mark.parametrize("feed", ["/hostile/atom.xml", "/hostile/feed.json"])
def test_a_title_declared_as_text_is_shown_as_its_characters(database_url: str, feed: str) -> None:
    with portal(database_url, feed) as (client, runtime, _):
        article = stored(runtime, hostile.TEXT_TITLE)
        title = page(client, article).css_first("h1.article-title")
        assert title.text() == hostile.TEXT_TITLE and title.css("b") == []
        home = LexborHTMLParser(client.get("/").text)
        assert hostile.TEXT_TITLE in [h.text() for h in home.css(".lead-title, .headline-title")]


@pytest.mark.parametrize("feed", ["/hostile/atom.xml", "/hostile/feed.json"])
def test_content_declared_as_text_is_stored_escaped_and_shown_as_text(
    database_url: str, feed: str
) -> None:
    with portal(database_url, feed) as (client, runtime, _):
        article = stored(runtime, hostile.TEXT_TITLE)
        assert article.body_html.startswith("<p>&lt;meta http-equiv=")
        tree = page(client, article)
        assert tree.css('meta[http-equiv="refresh"]') == []
        assert hostile.META_REFRESH in body(tree).text()


def served_from_portal(runtime: Runtime, source: str) -> str:
    """Where the page loads the image at ``source``: the portal's own signed path."""
    assert runtime.media is not None
    return runtime.media.path(source)


def test_tracker_pixels_and_hidden_images_never_reach_the_page(database_url: str) -> None:
    with portal(database_url, "/hostile/trackers.xml") as (client, runtime, base):
        article = stored(runtime, "Gold steadies")
        images = [img.attributes.get("src") for img in body(page(client, article)).css("img")]
        assert images == [served_from_portal(runtime, f"{base}/img/chart.png")]


def test_tracking_parameters_leave_links(database_url: str) -> None:
    with portal(database_url, "/hostile/trackers.xml") as (client, runtime, base):
        article = stored(runtime, "Gold steadies")
        links = [a.attributes.get("href") for a in body(page(client, article)).css("a")]
        assert links == [f"{base}/story?id=7"]


def test_figures_lose_tracking_parameters_and_tracker_figures_are_dropped(
    database_url: str,
) -> None:
    with portal(database_url, "/hostile/tracked-article.xml") as (client, runtime, base):
        article = stored(runtime, "Silver climbs")
        images = [img.attributes.get("src") for img in body(page(client, article)).css("img")]
        assert images == [served_from_portal(runtime, f"{base}/img/silver.jpg")]


def test_the_lead_image_loses_tracking_parameters(database_url: str) -> None:
    with portal(database_url, "/hostile/tracked-article.xml") as (client, runtime, base):
        lead = page(client, stored(runtime, "Silver climbs")).css_first(".lead-figure img")
        assert lead.attributes.get("src") == served_from_portal(runtime, f"{base}/img/lead.jpg")


@pytest.mark.parametrize("case", list(hostile.FEED_ENCODINGS))
def test_a_feed_whose_declarations_disagree_with_its_bytes_is_stored_without_mojibake(
    database_url: str, case: str
) -> None:
    index = list(hostile.FEED_ENCODINGS).index(case)
    with portal(database_url, f"/hostile/encoding/{index}.xml") as (_, runtime, _base):
        (row,) = runtime.news.latest_articles()
        expected = " ".join([hostile.ENCODED_TITLE] * 3)
        if case == "stray byte in utf-8":
            expected = expected.replace("rally", "réally", 1)
        assert row.title == expected


@pytest.mark.parametrize("case", list(hostile.PAGE_ENCODINGS))
def test_a_page_whose_declarations_disagree_with_its_bytes_is_stored_without_mojibake(
    database_url: str, case: str
) -> None:
    index = list(hostile.PAGE_ENCODINGS).index(case)
    _, _, title, sentence = hostile.PAGE_ENCODINGS[case]
    with portal(database_url, f"/hostile/page-feed/{index}.xml") as (_, runtime, _base):
        article = stored(runtime, title)
        assert article.extracted
        assert sentence in article.text


def test_nul_controls_and_surrogates_in_rss_cost_no_entry(database_url: str) -> None:
    with portal(database_url, "/hostile/controls.xml") as (client, runtime, _):
        titles = {a.title for a in runtime.news.latest_articles(50)}
        assert titles == {clean for _, clean in hostile.CONTROL_TITLES.values()}
        (feed,) = runtime.news.feeds()
        assert feed.state == "ok"
        assert client.get("/").status_code == 200


def test_nul_and_lone_surrogate_escapes_in_json_feed_cost_no_entry(database_url: str) -> None:
    with portal(database_url, "/hostile/controls.json") as (_, runtime, _base):
        titles = {a.title for a in runtime.news.latest_articles(50)}
        assert titles == {"Copper rallies", "Zinc is flat"}
        assert stored(runtime, "Copper rallies").text == "Mines reopened."
