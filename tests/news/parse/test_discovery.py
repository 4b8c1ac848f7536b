"""Feed autodiscovery: which <link> elements of a page name a feed, and where they point."""

from tickerwire.news.parse.discovery import discover_feeds

PAGE = "https://wire.example/markets/today"


def page(head: str) -> bytes:
    return f"<!doctype html><html><head>{head}</head><body><p>Hi</p></body></html>".encode()


def test_finds_rss_atom_and_json_feed_links_in_document_order() -> None:
    html = page(
        '<link rel="alternate" type="application/atom+xml" href="https://wire.example/atom">'
        '<link rel="alternate" type="application/rss+xml" href="https://wire.example/rss">'
        '<link rel="alternate" type="application/feed+json" href="https://wire.example/j">'
    )
    assert discover_feeds(html, base_url=PAGE) == [
        "https://wire.example/atom",
        "https://wire.example/rss",
        "https://wire.example/j",
    ]


def test_relative_hrefs_resolve_against_the_final_url() -> None:
    html = page('<link rel="alternate" type="application/rss+xml" href="../feed.xml">')
    assert discover_feeds(html, base_url=PAGE) == ["https://wire.example/feed.xml"]


def test_a_base_element_sets_where_relative_hrefs_resolve() -> None:
    html = page(
        '<base href="https://cdn.wire.example/site/">'
        '<link rel="alternate" type="application/rss+xml" href="rss">'
    )
    assert discover_feeds(html, base_url=PAGE) == ["https://cdn.wire.example/site/rss"]


def test_rel_and_type_are_matched_without_regard_to_case_or_parameters() -> None:
    html = page('<link rel="Alternate Home" type="Application/RSS+XML; charset=utf-8" href="/rss">')
    assert discover_feeds(html, base_url=PAGE) == ["https://wire.example/rss"]


def test_links_that_are_not_feeds_are_ignored() -> None:
    html = page(
        '<link rel="stylesheet" type="text/css" href="/site.css">'
        '<link rel="alternate" hreflang="fr" href="/fr/">'
        '<link rel="canonical" href="/markets/today">'
    )
    assert discover_feeds(html, base_url=PAGE) == []


def test_hrefs_that_are_not_http_are_dropped() -> None:
    html = page(
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        '<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">'
    )
    assert discover_feeds(html, base_url=PAGE) == []


def test_a_feed_named_twice_is_listed_once() -> None:
    html = page(
        '<link rel="alternate" type="application/rss+xml" href="/rss">'
        '<link rel="alternate" type="application/rss+xml" href="https://wire.example/rss">'
    )
    assert discover_feeds(html, base_url=PAGE) == ["https://wire.example/rss"]
