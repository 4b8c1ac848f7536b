"""A second extractor for the pages where trafilatura's body looks wrong.

trafilatura is right on most pages, but now and then keeps a fraction of a body that the
page plainly holds in one place: it drops paragraphs that repeat, or takes one part of a
body split between containers. The signal that gives it away is the page's *prose*: leaf
blocks of running text (at least ``MIN_PROSE_CHARS``, mostly not link text, outside
navigation, headers, footers, asides, forms and comment threads), counted as often as they
occur. A body is doubtful when it holds at most ``DOUBT_SHARE`` of the prose while the page
keeps ``REGION_SHARE`` of its prose together under one region: a body is there, and
trafilatura did not take it.

Only then does readability-lxml read the page, which costs about as much as trafilatura
itself; on the corpora of bench/extraction_accuracy.py that is one page in fifteen of
Readability's test pages and one in forty to sixty of the real ones. Its body is taken
when it holds ``SECOND_SHARE`` of the prose and at least twice what trafilatura held;
otherwise trafilatura's stands, since readability-lxml is the weaker of the two on most
pages. Its output is markup like any page's, so the caller sanitizes it as it does
trafilatura's. Reading the prose costs every page a few per cent of its extraction time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from readability import Document
from selectolax.lexbor import LexborHTMLParser, LexborNode

from tickerwire.news.extract.page_text import INVISIBLE

__all__ = [
    "Prose",
    "covered",
    "is_doubtful",
    "prefers_second",
    "read_prose",
    "readability_body",
]

MIN_PROSE_CHARS = 80
"""Shorter blocks are captions, teasers, buttons and bylines as often as they are text."""
MIN_PROSE_TOTAL = 2 * MIN_PROSE_CHARS
"""Less prose than two blocks' worth says nothing about where a page's body is."""
MAX_LINK_SHARE = 0.5
DOUBT_SHARE = 0.5
REGION_SHARE = 0.8
REGION_DEPTH = 4
"""How far above its blocks a region may be: an article's paragraphs sit a few levels
below the element that holds them all, a page's scattered teasers much further."""
SECOND_SHARE = 0.8
MIN_GAIN = 2.0

_LEAF_BLOCKS = "p, div, li, td, blockquote, pre, dd, section, article"
_BLOCK_TAGS = frozenset(
    {
        *("p", "div", "li", "td", "th", "tr", "tbody", "table", "ul", "ol", "dl", "dd"),
        *("blockquote", "pre", "section", "article", "main", "figure", "form"),
        *("header", "footer", "nav", "aside", "h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
_NOT_TEXT = "script, style, noscript, template, rt"
"""Inside a block, these are code or ruby readings (furigana), which the parser's text
holds and extractors drop: a block holding one is left out rather than never found."""
_FURNITURE = frozenset({"nav", "header", "footer", "aside", "form"})
_NOT_BODY = ("img", "picture", "figure", "video", "audio", "iframe", "svg", "object", "embed")
"""A body never holds images or players: figures and video are read apart (figures.py,
video.py) and placed by news/compose.py."""


@dataclass(frozen=True)
class Prose:
    """The page's running text: each block's normalised text and how often it occurs, their
    total length, and the share of it under the region that holds the most."""

    blocks: dict[str, int]
    total: int
    region_share: float


def _normalised(text: str) -> str:
    """The text without case, whitespace, soft hyphens and zero-width characters:
    extractors do not agree on them (``a<br>b`` is "ab" to one and "a b" to another), and a
    block must be found in a body whichever wrote it."""
    return "".join(text.translate(INVISIBLE).split()).casefold()


def _in_furniture(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _FURNITURE:
            return True
        marks = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
        if "comment" in marks.lower():
            return True
        parent = parent.parent
    return False


def _prose_text(node: LexborNode) -> str | None:
    """The block's text if it is a leaf block of prose (see the module docstring)."""
    if node.tag != "p" and any(child.tag in _BLOCK_TAGS for child in node.iter()):
        return None
    raw = node.text(deep=True)
    if len(raw) < MIN_PROSE_CHARS:  # most blocks: refused before the costlier steps
        return None
    text = _normalised(raw)
    if len(text) < MIN_PROSE_CHARS or node.css_first(_NOT_TEXT) is not None:
        return None
    linked = sum(len("".join(a.text(deep=True).split())) for a in node.css("a"))
    if linked > MAX_LINK_SHARE * len(text) or _in_furniture(node):
        return None
    return text


def read_prose(tree: LexborHTMLParser) -> Prose:
    """The prose of a parsed page (see the module docstring)."""
    blocks: Counter[str] = Counter()
    regions: Counter[int] = Counter()
    for node in tree.css(_LEAF_BLOCKS):
        text = _prose_text(node)
        if text is None:
            continue
        blocks[text] += 1
        parent, depth = node.parent, 0
        while parent is not None and depth < REGION_DEPTH:
            regions[parent.mem_id] += len(text)
            parent, depth = parent.parent, depth + 1
    total = sum(len(text) * count for text, count in blocks.items())
    share = max(regions.values()) / total if total else 0.0
    return Prose(dict(blocks), total, share)


def covered(prose: Prose, text: str) -> int:
    """How many characters of the prose a body's text holds, each block at most as often
    as the page has it. Blocks run together in the text are still found, but one split
    apart is not: the text must keep inline elements' text in place, as ``text_content``
    does."""
    body = _normalised(text)
    held, at = 0, 0
    for block, count in prose.blocks.items():
        # Blocks mostly come in the page's order: look on from the last one found, so a
        # long body is read once rather than once per block (9,000 paragraphs of 8 MB took
        # twenty seconds); only a block not found in order is counted over the whole body.
        found = 0
        while found < count and (start := body.find(block, at)) >= 0:
            found, at = found + 1, start + len(block)
        if found < count:
            found = min(count, body.count(block))
        held += len(block) * found
    return held


def is_doubtful(prose: Prose, held: int) -> bool:
    """True when a body holding ``held`` characters of the prose misses a body the page
    has in one place."""
    return (
        prose.total >= MIN_PROSE_TOTAL
        and held <= DOUBT_SHARE * prose.total
        and prose.region_share >= REGION_SHARE
    )


def prefers_second(prose: Prose, first: int, second: int) -> bool:
    """True when the second opinion, holding ``second`` characters of the prose against
    the first's ``first``, is the better body."""
    return second >= SECOND_SHARE * prose.total and second >= MIN_GAIN * first


def readability_body(html: str) -> HtmlElement | None:
    """readability-lxml's body of the page, without images and players, or None when it
    finds none. Links stay relative: the sanitizer resolves them against the page."""
    try:
        summary = Document(html).summary(html_partial=True)
        root = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (ValueError, etree.LxmlError, RecursionError):
        return None
    for node in root.xpath("|".join(f".//{tag}" for tag in _NOT_BODY)):
        node.drop_tree()
    return root if root.text_content().strip() else None
