"""An article's photos come from the portal's own origin, at their places with caption and
credit, and still show when the publisher is gone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.http_server import LocalServer, Reply
from support.images import picture
from support.newsroom import FED_STORY, Newsroom
from support.portal import newsroom_settings
from support.runtimes import opened_runtime, subscribe
from tickerwire.config import Settings
from tickerwire.web.app import create_app

LEAD = picture("JPEG", (640, 360))
CHART = picture("PNG", (480, 270))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return newsroom_settings(database_url)


@pytest.fixture
def ingested(settings: Settings) -> Iterator[int]:
    """The Fed story ingested from a local publisher, which is then shut down."""
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY)
        server.route(f"/img/{FED_STORY.slug}-lead.jpg", Reply(body=LEAD))
        server.route(f"/img/{FED_STORY.slug}-chart.png", Reply(body=CHART))
        with opened_runtime(settings, subscribe(server.url("/feed.xml"))) as runtime:
            (listing,) = runtime.news.latest_articles()
            yield listing.id


def test_the_stored_body_points_its_images_at_the_portal(settings: Settings, ingested: int) -> None:
    with TestClient(create_app(settings)) as client:
        runtime = client.app.state.runtime
        article = runtime.news.article(ingested)
        assert article is not None
        body = HTMLParser(article.body_html)
        sources = [img.attributes["src"] for img in body.css("img")]
        assert sources and all(src.startswith("/media/") for src in sources)


def test_the_page_shows_each_photo_from_its_own_origin_with_caption_and_credit_offline(
    settings: Settings, ingested: int
) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get(f"/article/{ingested}")
        assert "img-src 'self';" in response.headers["content-security-policy"]
        tree = HTMLParser(response.text)
        images = [img.attributes["src"] or "" for img in tree.css("main img")]
        assert len(images) >= 2 and all(src.startswith("/media/") for src in images)
        served = {src: client.get(src) for src in images}  # the publisher is gone by now
        assert all(answer.status_code == 200 for answer in served.values())
        assert {answer.content for answer in served.values()} == {LEAD, CHART}
        chart = tree.css_first("main figure.inline-figure")
        assert "Index level over the past month." in chart.text()
        assert chart.css_first(".credit").text() == "Example Wire"


def test_with_the_image_cache_off_pages_link_to_the_publisher(database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        demo=True,
        poller_enabled=False,
        default_feeds=[],
        media={"enabled": False},
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY)
        with opened_runtime(settings, subscribe(server.url("/feed.xml"))) as runtime:
            (listing,) = runtime.news.latest_articles()
            article = runtime.news.article(listing.id)
            assert article is not None
            sources = [i.attributes["src"] or "" for i in HTMLParser(article.body_html).css("img")]
            assert sources and all(src.startswith(server.base_url) for src in sources)
            assert server.paths().count(f"/img/{FED_STORY.slug}-chart.png") == 0


@pytest.mark.browser
def test_in_chromium_every_photo_loads_from_the_portal_with_the_publisher_gone(
    settings: Settings, ingested: int, database_url: str
) -> None:
    from playwright.sync_api import sync_playwright

    path = chromium_or_skip()
    with serving(create_app(settings)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        elsewhere: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))
        page.goto(f"{base}/article/{ingested}")
        page.wait_for_load_state("networkidle")
        widths = page.eval_on_selector_all("main img", "imgs => imgs.map(i => i.naturalWidth)")
        backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
        page.screenshot(path=screenshot_path(f"article-images-{backend}"), full_page=True)
        browser.close()
    assert len(widths) >= 2 and all(width > 0 for width in widths)
    assert elsewhere == []
