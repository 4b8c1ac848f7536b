"""Title, authors and dates as the page states them, and their clean-up."""

from datetime import UTC, datetime

import pytest
from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.jsonld import read_linked_data
from tickerwire.news.extract.metadata import PageMeta, parse_date, read_metadata, strip_site
from tickerwire.news.extract.page_text import read_meta_tags

URL = "https://www.harbour.example/markets/story"


def meta_of(html: str) -> PageMeta:
    tree = LexborHTMLParser(html)
    return read_metadata(tree, read_meta_tags(tree), read_linked_data(tree), URL)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Copper hits record | Harbour Street Journal", "Copper hits record"),
        ("Copper hits record - Harbour Street Journal - Markets", "Copper hits record"),
        ("Harbour Street Journal: Copper hits record", "Copper hits record"),
        ("Copper hits record | harbour.example", "Copper hits record"),
        ("Fed: rates stay high - for now", "Fed: rates stay high - for now"),
    ],
)
def test_site_decoration_is_stripped_from_titles(title: str, expected: str) -> None:
    assert strip_site(title, "Harbour Street Journal", "www.harbour.example") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-02T09:15:00+01:00", datetime(2026, 3, 2, 8, 15, tzinfo=UTC)),
        ("2026-03-02T08:15:00Z", datetime(2026, 3, 2, 8, 15, tzinfo=UTC)),
        ("2026-03-02 08:15:00", datetime(2026, 3, 2, 8, 15, tzinfo=UTC)),
        ("Mon, 02 Mar 2026 08:15:00 GMT", datetime(2026, 3, 2, 8, 15, tzinfo=UTC)),
        ("2026-03-02T08:15:00.000+0000 (edited)", datetime(2026, 3, 2, 8, 15, tzinfo=UTC)),
        ("২০২০-০৮-২৯T১০:৪৬:০৬+০১:০০", datetime(2020, 8, 29, 9, 46, 6, tzinfo=UTC)),
        ("0001-01-01T00:00:00+01:00", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_dates_are_read_as_utc(raw: str, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


def test_json_ld_headline_that_disagrees_with_every_other_title_is_ignored() -> None:
    meta = meta_of(
        "<title>List of films - Wikipedia</title><h1>List of films</h1>"
        '<script type="application/ld+json">{"@type": "Article",'
        ' "headline": "Wikimedia list article"}</script>'
    )
    assert meta.title == "List of films"


def test_title_that_is_only_the_site_name_gives_way_to_the_h1() -> None:
    meta = meta_of(
        '<meta property="og:site_name" content="Krimiblog"><meta property="og:title"'
        ' content="Krimiblog"><title>Krimiblog</title><h1>Das Musikvideo der Woche</h1>'
    )
    assert meta.title == "Das Musikvideo der Woche"


def test_organisation_authors_and_the_site_name_are_not_a_byline() -> None:
    meta = meta_of(
        '<meta property="og:site_name" content="Harbour Street Journal">'
        '<meta name="author" content="Harbour Street Journal">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "author": {"@type": "Organization", "name": "Harbour Desk"}}</script>'
    )
    assert meta.authors == []


def test_byline_element_inside_comments_is_not_the_author() -> None:
    meta = meta_of(
        '<div class="comments"><span class="author">Troll Person</span></div>'
        '<p class="byline">By Jane Doe</p>'
    )
    assert meta.authors == ["Jane Doe"]


def test_published_time_falls_back_to_a_time_element() -> None:
    meta = meta_of('<p>Posted <time datetime="2026-01-05T10:00:00-05:00">Jan 5</time></p>')
    assert meta.published == datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def test_canonical_url_with_another_scheme_is_ignored() -> None:
    meta = meta_of('<link rel="canonical" href="javascript:alert(1)">')
    assert meta.canonical_url == URL
