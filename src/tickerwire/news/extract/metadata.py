"""Title, authors, dates, site name, canonical URL and language of an article page.

Authors are read by bylines.py; this module gathers them with the rest.

Each field is read from the most deliberate source the page offers, in this order: JSON-LD
(written for search engines, so usually exact), then Open Graph / Twitter / Dublin Core meta
tags, then the visible page (``<h1>``, byline elements, ``<time>``), then ``<title>``. Titles
lose their " | Site name" decoration, bylines their "By ".
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.bylines import read_authors
from tickerwire.news.extract.jsonld import LinkedData, text_value
from tickerwire.news.extract.page_text import (
    MetaTags,
    clean_text,
    first_meta,
    names_site,
    site_names,
    squash,
)

_SEPARATORS = re.compile(r"\s+[|\-–—:·•«»‹›/@]+\s+|\s+::\s+")
"""Between a headline and its decoration: " | ", " - ", " » ", " :: ", " @ " (blog
platforms)."""
_PIECES = re.compile(rf"{_SEPARATORS.pattern}|(?<=\w):\s+|\s+(?=[\[(][^\])]*[\])]$)")
"""Where a title may be cut into the pieces a sub-heading can be: at a separator, after a
kicker's colon ("Siemens: Kaeser ..."), before a closing "[Site]" or "(2021/5)"."""
_SITE_PREFIX = re.compile(r"^(.{3,60}?):\s+(.+)$")
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_MIN_CJK = 8
_TITLE_META = ("dc:title", "dcterm:title", "og:title", "twitter:title", "dc.title", "parsely-title")
"""Dublin Core's RDFa ``property="dc:title"`` first, as Readability reads it: a page that
bothers with RDFa means it. The older ``name="DC.title"`` comes after Open Graph: CMSs
fill it with a section's name."""
_UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_EARLIEST_YEAR = 1970
"""Older "dates" are CMS placeholders (0001-01-01, 1900-01-01), not publication times."""
_ISO_PREFIX = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?")


@dataclass(frozen=True)
class PageMeta:
    """What the page says about itself, before the body is extracted."""

    title: str | None
    authors: list[str]
    published: datetime | None
    updated: datetime | None
    site_name: str | None
    canonical_url: str | None
    lang: str | None
    description: str | None


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 2822 date as an aware UTC datetime; naive times are taken as UTC.
    Digits of any script count ("২০২০-০৮-২৯" is 2020-08-29); placeholder years do not."""
    if not value:
        return None
    value = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value.strip())
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace(" UTC", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            match = _ISO_PREFIX.match(value)
            try:
                parsed = datetime.fromisoformat(match.group(0)) if match else None
            except ValueError:
                parsed = None
    if parsed is None or parsed.year < _EARLIEST_YEAR:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _site_name(tags: MetaTags, linked: LinkedData) -> str | None:
    publisher = linked.resolve((linked.article or {}).get("publisher"))
    return first_meta(tags, "og:site_name", "application-name", "twitter:site") or (
        text_value(publisher.get("name")) if isinstance(publisher, dict) else None
    )


def strip_site(title: str, site_name: str | None, host: str | None) -> str:
    """Drop a " | Site" suffix or "Site: " prefix when that part names the site, keeping
    titles whose separators are part of the headline."""
    names = site_names(site_name, host)
    if not names:
        return title
    pieces = list(_SEPARATORS.finditer(title))
    bounds = [0, *(p.end() for p in pieces)]
    ends = [*(p.start() for p in pieces), len(title)]
    for index in range(1, len(bounds)):
        head = title[: pieces[index - 1].start()]
        if names_site(title[bounds[index] : ends[index]], names) and len(head.split()) >= 2:
            return head.strip()
    prefixes = [(title[: pieces[0].start()], title[pieces[0].end() :])] if pieces else []
    colon = _SITE_PREFIX.match(title)
    if colon:
        prefixes.append((colon.group(1), colon.group(2)))
    for head, tail in prefixes:
        if names_site(head, names) and len(tail.split()) >= 2:
            return strip_site(tail.strip(), site_name, host)
    return title


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _agrees(a: str, b: str) -> bool:
    """True when two titles share at least half of the shorter one's words."""
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) >= 0.5 * min(len(wa), len(wb))


def _linked_title(article: dict[str, Any], others: list[str], names: set[str]) -> str | None:
    """The JSON-LD ``headline`` or ``name``, whichever more of whose words the page's other
    titles repeat, and only if it agrees with one of them: Wikipedia puts a description in
    ``headline`` and the title in ``name``, other sites put their own name in ``name``."""
    options = [
        t
        for t in (text_value(article.get("headline")), text_value(article.get("name")))
        if t and not names_site(t, names)
    ]
    if not others:
        return options[0] if options else None

    def support(option: str) -> float:
        words = _words(option)
        return max(len(words & _words(other)) / len(words) for other in others) if words else 0

    agreeing = [t for t in options if any(_agrees(t, other) for other in others)]
    return max(agreeing, key=support) if agreeing else None


def _substantial(heading: str) -> bool:
    """Two words or more, or in a script written without spaces (Chinese, Japanese) enough
    characters to be more than a section's name."""
    return len(heading.split()) >= 2 or (not heading.isascii() and len(squash(heading)) >= _MIN_CJK)


def _whole_pieces(heading: str, title: str) -> bool:
    """True when the heading is one or more whole pieces of the title (see ``_PIECES``),
    not all of it: "Project: Better journalism" does not hold the sub-heading "Project:"."""
    pieces = list(_PIECES.finditer(title))
    starts = [0, *(p.end() for p in pieces)]
    ends = [*(p.start() for p in pieces), len(title)]
    core = squash(heading)
    return any(
        squash(title[starts[i] : ends[j]]) == core
        for i in range(len(starts))
        for j in range(i, len(ends))
        if (i, j) != (0, len(ends) - 1)
    )


def _title(
    tree: LexborHTMLParser, tags: MetaTags, linked: LinkedData, site: str | None, host: str | None
) -> str | None:
    """The headline: JSON-LD's (see ``_linked_title``), then the meta tags', then
    ``<title>``, skipping candidates that are just the site name, and without the site's
    name. When an ``<h1>`` is the core of that ("Kicker Headline - Section" holds the
    ``<h1>`` "Headline"), or an ``<h2>``/``<h3>`` one or more whole pieces of it, the
    heading wins: pages put their visible headline in it."""
    names = site_names(site, host)
    h1s = [t for t in (clean_text(n) for n in tree.css("h1")[:5]) if t]
    subheadings = [t for t in (clean_text(n) for n in tree.css("h2, h3")[:10]) if t]
    og = first_meta(tags, *_TITLE_META)
    document = clean_text(tree.css_first("head title") or tree.css_first("title"))
    og, document = (html.unescape(t) if t else None for t in (og, document))
    others = [t for t in (og, document, *h1s) if t]
    headline = _linked_title(linked.article or {}, others, names)
    candidates = [t for t in (headline, og, document) if t and not names_site(t, names)]
    if not candidates:
        return h1s[0] if h1s else og or document
    chosen = strip_site(candidates[0], site, host)
    squashed = squash(chosen)
    for heading in h1s + subheadings:
        if not _substantial(heading):
            continue
        core = squash(heading)
        if core == squashed or (heading in h1s and core in squashed):
            return heading
        if _whole_pieces(heading, chosen):
            return heading
    return chosen


def _date(
    tree: LexborHTMLParser,
    tags: MetaTags,
    article: dict[str, Any],
    key: str,
    meta_names: tuple[str, ...],
    itemprop: str,
) -> datetime | None:
    found = parse_date(text_value(article.get(key))) or parse_date(first_meta(tags, *meta_names))
    if found:
        return found
    node = tree.css_first(f'[itemprop="{itemprop}"]')
    if node is not None:
        value = node.attributes.get("datetime") or node.attributes.get("content")
        return parse_date(value or clean_text(node))
    return None


def _published(tree: LexborHTMLParser, tags: MetaTags, article: dict[str, Any]) -> datetime | None:
    found = _date(tree, tags, article, "datePublished", _DATE_META, "datePublished")
    if found:
        return found
    for node in tree.css("time[datetime]"):
        found = parse_date(node.attributes.get("datetime"))
        if found:
            return found
    return None


def read_metadata(
    tree: LexborHTMLParser, tags: MetaTags, linked: LinkedData, url: str | None
) -> PageMeta:
    """Everything the page says about itself; every field may be missing."""
    article = linked.article or {}
    canonical_node = tree.css_first('link[rel="canonical"][href]')
    canonical_href = (canonical_node.attributes.get("href") if canonical_node else None) or (
        first_meta(tags, "og:url")
    )
    canonical = urljoin(url or "", canonical_href.strip()) if canonical_href else url
    if canonical and urlsplit(canonical).scheme not in {"http", "https"}:
        canonical = url
    host = urlsplit(canonical or "").hostname
    site = _site_name(tags, linked)
    html_node = tree.css_first("html")
    lang = (html_node.attributes.get("lang") if html_node else None) or first_meta(
        tags, "og:locale", "content-language", "language"
    )
    lang = lang or text_value(article.get("inLanguage"))
    return PageMeta(
        title=_title(tree, tags, linked, site, host),
        authors=read_authors(tree, tags, linked, site_names(site, host)),
        published=_published(tree, tags, article),
        updated=_date(tree, tags, article, "dateModified", _UPDATED_META, "dateModified"),
        site_name=site.lstrip("@") if site else None,
        canonical_url=canonical,
        lang=lang.strip().replace("_", "-") if lang and lang.strip() else None,
        description=text_value(article.get("description"))
        or first_meta(tags, "og:description", "description", "twitter:description"),
    )
