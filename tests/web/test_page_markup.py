"""Markup every page shares, as a screen reader and a browser tab read it: a skip link,
one h1 before the h2s, no empty machine-readable times, nothing read out for a cell with
no data, and the favicon."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.moments import FRIDAY_MORNING
from support.portal import shared_portal
from support.runtimes import opened_runtime
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

#: Every kind of page a reader can land on; "{article}" is the Fed story's page.
PAGES = [
    "/",
    "{article}",
    "/quote/SPX",
    "/topic/federal-reserve",
    "/search?q=inflation",
    "/feeds",
    "/article/999999",
]


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Runtime]]:
    with shared_portal(tmp_path_factory.mktemp("markup")) as portal:
        yield portal


def rendered(portal: tuple[TestClient, Runtime], path: str) -> HTMLParser:
    client, _ = portal
    if path == "{article}":
        path = client.get("/index.json").json()["headlines"][0]["path"]
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    return HTMLParser(response.text)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_with_a_skip_link_to_its_main_content(
    portal: tuple[TestClient, Runtime], path: str
) -> None:
    tree = rendered(portal, path)
    first_link = tree.css_first("body a")
    assert first_link is not None and first_link.attributes["href"] == "#main"
    assert tree.css_first("main#main") is not None


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_exactly_one_h1_and_it_comes_before_any_h2(
    portal: tuple[TestClient, Runtime], path: str
) -> None:
    headings = [node.tag for node in rendered(portal, path).css("h1, h2")]
    assert headings.count("h1") == 1
    assert headings[0] == "h1"


@pytest.mark.parametrize("path", PAGES)
def test_no_page_has_an_empty_datetime(portal: tuple[TestClient, Runtime], path: str) -> None:
    times = rendered(portal, path).css("[datetime]")
    assert all(node.attributes["datetime"] for node in times)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_the_svg_favicon(portal: tuple[TestClient, Runtime], path: str) -> None:
    icon = rendered(portal, path).css_first("link[rel=icon]")
    assert icon is not None and icon.attributes["type"] == "image/svg+xml"
    assert icon.attributes["href"] == "/static/favicon.svg"


def test_the_favicon_is_served_as_an_svg_from_our_origin(
    portal: tuple[TestClient, Runtime],
) -> None:
    response = portal[0].get("/static/favicon.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert HTMLParser(response.text).css_first("svg") is not None


def test_a_cell_with_no_data_reads_out_no_direction_and_no_time(settings: Settings) -> None:
    with (
        opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime,
        TestClient(create_app(settings, runtime=runtime)) as client,
    ):
        tree = HTMLParser(client.get("/").text)
    cells = tree.css(".ribbon-cell")
    assert cells
    for cell in cells:
        assert cell.css_first("[data-field=direction-label]").text() == ""
        time = cell.css_first("[data-field=time]")
        assert "datetime" not in time.attributes and time.text() == "no data"


def test_a_cell_with_data_reads_out_its_direction(portal: tuple[TestClient, Runtime]) -> None:
    tree = rendered(portal, "/")
    spoken = {c.css_first("[data-field=direction-label]").text() for c in tree.css(".ribbon-cell")}
    assert spoken and spoken <= {"up", "down", "unchanged"}
