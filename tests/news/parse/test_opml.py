"""OPML import through defusedxml, and an export that always reads back."""

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickerwire.news.parse.opml import OpmlError, OpmlOutline, export_opml, parse_opml

FIXTURES = Path(__file__).parent / "fixtures"


def outlines() -> list[OpmlOutline]:
    return parse_opml((FIXTURES / "subscriptions.opml").read_bytes())


def test_reads_feeds_with_their_folder_as_category() -> None:
    assert outlines()[:3] == [
        OpmlOutline(
            "Harbour Markets", "https://harbour.example/feed.xml", "https://harbour.example/", None
        ),
        OpmlOutline("Grain Almanac", "https://almanac.example/rss", None, "Commodities"),
        OpmlOutline("Ore & Ingot", "https://ore.example/atom", None, "Commodities / Metals"),
    ]


def test_skips_duplicates_unsafe_urls_and_plain_links() -> None:
    assert [outline.xml_url for outline in outlines()] == [
        "https://harbour.example/feed.xml",
        "https://almanac.example/rss",
        "https://ore.example/atom",
    ]


@pytest.mark.parametrize("name", ["billion_laughs.opml", "xxe.opml"])
def test_entity_tricks_are_refused(name: str) -> None:
    with pytest.raises(OpmlError, match="entity expansion refused"):
        parse_opml((FIXTURES / name).read_bytes())


def test_malformed_xml_names_the_line() -> None:
    with pytest.raises(OpmlError, match="malformed XML at line 2"):
        parse_opml(b'<?xml version="1.0"?>\n<opml><body></opml>')


@pytest.mark.parametrize("encoding", ["no-such-charset", "utf-16"])
def test_an_encoding_that_cannot_be_read_is_an_opml_error(encoding: str) -> None:
    with pytest.raises(OpmlError):
        parse_opml(f'<?xml version="1.0" encoding="{encoding}"?><opml/>'.encode())


def test_a_feed_is_not_an_opml_file() -> None:
    with pytest.raises(OpmlError, match="not an OPML file"):
        parse_opml((FIXTURES / "rss20.xml").read_bytes())


def test_empty_upload() -> None:
    with pytest.raises(OpmlError, match="empty document"):
        parse_opml(b"")


def test_export_escapes_markup_in_titles() -> None:
    document = export_opml([('A & <B> "C"', "https://a.example/feed?x=1&y=2", None)], "Mine")
    assert b"&amp; &lt;B&gt; &quot;C&quot;" in document
    assert parse_opml(document)[0].title == 'A & <B> "C"'


TITLES = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Cn")), min_size=1, max_size=30
).filter(lambda t: t.strip() == t and t.strip())
URLS = st.integers(min_value=0, max_value=10**6).map(lambda n: f"https://feeds.example/{n}?a=1&b=2")


@given(st.lists(st.tuples(TITLES, URLS), max_size=5, unique_by=lambda pair: pair[1]), TITLES)
def test_export_reads_back(feeds: list[tuple[str, str]], title: str) -> None:
    document = export_opml([(name, url, None) for name, url in feeds], title)
    read = parse_opml(document)
    assert [(o.title, o.xml_url, o.html_url) for o in read] == [(n, u, None) for n, u in feeds]


OPMLISH = st.lists(
    st.sampled_from(
        [
            '<?xml version="1.0" encoding="', "utf-8", "latin-9", '"?>', "<opml>", "</opml>",
            "<body>", "</body>", "<outline ", 'xmlUrl="', 'text="', "https://a.example/f",
            "javascript:x", '"', "/>", ">", "</outline>", "<!DOCTYPE o [", "<!ENTITY e 'x'>",
            "]>", "&e;", "&amp;", "\x00", "x",
        ]
    ),
    max_size=20,
).map(lambda parts: "".join(parts).encode())  # fmt: skip


@given(OPMLISH | st.binary(max_size=200))
def test_any_upload_raises_nothing_but_opml_error(content: bytes) -> None:
    with contextlib.suppress(OpmlError):
        parse_opml(content)
