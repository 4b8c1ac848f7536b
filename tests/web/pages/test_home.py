"""The home page pages: twenty stories a page, the first of them the lead with its image,
and a link to more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.http_server import LocalServer
from support.moments import FRIDAY_MORNING
from support.newsroom import Newsroom, Story
from support.portal import newsroom_settings
from support.runtimes import opened_runtime, subscribe
from tickerwire.web.app import create_app

STORIES = [
    Story(
        f"story-{n:02d}",
        f"Market note number {n}",
        [f"Session remark {n}, written for paging."],
        minutes_after=n,
    )
    for n in range(25)
]


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = newsroom_settings(database_url)
    with LocalServer() as server:
        Newsroom(server).publish(*STORIES)
        with (
            opened_runtime(
                settings, subscribe(server.url("/feed.xml")), clock=lambda: FRIDAY_MORNING
            ) as runtime,
            TestClient(create_app(settings, runtime=runtime)) as client,
        ):
            yield client


def titles(tree: HTMLParser) -> list[str]:
    return [a.text() for a in tree.css(".headline-title")]


def test_the_first_page_leads_with_the_newest_story_and_its_image(client: TestClient) -> None:
    tree = HTMLParser(client.get("/").text)
    assert tree.css_first(".lead-story .lead-title").text() == "Market note number 24"
    assert tree.css_first(".lead-story img.lead-image") is not None


def test_the_first_page_shows_twenty_stories_then_links_to_the_rest(client: TestClient) -> None:
    tree = HTMLParser(client.get("/").text)
    assert titles(tree) == [f"Market note number {n}" for n in range(23, 4, -1)]  # and the lead
    assert tree.css_first(".more-headlines a").attributes["href"] == "/?page=2"


def test_the_next_page_continues_where_the_first_stopped_and_ends(client: TestClient) -> None:
    tree = HTMLParser(client.get("/?page=2").text)
    assert tree.css_first(".lead-story") is None
    assert titles(tree) == [f"Market note number {n}" for n in range(4, -1, -1)]
    assert tree.css_first(".more-headlines") is None


def test_the_json_twin_pages_the_same_way(client: TestClient) -> None:
    first = client.get("/index.json").json()
    assert first["lead"]["title"] == "Market note number 24"
    assert len(first["headlines"]) == 19 and first["more_path"] == "/?page=2"
    second = client.get("/index.json?page=2").json()
    assert second["lead"] is None and second["more_path"] is None
