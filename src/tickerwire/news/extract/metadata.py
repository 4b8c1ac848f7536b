"""Title, authors, dates, site name, canonical URL and language of an article page.

Authors are read by bylines.py; this module gathers them with the rest.

Each field is read from the most deliberate source the page offers, in this order: JSON-LD
(written for search engines, so usually exact), then Open Graph / Twitter / Dublin Core meta
tags, then the visible page (``<h1>``, byline elements, ``<time>``), then ``<title>``. Titles
lose their " | Site name" decoration, bylines their "By ".
"""

from __future__ import annotations

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

_SEPARATORS = re.compile(r"\s+[|\-–—:·•«»/]+\s+|\s+::\s+")
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


def _agrees(a: str, b: str) -> bool:
    """True when two titles share at least half of the shorter one's words."""
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return bool(wa and wb) and len(wa & wb) >= 0.5 * min(len(wa), len(wb))


def _title(
    tree: LexborHTMLParser, tags: MetaTags, linked: LinkedData, site: str | None, host: str | None
) -> str | None:
    """The headline. A JSON-LD headline must agree with another source (Wikipedia puts a
    description there); candidates that are just the site name are skipped; and when a
    heading of the page is the core of the chosen title ("Site - Headline - Section"), the
    heading wins."""
    names = site_names(site, host)
    h1s = [t for t in (clean_text(n) for n in tree.css("h1")[:5]) if t]
    headings = h1s + [t for t in (clean_text(n) for n in tree.css("h2, h3")[:10]) if t]
    og = first_meta(tags, "og:title", "twitter:title", "dc.title", "parsely-title")
    document = clean_text(tree.css_first("head title") or tree.css_first("title"))
    headline = text_value((linked.article or {}).get("headline"))
    others = [t for t in (og, document, *h1s) if t]
    if headline and others and not any(_agrees(headline, t) for t in others):
        headline = None
    candidates = [t for t in (headline, og, document) if t and not names_site(t, names)]
    if not candidates:
        return h1s[0] if h1s else og or document
    chosen = candidates[0]
    squashed = squash(chosen)
    for heading in headings:
        core = squash(heading)
        if core != squashed and len(heading.split()) >= 2 and core in squashed:
            return heading
    return strip_site(chosen, site, host)


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
