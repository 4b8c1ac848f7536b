"""The offline demo's sample news: stored once, tagged, searchable, labelled as samples."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tickerwire.config import Settings
from tickerwire.web.app import create_app


@pytest.fixture
def demo(database_url: str) -> Iterator[TestClient]:
    """The portal as `serve --demo` runs it: it owns its runtime and seeds on start."""
    settings = Settings(database_url=database_url, demo=True, default_feeds=[])
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_demo_home_page_has_sample_headlines(demo: TestClient) -> None:
    tree = HTMLParser(demo.get("/").text)
    publishers = {n.text() for n in tree.css(".lead-story .publisher, .headline .publisher")}
    assert publishers == {"Tickerwire Demo Desk"}
    assert len(tree.css(".lead-story")) + len(tree.css(".headline")) == 8


def test_sample_articles_are_labelled_and_link_nowhere(demo: TestClient) -> None:
    first = HTMLParser(demo.get("/").text).css_first(".headline-title").attributes["href"]
    tree = HTMLParser(demo.get(first or "").text)
    assert "sample article" in tree.css_first(".extraction-note").text()
    assert tree.css_first(".original") is None


def test_sample_articles_are_tagged_and_searchable(demo: TestClient) -> None:
    gold = demo.get("/quote/GC.json").json()["news"]
    assert [n["title"] for n in gold] == ["Gold climbs to a record as the dollar slips"]
    hits = demo.get("/api/v1/search", params={"q": "bullion"}).json()["hits"]
    assert [h["title"] for h in hits] == ["Gold climbs to a record as the dollar slips"]
    assert demo.get("/topic/bank-of-japan").status_code == 200


def test_restarting_the_demo_does_not_store_the_samples_again(database_url: str) -> None:
    settings = Settings(database_url=database_url, demo=True, default_feeds=[])
    for _ in range(2):
        with TestClient(create_app(settings)) as client:
            home = client.get("/index.json").json()
            count = len(home["headlines"]) + (home["lead"] is not None)
    assert count == 8
