"""parse_feed on hostile publishers: text stays text, control characters go, encodings hold."""

from __future__ import annotations

import pytest

from support import hostile
from tickerwire.news.model import Feed
from tickerwire.news.parse.feed import parse_feed

BASE = "http://127.0.0.1:9"


def parse(document: bytes, content_type: str | None = None) -> Feed:
    return parse_feed(document, url=f"{BASE}/feed", content_type=content_type)


def test_an_atom_text_title_is_kept_as_written() -> None:
    (entry,) = parse(hostile.atom_text_feed(BASE)).entries
    assert entry.title == hostile.TEXT_TITLE


def test_an_atom_text_content_is_escaped_into_paragraphs_never_parsed() -> None:
    (entry,) = parse(hostile.atom_text_feed(BASE)).entries
    assert entry.content_html.startswith("<p>&lt;meta http-equiv=")
    assert entry.content_html.endswith("</p><p>Traders waited for the jobs report.</p>")
    assert entry.summary_html.startswith("<p>&lt;script&gt;window.__pwned")


def test_a_json_feed_title_is_plain_text_kept_as_written() -> None:
    (entry,) = parse(hostile.json_text_feed(BASE)).entries
    assert entry.title == hostile.TEXT_TITLE


def test_a_json_feed_summary_and_content_text_are_escaped() -> None:
    (entry,) = parse(hostile.json_text_feed(BASE)).entries
    assert (
        entry.summary_html
        == '<p>&lt;script&gt;window.__pwned = "script"; alert("owned")&lt;/script&gt;</p>'
    )
    assert (
        entry.content_html.startswith("<p>&lt;meta")
        and "<p>The dollar eased.</p>" in entry.content_html
    )


def test_nul_controls_and_surrogates_cost_no_entry_of_an_rss_feed() -> None:
    feed = parse(hostile.control_rss(BASE))
    assert [e.title for e in feed.entries] == [
        clean for _, clean in hostile.CONTROL_TITLES.values()
    ]
    assert all(e.summary_html.startswith("Desk note for ") for e in feed.entries)


def test_nul_and_lone_surrogate_escapes_cost_no_entry_of_a_json_feed() -> None:
    feed = parse(hostile.control_json(BASE))
    assert feed.title == "JSON Desk"
    assert [e.title for e in feed.entries] == ["Copper rallies", "Zinc is flat"]
    assert feed.entries[0].content_html == "<p>Mines reopened.</p>"


@pytest.mark.parametrize("case", list(hostile.FEED_ENCODINGS))
def test_a_feed_whose_declarations_disagree_with_its_bytes_reads_right(case: str) -> None:
    body, content_type = hostile.FEED_ENCODINGS[case]
    (entry,) = parse(body, content_type).entries
    expected = " ".join([hostile.ENCODED_TITLE] * 3)
    if case == "stray byte in utf-8":
        expected = expected.replace("rally", "réally", 1)
    assert entry.title == expected
