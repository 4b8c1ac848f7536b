"""JSON-LD blocks in their many shapes, read into one."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.jsonld import LinkedData, read_linked_data, text_value


def linked(*blocks: str) -> LinkedData:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return read_linked_data(LexborHTMLParser(scripts))


def test_article_is_found_inside_a_graph_and_its_references_resolve() -> None:
    data = linked(
        '{"@graph": [{"@type": "WebPage", "name": "p"}, {"@type": "NewsArticle",'
        ' "author": {"@id": "#a"}}, {"@id": "#a", "@type": "Person", "name": "Ann Poe"}]}'
    )
    assert data.article is not None
    assert data.resolve(data.article["author"]) == {
        "@id": "#a",
        "@type": "Person",
        "name": "Ann Poe",
    }


def test_type_may_be_a_list_or_a_prefixed_name() -> None:
    assert linked('{"@type": ["schema:ReportageNewsArticle"], "headline": "h"}').article


def test_video_objects_are_collected_apart_from_the_article() -> None:
    data = linked('[{"@type": "NewsArticle"}, {"@type": "VideoObject", "name": "v"}]')
    assert [v["name"] for v in data.videos] == ["v"]


def test_broken_block_is_skipped_and_the_next_one_read() -> None:
    data = linked('{"@type": "NewsArticle", ', '{"@type": "BlogPosting", "headline": "Oil"}')
    assert data.article == {"@type": "BlogPosting", "headline": "Oil"}


@pytest.mark.parametrize(
    "block",
    [
        '<![CDATA[ {"@type": "NewsArticle", "headline": "Oil"} ]]>',
        '<!-- {"@type": "NewsArticle", "headline": "Oil"} -->',
    ],
)
def test_block_wrapped_for_old_xhtml_parsers_is_read(block: str) -> None:
    assert linked(block).article == {"@type": "NewsArticle", "headline": "Oil"}


def test_block_nested_beyond_reason_is_skipped() -> None:
    assert linked("[" * 5000 + "]" * 5000).article is None


def test_text_value_reads_strings_lists_and_value_objects() -> None:
    assert [text_value(v) for v in ("a  b", ["c"], {"@value": "d"}, {"name": "e"}, 7, [])] == [
        "a b",
        "c",
        "d",
        "e",
        "7",
        None,
    ]
