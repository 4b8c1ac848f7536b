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
        ("Copper hits record @ Harbour Street Journal :: Blogs ::", "Copper hits record"),
    ],
)
def test_site_decoration_is_stripped_from_titles(title: str, expected: str) -> None:
    assert strip_site(title, "Harbour Street Journal", "www.harbour.example") == expected


@pytest.mark.parametrize(
    ("title", "host"),
    [
        ("Golf cars from China | oe24", "auto.oe24.at"),
        ("Golf cars from China - BBC", "www.bbc.co.uk"),
    ],
)
def test_the_host_label_before_its_public_suffix_names_the_site(title: str, host: str) -> None:
    assert strip_site(title, None, host) == "Golf cars from China"


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


def test_json_ld_name_is_the_title_when_its_headline_is_a_description() -> None:
    meta = meta_of(
        "<title>Hermitian matrix - Wikipedia</title>"
        '<script type="application/ld+json">{"@type": "Article", "name": "Hermitian matrix",'
        ' "headline": "matrix equal to its conjugate-transpose"}</script>'
    )
    assert meta.title == "Hermitian matrix"


def test_dublin_core_rdfa_title_comes_before_open_graph() -> None:
    meta = meta_of(
        '<meta property="og:title" content="Copper: a record"><title>Copper - Harbour</title>'
        '<meta property="dc:title" content="Copper hits record as miners strike">'
    )
    assert meta.title == "Copper hits record as miners strike"


def test_dublin_core_title_in_a_name_attribute_comes_after_open_graph() -> None:
    meta = meta_of(
        '<meta name="DC.title" content="Press releases of the Harbour Authority">'
        '<meta property="og:title" content="Copper hits record as miners strike">'
    )
    assert meta.title == "Copper hits record as miners strike"


def test_each_term_of_a_space_separated_property_carries_the_value() -> None:
    meta = meta_of(
        "<title>Title Element</title>"
        '<meta property="x:title dc:title" content="Copper hits record as miners strike">'
        '<meta property="dc:creator twitter:site_name" content="Jane Doe">'
        '<meta name="author" content="Decoy Person">'
    )
    assert (meta.title, meta.authors) == ("Copper hits record as miners strike", ["Jane Doe"])


def test_entities_escaped_twice_are_decoded_in_titles() -> None:
    assert meta_of("<title>Zinc &amp;amp; lead slip</title>").title == "Zinc & lead slip"


def test_soft_hyphens_leave_the_heading() -> None:
    meta = meta_of(
        "<title>Zinc and lead slip on weak demand - Markets</title>"
        "<h1>Zinc and lead slip on weak de&shy;mand</h1>"
    )
    assert meta.title == "Zinc and lead slip on weak demand"


@pytest.mark.parametrize(
    ("title", "heading", "expected"),
    [
        (
            "Siemens and the Adani mine: Kaeser fools Neubauer",
            "<h1>Kaeser fools Neubauer</h1>",
            "Kaeser fools Neubauer",
        ),
        (
            "Energy Rising - 33 days of yoga - Mady Morrison",
            "<h1>Energy Rising – 33 days of yoga</h1>",
            "Energy Rising – 33 days of yoga",
        ),
        (
            "Harbour Street Journal | Copper hits record as miners strike",
            "<h2>Copper hits record as miners strike</h2>",
            "Copper hits record as miners strike",
        ),
        (
            "The Open Journalism Project: Better Student Journalism",
            "<h2>Open Journalism Project:</h2>",
            "The Open Journalism Project: Better Student Journalism",
        ),
        (
            "Autumn at the camp (2) @ Harbour Street Journal :: Pix Net ::",
            "<h1>Pix Net</h1>",
            "Autumn at the camp (2)",
        ),
        (
            "宇航员在太空中喝酒会怎么样？后果很严重 _探索者 _光明网",
            "<h1>宇航员在太空中喝酒会怎么样？后果很严重</h1>",
            "宇航员在太空中喝酒会怎么样？后果很严重",
        ),
    ],
)
def test_visible_heading_wins_only_when_it_is_the_core_of_the_title(
    title: str, heading: str, expected: str
) -> None:
    meta = meta_of(
        f'<meta property="og:site_name" content="Harbour Street Journal">'
        f'<meta property="og:title" content="{title}">{heading}'
    )
    assert meta.title == expected


def test_title_that_is_only_the_site_name_gives_way_to_the_h1() -> None:
    meta = meta_of(
        '<meta property="og:site_name" content="Krimiblog"><meta property="og:title"'
        ' content="Krimiblog"><title>Krimiblog</title><h1>Das Musikvideo der Woche</h1>'
    )
    assert meta.title == "Das Musikvideo der Woche"


def test_person_in_a_byline_beats_an_organisation_named_as_author() -> None:
    meta = meta_of(
        '<meta property="og:site_name" content="Harbour Street Journal">'
        '<meta name="author" content="Harbour Street Journal">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "author": {"@type": "Organization", "name": "Harbour Desk"}}</script>'
        '<p class="byline">By Jane Doe</p>'
    )
    assert meta.authors == ["Jane Doe"]


def test_organisation_named_as_author_and_an_authority_control_box_are_no_byline() -> None:
    meta = meta_of(
        '<script type="application/ld+json">{"@type": "Article", "author": {"@type":'
        ' "Organization", "name": "Contributors to Wikimedia projects"}}</script>'
        '<div class="navbox authority-control"><a href="/wiki/Help:Authority_control">'
        "Authority control</a></div>"
    )
    assert meta.authors == []


def test_company_in_the_author_meta_tag_gives_way_to_the_printed_byline() -> None:
    meta = meta_of(
        '<meta name="author" content="Organization for Transformative Works">'
        '<h3 class="byline"><a rel="author" href="/users/howl">AMournfulHowl</a></h3>'
    )
    assert meta.authors == ["AMournfulHowl"]


def test_editor_in_the_author_meta_tag_is_not_the_author() -> None:
    meta = meta_of(
        '<meta name="author" content="青网校园崔宁宁">'
        "<p>海外留学生看两会</p><div><span>责任编辑：崔宁宁</span></div>"
    )
    assert meta.authors == []


def test_follow_author_button_is_not_a_byline() -> None:
    meta = meta_of(
        '<form class="follow-author-form" action="/follow/1"><button>Follow Author</button></form>'
    )
    assert meta.authors == []


def test_site_name_is_never_the_byline() -> None:
    meta = meta_of(
        '<meta property="og:site_name" content="Harbour Street Journal">'
        '<meta name="author" content="Harbour Street Journal">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "author": {"@type": "Person", "name": "Harbour Street Journal"}}</script>'
    )
    assert meta.authors == []


def test_every_value_of_the_first_author_meta_tag_naming_anyone_is_an_author() -> None:
    meta = meta_of(
        '<meta property="article:author" content="https://www.facebook.com/harbour">'
        '<meta name="parsely-author" content="Jane Doe">'
        '<meta name="parsely-author" content="John Roe">'
    )
    assert meta.authors == ["Jane Doe", "John Roe"]


def test_microdata_author_counts_even_in_an_aside() -> None:
    meta = meta_of(
        '<aside><span itemprop="author" itemscope itemtype="http://schema.org/Person">'
        '<span itemprop="name">Nicolas Perriault</span></span></aside>'
    )
    assert meta.authors == ["Nicolas Perriault"]


@pytest.mark.parametrize(
    "decoy",
    ['<a href="https://blogs.example/">Blog Platform</a>', '<a href="/story#comments">Reply</a>'],
)
def test_links_to_a_home_page_or_the_comments_in_a_byline_box_are_not_authors(
    decoy: str,
) -> None:
    meta = meta_of(f'<div class="author-box">{decoy} <a href="/authors/jd">Jane Doe</a></div>')
    assert meta.authors == ["Jane Doe"]


def test_a_body_class_naming_authors_does_not_make_every_link_a_byline() -> None:
    meta = meta_of(
        '<body class="single author-lnolan"><a href="#content">Skip to content</a>'
        '<p class="byline"><span class="by-author">by <a href="/author/ln">Lucas Nolan</a>'
        "</span><span>22 Dec 2016</span></p></body>"
    )
    assert meta.authors == ["Lucas Nolan"]


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
