"""The article's authors, from JSON-LD people, author meta tags or byline elements.

Organisations and the site's own name are not authors; "By", "Von", "Posted by" and
"... says" are decoration; a byline that is really a date is no byline.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tickerwire.news.extract.jsonld import LinkedData, text_value, types_of
from tickerwire.news.extract.page_text import MetaTags, clean_text, first_meta, names_site

_BY = re.compile(
    r"^\s*(?:(?:written|posted|published|eingestellt|veröffentlicht|geschrieben|verfasst)\s+)?"
    r"(?:by|von|vom|par|por|di|door|av|af|author|autor|autorin)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"[0-9]{4}|[0-9]:[0-9]{2}")
_SAYS = re.compile(r"\s+(?:says|said|sagt|schreibt|writes)\s*:?$", re.IGNORECASE)
_NOT_NAMES = frozenset({"tweet", "share", "name", "admin", "author", "autor", "by", "email"})
_AUTHOR_SPLIT = re.compile(r"\s*(?:,\s*(?:and|&)?|\band\b|&|\bund\b|\bet\b|\by\b|;|\|)\s*")
_BYLINE_SELECTORS = (
    '[itemprop="author"] [itemprop="name"]',
    '[itemprop="author"]',
    'a[rel="author"]',
    '[class*="byline"] [class*="name"]',
    '[class*="byline"]',
    '[class*="author-name"]',
    '[class*="authorName"]',
    '[class*="author"] a',
    '[class*="author"]',
)
_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
)
_MAX_BYLINE_CHARS = 120
_NOT_BYLINE_TAGS = frozenset({"meta", "link", "script", "style", "body", "article", "html"})


def split_authors(raw: str) -> list[str]:
    """Split "By Jane Doe and John Roe" into ["Jane Doe", "John Roe"]; URLs, e-mail
    addresses and dates are not names."""
    raw = _SAYS.sub("", _BY.sub("", " ".join(raw.split())))
    if _DATE_LIKE.search(raw):
        return []
    names = []
    for part in _AUTHOR_SPLIT.split(raw):
        name = _BY.sub("", part).strip(" ,.;:|-–—")
        if _looks_like_name(name):
            names.append(name)
    return names


def _looks_like_name(name: str) -> bool:
    digits = sum(c.isdigit() for c in name)
    return (
        1 < len(name) <= 60
        and len(name.split()) <= 6
        and digits < 3
        and name.lower() not in _NOT_NAMES
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


def read_authors(
    tree: LexborHTMLParser, tags: MetaTags, linked: LinkedData, site_names: set[str]
) -> list[str]:
    """Authors from JSON-LD people, then author meta tags, then byline elements outside
    comment threads; organisations and the site's own name are not authors."""

    def people(names: list[str]) -> list[str]:
        return _dedupe([n for n in names if not names_site(n, site_names)])

    found = people(_jsonld_authors(linked))
    if found:
        return found
    meta = first_meta(tags, *_AUTHOR_META)
    found = people(split_authors(meta)) if meta and "://" not in meta else []
    if found:
        return found
    for selector in _BYLINE_SELECTORS:
        for node in tree.css(selector):
            if node.tag in _NOT_BYLINE_TAGS or _in_comments(node):
                continue
            text = clean_text(node)
            if text and len(text) <= _MAX_BYLINE_CHARS:
                found = people(split_authors(text))
                if found:
                    return found
    return []


def _in_comments(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag != "body":
        marks = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
        if "comment" in marks.lower() or parent.tag in {"footer", "aside", "nav"}:
            return True
        parent = parent.parent
    return False


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())
