"""parse_feed: each format into one model, and every hostile feed refused or defused."""

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickerwire.news.model import Enclosure, Feed
from tickerwire.news.parse.feed import FeedError, parse_feed

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def parse(name: str) -> Feed:
    url = f"https://feeds.example/{name}"
    return parse_feed((FIXTURES / name).read_bytes(), url=url, clock=lambda: NOW)


def test_rss20_channel_fields() -> None:
    feed = parse("rss20.xml")
    assert (feed.format, feed.title, feed.link) == (
        "rss20",
        "Harbour Markets Daily",
        "https://harbour.example/markets/",
    )
    assert (feed.description, feed.language, feed.ttl_minutes) == (
        "Prices, rates & the people who move them",
        "en-gb",
        30,
    )


def test_rss20_item_fields() -> None:
    entry = parse("rss20.xml").entries[0]
    assert entry.id == "harbour-1001"
    assert entry.url == "https://feeds.example/markets/copper-strike"
    assert entry.title == "Copper climbs as port strike drags on"
    assert entry.published == datetime(2026, 3, 3, 13, 30, tzinfo=UTC)
    assert entry.authors == ["Ines Marlow"]
    assert entry.categories == ["Commodities", "Metals"]
    assert entry.image_url == "https://img.harbour.example/copper-thumb.jpg"
    assert entry.summary_html == "Copper rose <em>2%</em> on Tuesday."


def test_content_links_resolve_against_the_entry() -> None:
    content = parse("rss20.xml").entries[0].content_html
    assert 'href="https://feeds.example/tags/third"' in content
    assert 'src="https://feeds.example/img/quay.jpg"' in content


def test_rss20_enclosure() -> None:
    entry = parse("rss20.xml").entries[1]
    assert entry.enclosures == [
        Enclosure("https://cdn.harbour.example/week-ahead.mp3", "audio/mpeg", 2400000)
    ]


def test_rss091_with_netscape_doctype() -> None:
    feed = parse("rss091.xml")
    assert (feed.format, feed.title) == ("rss091n", "Kiosk Notes")
    assert feed.entries[0].url == "http://kiosk.example/notes/newsprint"


def test_rss10() -> None:
    feed = parse("rss10.rdf")
    entry = feed.entries[0]
    assert (feed.format, entry.title, entry.authors) == (
        "rss10",
        "Wheat harvest ahead of schedule",
        ["Tomas Ferrand"],
    )
    assert entry.published == datetime(2026, 4, 14, 7, 15, tzinfo=UTC)


def test_atom10_entry_fields() -> None:
    feed = parse("atom10.xml")
    entry = feed.entries[0]
    assert (feed.format, feed.title, feed.language) == ("atom10", "Ledger & Lane", "de")
    assert entry.url == "https://ledger.example/2026/05/bond-yields"
    assert entry.authors == ["Ada Brenner", "Jonas Pike"]
    assert entry.published == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert entry.categories == ["Interest rates"]
    assert entry.image_url == "https://ledger.example/img/curve.jpg"


def test_atom_plain_text_summary_is_escaped() -> None:
    assert parse("atom10.xml").entries[0].summary_html == (
        "<p>Why 2 &lt; 3 matters for your mortgage</p>"
    )


def test_atom_content_resolves_against_xml_base_and_demotes_h1() -> None:
    assert parse("atom10.xml").entries[0].content_html == (
        '<h2>Yields</h2><p>See <a href="https://ledger.example/2026/05/chart" '
        'rel="noopener noreferrer nofollow">the chart</a>.</p>'
    )


def test_atom_entry_with_only_updated_uses_it_as_published() -> None:
    entry = parse("atom10.xml").entries[1]
    assert entry.published == entry.updated == datetime(2026, 4, 20, 7, 0, tzinfo=UTC)


def test_atom03() -> None:
    feed = parse("atom03.xml")
    assert (feed.format, feed.entries[0].url) == ("atom03", "http://oldexchange.example/floor")


def test_json_feed_11() -> None:
    feed = parse("jsonfeed11.json")
    entry = feed.entries[0]
    assert (feed.format, feed.title, feed.link) == (
        "json11",
        "Tidewater Brief",
        "https://tidewater.example/",
    )
    assert entry.authors == ["Priya Okafor", "Lena Voss"]
    assert entry.published == datetime(2026, 2, 10, 10, 0, tzinfo=UTC)
    assert entry.content_html == (
        '<p>Rates fell again.</p><img src="https://tidewater.example/img/ship.jpg" loading="lazy">'
    )
    assert entry.enclosures == [
        Enclosure("https://tidewater.example/audio/77.mp3", "audio/mpeg", 1024)
    ]


def test_json_feed_numeric_id_and_plain_text_content() -> None:
    entry = parse("jsonfeed11.json").entries[1]
    assert (entry.id, entry.content_html) == ("78", "<p>Short note without title &amp; markup</p>")


def test_json_feed_10_single_author() -> None:
    feed = parse("jsonfeed10.json")
    assert (feed.format, feed.entries[0].authors) == ("json10", ["Priya Okafor"])


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe_passwd.xml", "quadratic.xml"])
def test_entity_declarations_are_refused(name: str) -> None:
    with pytest.raises(FeedError, match="entity expansion refused"):
        parse(name)


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-7"])
def test_entity_declarations_are_refused_in_any_encoding(codec: str) -> None:
    text = (FIXTURES / "billion_laughs.xml").read_text()
    document = text.replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{codec}"?>')
    with pytest.raises(FeedError, match="entity expansion refused"):
        parse_feed(document.encode(codec), url="https://feeds.example/x")


def test_external_doctype_is_never_loaded() -> None:
    feed = parse("external_dtd_passwd.xml")
    assert "root:" not in repr(feed)
    assert feed.entries[0].title == "Plain item"


def test_javascript_in_url_fields_is_dropped() -> None:
    feed = parse("javascript_links.xml")
    assert feed.link is None
    for entry in feed.entries:
        assert (entry.url, entry.image_url, entry.enclosures) == (None, None, [])


def test_hostile_content_is_sanitized() -> None:
    entry = parse("hostile_content.xml").entries[0]
    for marker in ("<script", "onmouseover", "evil.example", "<form", "<svg", "<math", "alert("):
        assert marker not in entry.content_html + entry.summary_html
    assert "<iframe" in entry.content_html and "sandbox=" in entry.content_html


def test_shared_guids_become_unique_ids() -> None:
    ids = [entry.id for entry in parse("same_guid.xml").entries]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert ids[:2] == ["https://lazy.example/first", "https://lazy.example/second"]


def test_missing_dates_stay_missing_and_ids_fall_back() -> None:
    first, second = parse("no_dates.xml").entries
    assert first.published is None and first.id.startswith("urn:sha256:")
    assert second.id == "https://undated.example/2"


def test_ids_without_guid_or_link_are_stable() -> None:
    assert parse("no_dates.xml").entries[0].id == parse("no_dates.xml").entries[0].id


def test_dates_far_in_the_future_are_clamped_to_now() -> None:
    far, soon = parse("future_dates.xml").entries
    assert far.published == NOW
    assert soon.published == datetime(2026, 5, 1, 18, 0, tzinfo=UTC)


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match="looks like an HTML page"):
        parse("html_page.html")


@pytest.mark.parametrize("body", [b"", b"  \n", b"\xef\xbb\xbf"])
def test_empty_document(body: bytes) -> None:
    with pytest.raises(FeedError, match="empty document"):
        parse_feed(body, url="https://feeds.example/x")


def test_malformed_xml_names_the_line() -> None:
    with pytest.raises(FeedError, match="malformed XML at line 5"):
        parse("broken_markup.xml")


def test_truncated_feed_keeps_its_complete_entries() -> None:
    feed = parse("truncated.xml")
    assert [entry.title for entry in feed.entries][:1] == ["Complete item"]
    assert all(entry.title or entry.url for entry in feed.entries)


def test_malformed_json_names_the_line() -> None:
    with pytest.raises(FeedError, match="malformed JSON at line 1"):
        parse_feed(
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [}', url="https://x.example/"
        )


def test_deeply_nested_json_is_a_feed_error() -> None:
    with pytest.raises(FeedError):
        parse_feed(b'{"items":' + b"[" * 100000 + b"]" * 100000 + b"}", url="https://x.example/")


def test_keeps_only_the_newest_entries() -> None:
    items = "".join(
        f"<item><title>n{day}</title><link>https://x.example/{day}</link>"
        f"<pubDate>{day:02d} Jan 2026 00:00:00 GMT</pubDate></item>"
        for day in (5, 9, 1, 7, 3)
    )
    document = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    feed = parse_feed(document.encode(), url="https://x.example/", max_entries=2)
    assert [entry.title for entry in feed.entries] == ["n9", "n7"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_raise_nothing_but_feed_error(content: bytes) -> None:
    with contextlib.suppress(FeedError):
        parse_feed(content, url="https://x.example/feed")


FEEDISH = st.lists(
    st.sampled_from(
        [
            "<rss version='2.0'>", "<channel>", "<item>", "</item>", "<title>", "</title>",
            "<link>", "javascript:x", "</link>", "<!DOCTYPE x [", "<!ENTITY a 'b'>", "]>",
            "&a;", "&amp;", "<![CDATA[", "]]>", "<feed xmlns='http://www.w3.org/2005/Atom'>",
            "<entry>", "<content type='html'>", "&lt;script&gt;", "{", '"items": [', "]", "}",
            '"version": "https://jsonfeed.org/version/1.1",', "<?xml version='1.0'?>", "x",
        ]
    ),
    max_size=25,
).map(lambda parts: "".join(parts).encode())  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(FEEDISH)
def test_feed_like_fragments_raise_nothing_but_feed_error(content: bytes) -> None:
    with contextlib.suppress(FeedError):
        parse_feed(content, url="https://x.example/feed")


def test_itunes_image_is_the_entry_image() -> None:
    assert parse("podcast.xml").entries[0].image_url == "https://bell.example/art/12.png"


def test_an_image_enclosure_is_the_entry_image_resolved_against_the_entry_link() -> None:
    assert parse("podcast.xml").entries[1].image_url == "https://bell.example/art/11.jpg"


def test_enclosure_length_that_is_not_a_number_is_unknown() -> None:
    assert parse("podcast.xml").entries[0].enclosures == [
        Enclosure("https://bell.example/audio/12.mp3", "audio/mpeg", None)
    ]


def test_media_rss_content_is_an_enclosure() -> None:
    assert Enclosure("https://bell.example/video/11.mp4", "video/mp4", None) in (
        parse("podcast.xml").entries[1].enclosures
    )


def test_an_article_quoting_an_entity_declaration_is_not_refused() -> None:
    document = (
        '<rss version="2.0"><channel><title>XML tips</title><item><title>Entities</title>'
        '<description><![CDATA[<code>&lt;!ENTITY x "y"&gt;</code> <!ENTITY raw>]]>'
        "</description></item></channel></rss>"
    )
    assert parse_feed(document.encode(), url="https://x.example/").entries[0].title == "Entities"


def test_an_entry_broken_beyond_feedparsers_repair_is_skipped_not_fatal() -> None:
    document = (
        b'<?xml version="1.0"?>\n<rss version="2.0" <xmlns:x="urn:x">\n<channel><title>t</title>'
        b"<item><title>Broken</title><links Marlow</item>"
        b"<item><title>Fine</title><link>https://x.example/fine</link></item></channel></rss>"
    )
    feed = parse_feed(document, url="https://x.example/")
    assert [entry.title for entry in feed.entries] == ["Fine"]
