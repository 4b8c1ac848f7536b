"""Article page HTML -> ``Article``: title, byline, dates, figures with captions and credits,
video, and a sanitized body.

The body comes from trafilatura without comments, links or images. On the corpus in
bench/extraction_accuracy.py, asking it for links or images makes it keep link lists and
caption blocks (about four points of body F1 lost), and ``favor_recall`` (alone, or as a
second try when the first text is short) wins a little on one corpus and loses about a
point on another, so its default balance stays. Its own fallback (readability and jusText
run on every page and compared) is off (``fast=True``): it cost about half its time, and
without it the bench gave (same run, best of two interleaved passes) shingle F1 0.976
instead of 0.971 on the Scrapinghub corpus, chunk F1 0.926 instead of 0.930 on
trafilatura's (bare trafilatura: 0.925), and 1.21x and 1.40x bare trafilatura's speed
instead of 0.93x and about 1.1x. Where trafilatura's text holds little of
the prose the page keeps in one place, readability-lxml reads the page too and its body is
taken when it holds much more of that prose (second_opinion.py); that costs time on a
few pages in a hundred. Everything trafilatura loses or guesses weakly (figures with
captions and credits, JSON-LD headline and authors, site name, video) is read from one
selectolax parse of the same page and returned beside the body, which therefore never
contains images: news/compose.py places ``figures`` between the body's blocks when the
article is stored.
Whichever extractor gave it, the body then goes through the project's one sanitizer.

Pages that are not articles raise ``ExtractionError``: an empty or whitespace-only document,
a page too large, a page from which no body text can be extracted, and one whose extracted
"body" is mostly the texts of its links (a section front, a menu). Any other page is an
``Article``, however short its text: a length cut-off cannot tell a brief market flash from
a consent wall, so the caller judges ``len(article.text)`` for its own purpose.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from pathlib import Path
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from selectolax.lexbor import LexborHTMLParser
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Document

from tickerwire.news.encoding import decode_document
from tickerwire.news.extract.figures import lead_image, read_figures, without_lead
from tickerwire.news.extract.image_records import RecordedCaptions
from tickerwire.news.extract.jsonld import read_linked_data
from tickerwire.news.extract.metadata import PageMeta, read_metadata
from tickerwire.news.extract.page_text import read_meta_tags
from tickerwire.news.extract.second_opinion import (
    covered,
    is_doubtful,
    prefers_second,
    read_prose,
    readability_body,
)
from tickerwire.news.extract.video import find_video
from tickerwire.news.model import Article, Figure, Video
from tickerwire.news.sanitize import html_to_text, sanitize_html

__all__ = [
    "ExtractionError",
    "article_to_json",
    "extract_article",
    "extract_file",
]

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 10 * 1024 * 1024
"""Same cap as the fetcher's page limit (FetchSettings.page_max_bytes): nothing larger is an
article we could have fetched, and it bounds the work one page can cost."""
MAX_TAGS = 50_000
"""Pages with more tags than this are refused before any parser builds a tree for them: tree
building slows down with the square of the nesting depth (100,000 nested ``<div>`` take ten
seconds), while the largest of the 868 real pages in the shared corpus has under 20,000."""
MAX_LINK_SHARE = 0.8
"""A body whose text is mostly the texts of the page's links is a menu, not an article."""
_WRAPPERS = frozenset({"div", "section", "article", "main"})


class ExtractionError(Exception):
    """The input is not an article we can extract (empty, too large, not an article page)."""


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """A page's bytes as text, by the one encoding decision of :mod:`tickerwire.news.encoding`
    (BOM, then the HTTP charset in ``content_type``, then ``<meta charset>``, checked
    against the bytes)."""
    decoded = decode_document(data, content_type=content_type, kind="html")
    if decoded.note:
        log.info("page read as %s: %s", decoded.encoding, decoded.note)
    return decoded.text


def _body_tree(html: str, url: str | None) -> tuple[HtmlElement, str] | None:
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            fast=True,  # its own fallback off: second_opinion.py is ours, see above
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
        )
    except (ValueError, etree.LxmlError, RecursionError) as error:
        raise ExtractionError(f"unparseable page: {error}") from error
    if not isinstance(document, Document) or document.body is None:
        return None
    return document.body, document.text or ""


def _body_html(root: HtmlElement | None, title: str | None) -> str:
    """The markup inside a body's root element, unwrapped from single wrappers, without a
    leading heading that repeats the title."""
    children = list(root) if root is not None else []
    while (
        len(children) == 1 and children[0].tag in _WRAPPERS and not (children[0].text or "").strip()
    ):
        children = list(children[0])
    if children and title and re.fullmatch(r"h[1-6]", str(children[0].tag)):
        heading = " ".join("".join(children[0].itertext()).split())
        if heading.casefold() == " ".join(title.split()).casefold():
            children = children[1:]
    return "".join(etree.tostring(child, encoding="unicode", method="html") for child in children)


def _mostly_links(tree: LexborHTMLParser, text: str) -> bool:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    total = sum(len(line) for line in lines)
    anchors = {" ".join(a.text(deep=True).split()) for a in tree.css("a")}
    linked = sum(len(line) for line in lines if line in anchors)
    return total > 0 and linked >= MAX_LINK_SHARE * total


def extract_article(
    html: str | bytes, *, url: str | None = None, content_type: str | None = None
) -> Article:
    """Extract one article page; raises ``ExtractionError`` when it is not one.

    ``content_type`` is the page's Content-Type header: its charset is one of the
    declarations the encoding decision weighs.
    """
    if len(html) > MAX_PAGE_BYTES:
        raise ExtractionError("page too large")
    text_html = decode_html(html, content_type) if isinstance(html, bytes) else html
    if not text_html.strip():
        raise ExtractionError("empty document")
    if text_html.count("<") > MAX_TAGS:
        raise ExtractionError("document too complex")
    tree = LexborHTMLParser(text_html)
    tags = read_meta_tags(tree)
    linked = read_linked_data(tree)
    meta = read_metadata(tree, tags, linked, url)
    base = url or meta.canonical_url
    recorded = RecordedCaptions(tree)
    figures = recorded.fill(read_figures(tree, base))
    lead = lead_image(tags, linked, figures, base)
    lead = recorded.fill([lead])[0] if lead is not None else None
    video = find_video(tree, tags, linked, base)
    extracted = _body_tree(text_html, url)
    if extracted is None or not extracted[1].strip():
        raise ExtractionError("not an article page: no body text found")
    body, raw_text = extracted
    if _mostly_links(tree, raw_text):
        raise ExtractionError("not an article page: only links")
    root = _second_opinion(tree, text_html, raw_text)
    if root is None:
        root = convert_to_html(body).find("body")
    body_html = sanitize_html(_body_html(root, meta.title), base_url=base)
    return _article(meta, lead, without_lead(figures, lead), video, body_html)


def _second_opinion(tree: LexborHTMLParser, html: str, text: str) -> HtmlElement | None:
    """readability-lxml's body, on the rare page where trafilatura's text looks wrong and
    readability-lxml's is better (see second_opinion.py); None keeps trafilatura's."""
    prose = read_prose(tree)
    held = covered(prose, text)
    if not is_doubtful(prose, held):
        return None
    second = readability_body(html)
    if second is None or not prefers_second(prose, held, covered(prose, second.text_content())):
        return None
    log.debug("body taken from readability-lxml: it holds more of the page's prose")
    return second


def _article(
    meta: PageMeta, lead: Figure | None, figures: list[Figure], video: Video | None, body: str
) -> Article:
    return Article(
        title=meta.title,
        byline=", ".join(meta.authors) or None,
        authors=meta.authors,
        published=meta.published,
        updated=meta.updated,
        site_name=meta.site_name,
        canonical_url=meta.canonical_url,
        lang=meta.lang,
        lead_image=lead,
        figures=figures,
        video=video,
        body_html=body,
        text=html_to_text(body),
        description=meta.description,
    )


def _figure_json(figure: Figure) -> dict[str, str | None]:
    return {"url": figure.url, "caption": figure.caption, "credit": figure.credit}


def article_to_json(article: Article, *, source: str) -> dict[str, Any]:
    """The JSON object the CLI prints for one page (``tickerwire extract``)."""
    video = article.video
    return {
        "source": source,
        "title": article.title,
        "byline": article.byline,
        "published": article.published.isoformat() if article.published else None,
        "site_name": article.site_name,
        "canonical_url": article.canonical_url,
        "lang": article.lang,
        "lead_image": _figure_json(article.lead_image) if article.lead_image else None,
        "figures": [_figure_json(f) for f in article.figures],
        "video": (
            {
                "url": video.url,
                "title": video.title,
                "thumbnail": video.thumbnail,
                "provider": video.provider,
                "duration": video.duration,
            }
            if video
            else None
        ),
        "body_html": article.body_html,
        "text": article.text,
    }


def read_page(path: Path) -> bytes:
    """A saved page, gunzipped when its name ends in .gz, refused past ``MAX_PAGE_BYTES``."""
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as stream:
            data = stream.read(MAX_PAGE_BYTES + 1)
    else:
        with path.open("rb") as stream:
            data = stream.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise ExtractionError("page too large")
    return data


def extract_file(path: Path, *, url: str | None = None) -> dict[str, Any]:
    """Extract a saved page for the CLI; a bad page gives ``{"source", "error"}``, never raises.

    Besides our own refusals and unreadable files, any exception from the parsers is caught
    here too: one strange page must not end a batch of thousands, and its error names it.
    """
    try:
        article = extract_article(read_page(path), url=url)
    except (ExtractionError, OSError, EOFError, zlib.error) as error:
        return {"source": str(path), "error": str(error) or type(error).__name__}
    except Exception as error:  # a parser bug on a hostile page, see the docstring
        return {"source": str(path), "error": f"{type(error).__name__}: {error}"}
    return article_to_json(article, source=str(path))
