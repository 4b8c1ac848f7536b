"""The sanitizing policy: a table of hostile inputs, then properties over generated HTML."""

import html
import re
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from tickerwire.media.signing import MediaSigner
from tickerwire.news.sanitize import IFRAME_SANDBOX, TAGS, html_to_text, sanitize_html
from tickerwire.news.srcset import parse_srcset

BASE = "https://news.example/2026/03/story.html"
REL = 'rel="noopener noreferrer nofollow"'

CASES = [
    ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
    ('<p onclick="alert(1)" onmouseover=x>Hi</p>', "<p>Hi</p>"),
    (
        '<img src="/a.jpg" onerror="alert(1)">',
        '<img src="https://news.example/a.jpg" loading="lazy">',
    ),
    ('<a href="javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', f"<a {REL}>x</a>"),
    ('<a href="java\tscript:alert(1)">x</a>', f"<a {REL}>x</a>"),
    ('<a href=" &#14;  javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
    ('<a href="&#106;&#97;vascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
    ('<a href="&#x6A;avascript&#x3A;alert(1)">x</a>', f"<a {REL}>x</a>"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
    ('<a href="vbscript:msgbox(1)">x</a>', f"<a {REL}>x</a>"),
    ('<a href="/markets">x</a>', f'<a href="https://news.example/markets" {REL}>x</a>'),
    ('<a href="mailto:desk@news.example">x</a>', f'<a href="mailto:desk@news.example" {REL}>x</a>'),
    ('<img src="mailto:desk@news.example">', ""),
    ('<img src="data:image/png;base64,iVBORw0KGgo=">', ""),
    ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', ""),
    ('<iframe src="https://evil.example/embed/x"></iframe>', ""),
    (
        '<iframe src="https://www.youtube.com/embed/abc" srcdoc="x" onload="y">text</iframe>',
        f'<iframe src="https://www.youtube.com/embed/abc" sandbox="{IFRAME_SANDBOX}"></iframe>',
    ),
    (
        '<iframe src="http://player.vimeo.com/video/42" width="640px" height="x"></iframe>',
        f'<iframe src="https://player.vimeo.com/video/42" width="640" sandbox="{IFRAME_SANDBOX}">'
        "</iframe>",
    ),
    (
        '<iframe src="https://youtube.com/embed/x" sandbox="allow-top-navigation"></iframe>',
        f'<iframe src="https://youtube.com/embed/x" sandbox="{IFRAME_SANDBOX}"></iframe>',
    ),
    ('<form action="https://evil.example"><input name="pw"><button>Go</button></form>', ""),
    ('<svg onload="alert(1)"><a href="javascript:x"><text>t</text></a></svg>ok', "ok"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
    ('<base href="https://evil.example/"><p>x</p>', "<p>x</p>"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', ""),
    ("<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
    ('<div style="position:fixed;inset:0" class="overlay" id="o">x</div>', "x"),
    ("<h1>Title</h1>", "<h2>Title</h2>"),
    ("<!-- secret --><p>x</p>", "<p>x</p>"),
    ("<object data='https://evil.example/x.swf'>fallback</object>", ""),
    (
        "<table><tr><td colspan=2 rowspan='evil' onclick=x>x</td></tr></table>",
        '<table><tbody><tr><td colspan="2">x</td></tr></tbody></table>',
    ),
    ('<time datetime="2026-03-03" class="c">Tue</time>', '<time datetime="2026-03-03">Tue</time>'),
]


@pytest.mark.parametrize(("dirty", "clean"), CASES)
def test_hostile_markup_is_reduced_to_the_policy(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty, base_url=BASE) == clean


TRACKERS = [
    ('<p>a<img src="/p.gif" width="1" height="1"></p>', "<p>a</p>"),
    ('<img src="/p.gif" width="0" height="0">', ""),
    ('<img src="/p.gif" width="1px">', ""),
    ('<img src="/p.gif" style="width: 1px; height: 1px">', ""),
    ('<img src="/a.jpg" style="display:none">', ""),
    ('<img src="/a.jpg" style="visibility : hidden">', ""),
    ('<img src="/a.jpg" hidden>', ""),
    ('<div style="display: none"><img src="/a.jpg"> hidden words</div><p>x</p>', "<p>x</p>"),
    ('<img src="https://feeds.feedburner.com/~r/wire/~4/abc">', ""),
    ('<img src="https://pixel.wp.com/g.gif?blog=1">', ""),
    ('<img src="https://stats.wordpress.com/b.gif">', ""),
    ('<img src="https://www.google-analytics.com/collect?v=1">', ""),
    ('<img src="https://pixel.quantserve.com/pixel/p-1.gif">', ""),
    ('<img src="https://mf.feeds.reuters.com/c/x/f/1/mf.gif">', ""),
    (
        '<img src="/a.jpg?id=3&amp;utm_source=rss&amp;UTM_Medium=feed&amp;fbclid=x">',
        '<img src="https://news.example/a.jpg?id=3" loading="lazy">',
    ),
    (
        '<a href="/s?gclid=1&amp;page=2&amp;mc_cid=3&amp;mc_eid=4#top">x</a>',
        f'<a href="https://news.example/s?page=2#top" {REL}>x</a>',
    ),
    ('<a href="/s?utm_campaign=daily">x</a>', f'<a href="https://news.example/s" {REL}>x</a>'),
    ('<img src="/a.jpg" width="640" height="1">', ""),
    (
        '<img src="/a.jpg" width="640" height="360">',
        '<img src="https://news.example/a.jpg" width="640" height="360" loading="lazy">',
    ),
]


@pytest.mark.parametrize(("dirty", "clean"), TRACKERS)
def test_trackers_are_removed_and_tracking_parameters_stripped(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty, base_url=BASE) == clean


def test_srcset_drops_tracker_candidates_and_tracking_parameters() -> None:
    dirty = '<img src="a.jpg" srcset="https://pixel.wp.com/g.gif 1x, /b.jpg?utm_source=x 2x">'
    assert 'srcset="https://news.example/b.jpg 2x"' in sanitize_html(dirty, base_url=BASE)


def test_only_the_composed_figures_classes_survive() -> None:
    dirty = (
        '<figure class="inline-figure wide"><span class="credit x">C</span></figure>'
        '<p class="ad">x</p>'
    )
    assert sanitize_html(dirty) == (
        '<figure class="inline-figure"><span class="credit">C</span></figure><p>x</p>'
    )


def test_nul_controls_and_lone_surrogates_never_reach_the_output() -> None:
    assert sanitize_html("<p>a\x00b\x01c\ud800d</p>") == "<p>abcd</p>"


def test_srcset_keeps_only_safe_candidates() -> None:
    dirty = '<img src="a.jpg" srcset="a.jpg 1x, javascript:alert(1) 2x, /b.jpg 800w">'
    assert 'srcset="https://news.example/2026/03/a.jpg 1x, https://news.example/b.jpg 800w"' in (
        sanitize_html(dirty, base_url=BASE)
    )


def test_relative_urls_are_dropped_without_a_base() -> None:
    assert sanitize_html('<a href="/x">x</a><img src="y.png">') == f"<a {REL}>x</a>"


def test_table_structure_survives() -> None:
    assert sanitize_html("<table><tr><th>A</th><td colspan='2'>1</td></tr></table>") == (
        '<table><tbody><tr><th>A</th><td colspan="2">1</td></tr></tbody></table>'
    )


def test_html_to_text_separates_paragraphs_with_blank_lines() -> None:
    text = html_to_text("<p>One <b>bold</b></p><p>Two<br>lines</p><ul><li>a</li></ul>tail")
    assert text == "One bold\n\nTwo\nlines\n\na\n\ntail"


def test_html_to_text_keeps_table_cells_apart() -> None:
    assert html_to_text("<table><tr><td>Open</td><td>101.5</td></tr></table>") == "Open 101.5"


def test_html_to_text_skips_scripts_and_styles() -> None:
    assert html_to_text("<p>a<script>x()</script><style>p{}</style></p>") == "a"


def test_html_to_text_survives_very_deep_nesting() -> None:
    assert html_to_text("<div>" * 20000 + "deep" + "</div>" * 20000) == "deep"


FRAGMENTS = st.sampled_from(
    [
        "<p>", "</p>", "<a href='", "javascript:", "&#106;", "java\tscript:", "'>", "<img src=",
        "onerror=alert(1)", " onload=x ", "<script>", "</script>", "<svg>", "<math>", "<iframe ",
        "src=https://www.youtube.com/embed/x", "srcdoc=", "<style>", "<h1>", "<b>", "x", " ",
        '"', "'", ">", "<", "&amp;", "/rel", "//host/p", "data:", "<table>", "<td colspan=2>",
        "<!--", "-->", "http://[", "]", "<![CDATA[", "<form>", "<base href=", "<noscript>",
        "<template>", "\x00",
    ]
)  # fmt: skip
HTMLISH = st.lists(FRAGMENTS | st.text(max_size=5), max_size=30).map("".join)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
_ATTR = re.compile(r'\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?')


def _start_tags(output: str) -> list[str]:
    return re.findall(r"<[a-zA-Z][^>]*>", output)


@settings(max_examples=300, deadline=None)
@given(HTMLISH, st.sampled_from([None, BASE]))
def test_sanitizing_is_idempotent(dirty: str, base: str | None) -> None:
    once = sanitize_html(dirty, base_url=base)
    assert sanitize_html(once, base_url=base) == once


@settings(max_examples=300, deadline=None)
@given(HTMLISH)
def test_output_has_only_allowed_tags_and_no_event_handlers(dirty: str) -> None:
    output = sanitize_html(dirty, base_url=BASE)
    assert {tag.lower() for tag in _TAG.findall(output)} <= TAGS
    for tag in _start_tags(output):
        assert not any(name.lower().startswith("on") for name, _ in _ATTR.findall(tag))


@settings(max_examples=300, deadline=None)
@given(HTMLISH)
def test_every_url_in_the_output_is_http_or_mailto(dirty: str) -> None:
    output = sanitize_html(dirty, base_url=BASE)
    for tag in _start_tags(output):
        for name, value in _ATTR.findall(tag):
            url = html.unescape(value).strip().lower()
            if name in ("href",):
                assert url.startswith(("http://", "https://", "mailto:"))
            if name in ("src",):
                assert url.startswith(("http://", "https://"))


PARAMS = {"fbclid", "mc_cid"}
TRACKING = st.sampled_from(
    [
        "<img src=", "https://pixel.wp.com/g.gif", "https://news.example/a.jpg", "?utm_source=x",
        "&utm_medium=y", "&fbclid=z", "?id=1", " width=1", " height=0", ' style="display:none"',
        " hidden", ">", "<a href=", "/s?mc_cid=1", "</a>", "<p>", "x", " ", '"', "'", "&amp;",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(TRACKING | FRAGMENTS, max_size=30).map("".join))
def test_no_tracker_host_or_tracking_parameter_survives(dirty: str) -> None:
    output = sanitize_html(dirty, base_url=BASE)
    for tag in _start_tags(output):
        for name, value in _ATTR.findall(tag):
            if name in ("href", "src", "srcset"):
                for url in html.unescape(value).lower().split(", "):
                    parts = urlsplit(url.split(" ")[0])
                    names = {pair.partition("=")[0] for pair in parts.query.split("&")}
                    assert not {n for n in names if n.startswith("utm_")} | (names & PARAMS)
                    assert parts.hostname != "pixel.wp.com"


SIGNER = MediaSigner(b"a test key of thirty-two bytes!!")
HOSTILE_SRCSET = (
    "https://cdn.example/w_400,c_fill/a.jpg 400w,"
    " data:image/svg+xml;base64,PHN2Zz4=,PHN2Zz4= 500w,"
    " javascript:alert(1) 600w, java&#x09;script:alert(2) 650w,"
    " /media/forged-digest/aHR0cHM6Ly9ldmlsLmV4YW1wbGUveC5qcGc 700w,"
    " https://pixel.wp.com/g.gif 750w,"
    " //elsewhere.example/b.jpg?utm_source=feed 800w,"
    " c.jpg,, 1200w"
)


def signed_sources(srcset: str) -> list[str | None]:
    """The source URL behind each candidate, None for one that is not a path we signed."""
    found: list[str | None] = []
    for candidate in parse_srcset(html.unescape(srcset)):
        digest, _, encoded = candidate.url.removeprefix("/media/").partition("/")
        signed = candidate.url.startswith("/media/")
        found.append(SIGNER.verify(digest, encoded) if signed else None)
    return found


def test_with_the_image_cache_every_srcset_candidate_is_a_path_the_portal_signed() -> None:
    output = sanitize_html(
        f'<img src="a.jpg" srcset="{HOSTILE_SRCSET}">', base_url=BASE, images=SIGNER.path
    )
    srcset = LexborHTMLParser(output).css_first("img").attributes["srcset"] or ""
    assert signed_sources(srcset) == [
        "https://cdn.example/w_400,c_fill/a.jpg",
        "https://evil.example/x.jpg",  # as if the page had named it: signed, fetched guarded
        "https://elsewhere.example/b.jpg",
        "https://news.example/2026/03/c.jpg",
        "https://news.example/2026/03/1200w",  # what a browser reads there too
    ]


def test_a_portal_path_we_did_not_sign_is_signed_anew_for_the_url_it_names() -> None:
    real = SIGNER.path("https://img.example/a.jpg")
    output = sanitize_html(
        f'<img src="/media/forged/aHR0cHM6Ly9ldmlsLmV4YW1wbGUveC5qcGc"><img src="{real}">'
        '<img src="/media/forged/not-base64!">'
        f'<img src="{SIGNER.path("https://pixel.wp.com/g.gif")}">',
        base_url=BASE,
        images=SIGNER.path,
    )
    assert [i.attributes["src"] for i in LexborHTMLParser(output).css("img")] == [
        SIGNER.path("https://evil.example/x.jpg"),
        real,
    ]


SRCSET_FRAGMENTS = st.sampled_from(
    [
        "<img src=a.jpg srcset='", "<source srcset=\"", "https://cdn.example/w_400,c_fill/a.jpg",
        " 400w", " 2x", ", ", ",", "data:image/png;base64,AAA=", "javascript:alert(1)",
        "/media/forged/aHR0cHM6Ly9ldmlsLmV4YW1wbGUveC5qcGc", "//elsewhere.example/b.jpg",
        "https://pixel.wp.com/g.gif", "'>", '">', "(", ")", "&#44;",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(SRCSET_FRAGMENTS | FRAGMENTS, max_size=30).map("".join))
def test_with_the_image_cache_no_image_comes_from_anywhere_but_a_signed_path(dirty: str) -> None:
    output = sanitize_html(dirty, base_url=BASE, images=SIGNER.path)
    assert sanitize_html(output, base_url=BASE, images=SIGNER.path) == output
    for tag in _start_tags(output):
        for name, value in _ATTR.findall(tag):
            if name == "srcset":
                assert None not in signed_sources(value)
            if name == "src" and tag.startswith("<img"):
                assert None not in signed_sources(value)
