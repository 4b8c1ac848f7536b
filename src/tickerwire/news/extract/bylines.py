"""The article's authors, from JSON-LD people, author meta tags or byline elements.

Organisations (a wiki's contributors, a publisher) are not authors, nor is the site's own
name, which the page shows beside the byline anyway and many sites give as their articles'
author, even as a ``Person``. "By", "Von", "Posted by", "... says" and a trailing "Edited
by ..." are decoration; a byline that is really a date is no byline.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tickerwire.news.extract.jsonld import LinkedData, text_value, types_of
from tickerwire.news.extract.page_text import MetaTags, clean_text, names_site

_BY = re.compile(
    r"^\s*(?:(?:written|posted|published|eingestellt|veröffentlicht|geschrieben|verfasst)\s+)?"
    r"(?:by|von|vom|par|por|di|door|av|af|author|autor|autorin)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"[0-9]{4}|[0-9]:[0-9]{2}")
_SAYS = re.compile(r"\s+(?:says|said|sagt|schreibt|writes)\s*:?$", re.IGNORECASE)
_NOT_NAMES = frozenset({"tweet", "share", "name", "admin", "author", "autor", "by", "email"})
_AUTHOR_SPLIT = re.compile(r"\s*(?:,\s*(?:and|&)?|\band\b|&|\bund\b|\bet\b|\by\b|;|\|)\s*")
_NOT_NAME_PARTS = re.compile(
    r"\s*\((?:https?://|www\.|mailto:)[^)]*\)"  # "Jane Doe (https://jane.example)"
    r"|\s+(?:edited|editing|photos?|photography|illustrations?)\s+by\s.*$",
    re.IGNORECASE,
)
_INVERTED = re.compile(r"^([^\s,;&|]+),\s*([^,;&|]+)$")
"""Dublin Core's "Surname, Given" ("Kooman, F.", "Jong, Michiel de"): one word before the
only comma, which two people's names never give."""
_MAX_GIVEN_WORDS = 3
_MAX_FRAGMENT_CHARS = 2
"""A piece this short between separators is not a name, so the separator was part of the
name ("Mac & i", "Jane Doe, Jr.")."""
_ORGANISATION = re.compile(
    r"\b(?:gmbh|ag|inc|ltd|llc|plc|corp|corporation|organi[sz]ation|foundation)\b", re.IGNORECASE
)
"""A legal form or an institution's word: a company's name, not a person's (a desk such as
"Redaktion" or "Staff" is a byline, and stays one)."""
_EDITOR = re.compile(
    r"(?:责任编辑|責任編輯|edited by|editor)\s*[:：︱|]?\s*([^\n\])）]{2,40})", re.I
)
"""Where a page credits its editor. Chinese news pages put the responsible editor (责任编辑),
or a desk followed by the editor, in ``<meta name="author">``."""
_MICRODATA_SELECTORS = ('[itemprop="author"] [itemprop="name"]', '[itemprop="author"]')
"""schema.org microdata is as deliberate as JSON-LD, so it counts even in an ``<aside>``
or a ``<footer>``, where blogs print it; only comment threads are ruled out."""
_BYLINE_SELECTORS = (
    'a[rel="author"]',
    'body [class*="byline"] [class*="name"]',
    '[class*="byline"]',
    '[class*="author-name"]',
    '[class*="authorName"]',
    'body [class*="author"]:not([class*="authority"]) a',
    '[class*="author"]:not([class*="authority"])',
)
"""Guessed from class names, so "body ..." keeps a ``<body class="author-page">`` from
making every link of the page a candidate, and Wikipedia's "authority control" is not one."""
_AUTHOR_META = (
    "dc:creator",
    "dcterm:creator",
    "dc.creator",
    "author",
    "article:author",
    "og:article:author",
    "parsely-author",
    "sailthru.author",
    "byl",
)
_MAX_BYLINE_CHARS = 120
_NOT_AUTHOR_LINK = re.compile(r"^\s*(?:(?:https?:)?//[^/?#]+)?/?\s*$|#.*comment", re.IGNORECASE)
"""Links in a byline box that name no author: to a site's home page (a blog platform's
logo) or to the comments."""
_NOT_BYLINE_TAGS = frozenset(
    {"meta", "link", "script", "style", "body", "article", "html", "form", "button"}
)
"""Whole pages and widgets: a "Follow author" form is no byline."""


def split_authors(raw: str) -> list[str]:
    """Split "By Jane Doe and John Roe" into ["Jane Doe", "John Roe"]; URLs, e-mail
    addresses and dates are not names."""
    raw = _SAYS.sub("", _BY.sub("", " ".join(raw.split())))
    raw = _NOT_NAME_PARTS.sub("", raw).strip()
    if _DATE_LIKE.search(raw):
        return []
    inverted = _INVERTED.match(raw)
    given = inverted.group(2) if inverted else ""
    if inverted and len(given.split()) <= _MAX_GIVEN_WORDS and not _AUTHOR_SPLIT.search(given):
        raw = f"{inverted.group(2).strip()} {inverted.group(1)}"
    parts = [_BY.sub("", part).strip(" ,.;:|-–—") for part in _AUTHOR_SPLIT.split(raw)]
    if any(0 < len(part) <= _MAX_FRAGMENT_CHARS for part in parts):
        parts = [raw.strip(" ,;:|-–—")]
    return [name for name in parts if _looks_like_name(name)]


def _looks_like_name(name: str) -> bool:
    digits = sum(c.isdigit() for c in name)
    return (
        1 < len(name) <= 60
        and len(name.split()) <= 6
        and digits < 3
        and name.lower() not in _NOT_NAMES
        and not _ORGANISATION.search(name)
        and "://" not in name
        and "@" not in name
    )


def _jsonld_authors(linked: LinkedData) -> list[str]:
    raw = (linked.article or {}).get("author") or (linked.article or {}).get("creator")
    people: list[str] = []
    for item in raw if isinstance(raw, list) else [raw]:
        node = linked.resolve(item)
        if isinstance(node, str):
            people.extend(split_authors(node))
        elif isinstance(node, dict):
            name = text_value(node.get("name"))
            if name and "Organization" not in types_of(node):
                people.extend(split_authors(name))
    return people


def _meta_authors(tags: MetaTags) -> list[str]:
    """The names in every value of the first author meta tag that names anyone: pages
    repeat ``article:author`` once per author, and often fill it with a profile URL."""
    for key in _AUTHOR_META:
        names = [name for value in tags.get(key, ()) for name in split_authors(value)]
        if names:
            return names
    return []


def read_authors(
    tree: LexborHTMLParser, tags: MetaTags, linked: LinkedData, site_names: set[str]
) -> list[str]:
    """Authors from JSON-LD people, then author meta tags, then byline elements outside
    comment threads; never the site's own name."""
    people = [n for n in _jsonld_authors(linked) if not names_site(n, site_names)]
    if people:
        return _dedupe(people)
    meta = [n for n in _meta_authors(tags) if not names_site(n, site_names)]
    editors = _editors(tree) if meta else []
    people = [n for n in meta if not any(n.endswith(e) or e.startswith(f"{n} ") for e in editors)]
    if people:
        return _dedupe(people)
    return _dedupe(_byline_elements(tree, site_names))


def _editors(tree: LexborHTMLParser) -> list[str]:
    """The names the page prints as its editor's: an editor is not the author."""
    text = tree.body.text(deep=True, separator="\n") if tree.body else ""
    return [match.group(1).strip() for match in _EDITOR.finditer(text)]


def _byline_elements(tree: LexborHTMLParser, site_names: set[str]) -> list[str]:
    for selector in (*_MICRODATA_SELECTORS, *_BYLINE_SELECTORS):
        microdata = selector in _MICRODATA_SELECTORS
        for node in tree.css(selector):
            if node.tag in _NOT_BYLINE_TAGS or _outside_article(node, microdata=microdata):
                continue
            href = node.attributes.get("href") if node.tag == "a" else None
            if href is not None and _NOT_AUTHOR_LINK.search(href):
                continue
            text = clean_text(node)
            if text and len(text) <= _MAX_BYLINE_CHARS:
                found = [n for n in split_authors(text) if not names_site(n, site_names)]
                if found:
                    return found
    return []


def _outside_article(node: LexborNode, *, microdata: bool) -> bool:
    """In a comment thread, or (for a byline guessed from class names) in page furniture."""
    parent = node.parent
    while parent is not None and parent.tag != "body":
        marks = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
        if "comment" in marks.lower():
            return True
        if not microdata and parent.tag in {"footer", "aside", "nav"}:
            return True
        parent = parent.parent
    return False


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())
