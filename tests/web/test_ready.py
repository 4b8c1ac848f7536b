"""The fast path: a page that has not changed is sent from the render cache before any
routing, with the same bytes and headers, an ETag, and a 304 for a copy still current."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tickerwire.web.cache import EVERYTHING, RenderCache


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
    assert "script-src 'self';" in again.headers["content-security-policy"]
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
    renders = cache_of(client).renders_of.copy()
    cache_of(client).changed([EVERYTHING])  # what an event of a kind it does not know does
    client.get("/")
    # The parts of the home page: the header's corner, markets, movers, a member's news.
    assert cache_of(client).renders_of - renders == {"html": 1, "part": 4, "page": 1}


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
    assert head.headers["content-length"] == page.headers["content-length"]


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


def test_a_reader_who_takes_gzip_gets_the_page_compressed_with_its_own_tag(
    client: TestClient,
) -> None:
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # the client unpacked it
    assert int(packed.headers["content-length"]) < len(plain.content)
    assert packed.headers["etag"] != plain.headers["etag"]
    assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"


def test_a_copy_not_modified_since_its_render_gets_a_304(client: TestClient) -> None:
    modified = client.get("/quote/SPX").headers["last-modified"]
    unchanged = client.get("/quote/SPX", headers={"If-Modified-Since": modified})
    assert unchanged.status_code == 304
    older = client.get("/quote/SPX", headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert older.status_code == 200


def test_the_first_answer_and_the_fast_path_send_the_same_validators(client: TestClient) -> None:
    cache_of(client).changed([EVERYTHING])
    first = client.get("/quote/SPX?range=1M")
    again = client.get("/quote/SPX?range=1M")
    for header in ("etag", "last-modified", "vary", "cache-control", "content-length"):
        assert first.headers[header] == again.headers[header], header


def test_the_fast_path_sends_each_header_the_other_layers_would_once(client: TestClient) -> None:
    first = client.get("/quote/SPX?range=5D")  # rendered, through every layer
    again = client.get("/quote/SPX?range=5D")  # from the fast path, outside them all
    names = sorted(name for name, _ in first.headers.multi_items() if name != "x-request-id")
    assert sorted(n for n, _ in again.headers.multi_items() if n != "x-request-id") == names
    assert len(names) == len(set(names))  # no line twice, such as a second policy
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]


def test_a_stored_page_echoes_a_sane_request_id_and_replaces_a_forged_one(
    client: TestClient,
) -> None:
    client.get("/")
    kept = client.get("/", headers={"X-Request-ID": "lb-42.a"})
    assert kept.headers["x-request-id"] == "lb-42.a"
    forged = client.get("/", headers={"X-Request-ID": 'x" level=error'})
    assert forged.headers["x-request-id"] != 'x" level=error'
    assert len(forged.headers["x-request-id"]) == 32
    assert cache_of(client).hits >= 2  # both from the fast path, not rendered again


def test_a_not_modified_answer_from_the_fast_path_still_names_its_request(
    client: TestClient,
) -> None:
    etag = client.get("/").headers["etag"]
    unchanged = client.get("/", headers={"If-None-Match": etag, "X-Request-ID": "probe-1"})
    assert unchanged.status_code == 304
    assert unchanged.headers["x-request-id"] == "probe-1"
    assert unchanged.headers["x-content-type-options"] == "nosniff"
