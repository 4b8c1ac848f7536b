"""/media/…: article images from our own origin, only for URLs our pages signed, with a
policy that lets nothing in them run."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageStat

from support.http_server import LocalServer, Reply
from support.images import picture
from support.portal import newsroom_settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app
from tickerwire.web.media import placeholder_png

PNG = picture("PNG", (64, 48))


@pytest.fixture
def portal(database_url: str) -> Iterator[tuple[TestClient, Runtime, LocalServer]]:
    settings = newsroom_settings(database_url)
    with LocalServer() as server:
        server.route("/a.png", Reply(body=PNG, headers={"Content-Type": "image/png"}))
        server.route("/script.svg", Reply(body=b"<svg><script>alert(1)</script></svg>"))
        # The app opens its own runtime, so images are fetched and the fetcher closed on
        # the one event loop the app runs on, as in `tickerwire serve`.
        with TestClient(create_app(settings)) as client:
            yield client, client.app.state.runtime, server


def signed(runtime: Runtime, url: str) -> str:
    assert runtime.media is not None
    return runtime.media.path(url)


def test_a_signed_image_is_served_with_the_type_its_bytes_show(
    portal: tuple[TestClient, Runtime, LocalServer],
) -> None:
    client, runtime, server = portal
    response = client.get(signed(runtime, server.url("/a.png")))
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in response.headers["cache-control"]


def test_a_url_our_pages_did_not_sign_is_never_fetched(
    portal: tuple[TestClient, Runtime, LocalServer],
) -> None:
    client, runtime, server = portal
    digest = signed(runtime, server.url("/a.png")).split("/")[2]
    other = signed(runtime, server.url("/script.svg")).split("/")[3]
    response = client.get(f"/media/{digest}/{other}")
    assert response.status_code == 404 and response.headers["content-type"] == "image/png"
    assert server.paths() == []


def test_a_scripted_svg_is_never_served(portal: tuple[TestClient, Runtime, LocalServer]) -> None:
    client, runtime, server = portal
    response = client.get(signed(runtime, server.url("/script.svg")))
    assert response.status_code == 404
    assert response.headers["content-type"] == "image/png"  # the placeholder, not the SVG
    assert b"script" not in response.content


def test_nothing_of_the_request_is_echoed_back(
    portal: tuple[TestClient, Runtime, LocalServer],
) -> None:
    client, _, _ = portal
    response = client.get("/media/%3Cscript%3E/%3Cb%3Ehello%3C%2Fb%3E")
    assert response.status_code == 404
    assert b"script" not in response.content and b"hello" not in response.content


def test_the_placeholder_is_a_mid_grey_photo_outline_that_suits_light_and_dark_pages() -> None:
    image = Image.open(io.BytesIO(placeholder_png())).convert("L")
    assert image.size == (320, 180)
    assert 90 <= ImageStat.Stat(image).mean[0] <= 160  # neither a white box nor a hole
    assert len(image.getcolors() or []) > 1  # an outline is drawn on it
