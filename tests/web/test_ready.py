"""The fast path: a page that has not changed is sent from the render cache before any
routing, with the same bytes and headers, an ETag, and a 304 for a copy still current."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tickerwire.web.cache import RenderCache


def cache_of(client: TestClient) -> RenderCache:
    cache: RenderCache = client.app.state.cache  # type: ignore[attr-defined]
    return cache


def test_a_page_asked_again_is_sent_as_stored_with_the_same_headers(client: TestClient) -> None:
    first = client.get("/")
    renders = cache_of(client).renders
    again = client.get("/")
    assert cache_of(client).renders == renders
    assert again.content == first.content
    for header in ("content-type", "etag", "x-content-type-options", "referrer-policy"):
        assert again.headers[header] == first.headers[header], header
    assert "script-src 'self' 'nonce-" in again.headers["content-security-policy"]
    assert again.headers["cache-control"] == "no-cache"


def test_a_copy_whose_tag_still_matches_gets_a_304_without_a_body(client: TestClient) -> None:
    etag = client.get("/quote/SPX").headers["etag"]
    unchanged = client.get("/quote/SPX", headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["etag"] == etag
    changed = client.get("/quote/SPX", headers={"If-None-Match": '"an-older-copy"'})
    assert changed.status_code == 200 and changed.content


def test_new_data_renders_the_page_anew(client: TestClient) -> None:
    client.get("/")
    client.get("/")
    renders = cache_of(client).renders
    cache_of(client).invalidate()  # what a quote or a new article on the bus does
    client.get("/")
    assert cache_of(client).renders == renders + 1


def test_another_address_of_the_same_page_goes_through_the_app_once(client: TestClient) -> None:
    client.get("/index.json")
    renders = cache_of(client).renders
    twin = client.get("/index.json?page=1")
    assert cache_of(client).renders == renders  # the same page, rendered already
    assert twin.headers["etag"] == client.get("/index.json").headers["etag"]


def test_a_missing_page_is_never_sent_from_the_cache(client: TestClient) -> None:
    for _ in range(2):
        missing = client.get("/article/999999")
        assert missing.status_code == 404
        assert "etag" not in missing.headers


def test_a_head_request_gets_the_headers_without_the_body(client: TestClient) -> None:
    page = client.get("/")
    head = client.head("/")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(page.content))


def test_pages_sent_from_the_cache_are_counted_under_their_route(client: TestClient) -> None:
    for _ in range(3):
        client.get("/quote/SPX")
    metrics = client.get("/metrics").text
    line = next(
        line
        for line in metrics.splitlines()
        if line.startswith("tickerwire_http_request_duration_seconds_count")
        and 'route="/quote/{symbol}"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) == 3
