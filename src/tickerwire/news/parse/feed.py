"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 documents -> :class:`Feed`.

The bytes were fetched by us; nothing here touches the network or the disk. Order of work:

1. decide the document's encoding once (:mod:`tickerwire.news.encoding`: BOM, then the
   HTTP charset, then the XML declaration, checked against the bytes), drop characters
   and character references XML cannot carry (a NUL or ``&#xD800;`` in one title used to
   make the whole feed unreadable), and hand feedparser UTF-8 that says so;
2. refuse XML that declares entities (billion laughs, quadratic blow-up, external entities)
   *before* any XML parser sees it, looking at the document exactly as feedparser will
   decode it, so no character encoding can smuggle a declaration past the check;
3. parse: feedparser for RSS/Atom (lenient with the broken feeds common in the wild), the
   json module for JSON Feed (see jsonfeed.py);
4. map to our model: every URL through :func:`safe_url`, every piece of HTML through
   :func:`sanitize_html` with the entry's own base URL, dates to UTC, and every text field
   through :func:`~tickerwire.news.text.clean_text`. Every field is text or HTML, never
   in between: an Atom ``type="text"`` construct is text, kept as written (``AT&T
   <b>up</b>`` stays those characters), and becomes HTML only by being escaped into
   paragraphs (:func:`~tickerwire.news.text.text_to_html`); titles are text, stored as
   text and escaped once, at output.

feedparser is handed a stream, never ``bytes`` or ``str``: given those it may treat the
document as a file name or a URL and open it. Its own sanitizer is off, because ours runs
last and decides alone (it would also drop the video embeds we keep).
Failures are :class:`FeedError` with a message a person can act on; nothing else escapes.
"""

from __future__ import annotations

import calendar
import contextlib
import io
import logging
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.encodings import convert_to_utf8

from tickerwire.news.encoding import decode_document
from tickerwire.news.model import Enclosure, Entry, Feed
from tickerwire.news.parse.json_feed import looks_like_json, parse_json_feed
from tickerwire.news.parse.rules import (
    FeedError,
    fallback_id,
    has_substance,
    newest,
    not_in_future,
    unique_ids,
)
from tickerwire.news.sanitize import html_to_text, sanitize_html
from tickerwire.news.text import clean_text, one_line, text_to_html
from tickerwire.news.urls import safe_url
from tickerwire.types import Clock, utc_now

__all__ = ["Enclosure", "Entry", "Feed", "FeedError", "parse_feed"]

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_HTML_PAGE = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml")
_MARKUP_TYPES = ("text/html", "application/xhtml+xml")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_UTF8_XML = {"content-type": "application/xml; charset=utf-8"}

log = logging.getLogger(__name__)


def _xml_character(match: re.Match[str]) -> str:
    """A character reference XML allows, as it was; a surrogate as the raw code unit (for
    :func:`clean_text` to pair up or drop); anything else (``&#0;``) removed."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    if 0xD800 <= code <= 0xDFFF:
        return chr(code)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    return match.group(0) if allowed else ""


def readable_xml(content: bytes, content_type: str | None) -> bytes:
    """The document as UTF-8 that declares itself so, without what XML cannot carry."""
    decoded = decode_document(content, content_type=content_type, kind="xml")
    if decoded.note:
        log.info("feed read as %s: %s", decoded.encoding, decoded.note)
    text = clean_text(_CHARACTER_REFERENCE.sub(_xml_character, decoded.text))
    text = _XML_DECLARATION.sub("", text, count=1).lstrip()
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8")


def _refuse_entity_declarations(content: bytes, headers: dict[str, str]) -> None:
    """Raise if the document declares entities, in the bytes or as feedparser will decode them.

    Legitimate feeds do not need their own entities; every expansion attack needs them, and
    a DTD to declare them in (so an article about XML quoting ``<!ENTITY`` passes).
    """
    forms = [content, content.replace(b"\x00", b"")]
    # If decoding crashes, feedparser's own call crashes the same way before parsing XML.
    with contextlib.suppress(Exception):
        forms.append(convert_to_utf8(dict(headers), content, {}))
    for form in forms:
        if _DOCTYPE.search(form) and _ENTITY_DECLARATION.search(form):
            raise FeedError("XML entity expansion refused: the document declares entities in a DTD")


def _moment(parsed: time.struct_time | None, now: datetime) -> datetime | None:
    if not parsed:
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None
    return not_in_future(moment, now)


def _date_of(raw: Any) -> time.struct_time | None:
    """Published, else updated; read past feedparser's deprecated key aliasing."""
    return dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")


def _detail_html(detail: Any, entry_base: str, document_url: str) -> str:
    """Sanitized HTML of a feedparser text construct (plain text is escaped first).

    Relative URLs resolve against an explicit ``xml:base`` when the feed sets one, else
    against the entry's own link, where a reader would expect them to point.
    """
    if not detail or not detail.get("value"):
        return ""
    value = str(detail["value"])
    if detail.get("type") == "text/plain":
        value = text_to_html(value)
    declared = safe_url(detail.get("base"), base_url=document_url)
    return sanitize_html(value, base_url=declared or entry_base)


def _plain(detail: Any, value: Any) -> str:
    """A title or description as plain text: markup, where the field is HTML (Atom's
    declared type; feedparser's judgement for RSS), is reduced to its text; a text field
    is kept as written."""
    text = str(value or "")
    if detail and detail.get("type") in _MARKUP_TYPES:
        return one_line(html_to_text(clean_text(text)))
    return one_line(text)


def _authors(entry: Any) -> list[str]:
    names = [one_line(str(a.get("name") or "")) for a in entry.get("authors") or [] if a]
    if not any(names) and entry.get("author"):
        names = [one_line(str(entry["author"]))]
    return list(dict.fromkeys(name for name in names if name))


def _length(value: Any) -> int | None:
    try:
        length = int(str(value).strip())
    except ValueError:
        return None
    return length if length > 0 else None


def _enclosures(entry: Any, base: str) -> list[Enclosure]:
    """RSS/Atom enclosures, then Media RSS content, each URL once."""
    found: dict[str, Enclosure] = {}
    for link in entry.get("enclosures") or []:
        url = safe_url(link.get("href") or link.get("url"), base_url=base)
        if url and url not in found:
            found[url] = Enclosure(url, link.get("type") or None, _length(link.get("length")))
    for media in entry.get("media_content") or []:
        url = safe_url(media.get("url"), base_url=base)
        if url and url not in found:
            found[url] = Enclosure(url, media.get("type") or None, _length(media.get("filesize")))
    return list(found.values())


def _image(entry: Any, enclosures: list[Enclosure], base: str) -> str | None:
    candidates = [t.get("url") for t in entry.get("media_thumbnail") or []]
    candidates += [
        m.get("url")
        for m in entry.get("media_content") or []
        if m.get("medium") == "image" or str(m.get("type") or "").startswith("image/")
    ]
    candidates += [e.url for e in enclosures if (e.media_type or "").startswith("image/")]
    image = entry.get("image")
    if isinstance(image, dict):
        candidates.append(image.get("href") or image.get("url"))
    for candidate in candidates:
        url = safe_url(candidate, base_url=base)
        if url:
            return url
    return None


def _entry(raw: Any, feed_base: str, now: datetime) -> Entry:
    url = safe_url(raw.get("link"), base_url=feed_base)
    base = url or feed_base
    title = _plain(raw.get("title_detail"), raw.get("title"))
    published = _moment(_date_of(raw), now)
    contents = raw.get("content") or []
    content = next((c for c in contents if "html" in str(c.get("type"))), None) or (
        contents[0] if contents else None
    )
    enclosures = _enclosures(raw, base)
    raw_id = one_line(str(raw.get("id") or ""))
    tags = [one_line(str(t.get("label") or t.get("term") or "")) for t in raw.get("tags") or []]
    return Entry(
        id=raw_id or url or fallback_id(title, published),
        url=url,
        title=title,
        summary_html=_detail_html(raw.get("summary_detail"), base, feed_base),
        content_html=_detail_html(content, base, feed_base),
        published=published,
        updated=_moment(dict.get(raw, "updated_parsed"), now),
        authors=_authors(raw),
        image_url=_image(raw, enclosures, base),
        enclosures=enclosures,
        categories=list(dict.fromkeys(tag for tag in tags if tag)),
    )


def _entries(raws: list[Any], feed_url: str, now: datetime) -> Iterator[Entry]:
    """The entries worth keeping, mapped to our model.

    On badly broken XML feedparser's loose parser can leave structures its own accessors
    trip over (a link that is a string, not a dict); such an entry is skipped rather than
    failing the whole feed.
    """
    for raw in raws:
        try:
            entry = _entry(raw, feed_url, now)
        except (TypeError, AttributeError, KeyError):
            continue
        if has_substance(entry):
            yield entry


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        return None
    return minutes if 0 < minutes <= 7 * 24 * 60 else None


def _not_a_feed(parsed: Any, content: bytes, content_type: str | None) -> FeedError:
    if _HTML_PAGE.search(content[:4096]) or (content_type or "").startswith(_HTML_TYPES):
        return FeedError("not a feed: looks like an HTML page")
    error = parsed.get("bozo_exception")
    if error is not None and hasattr(error, "getLineNumber"):
        return FeedError(f"malformed XML at line {error.getLineNumber()}: {error.getMessage()}")
    return FeedError("not a feed: no RSS, Atom or RDF root element found")


def _parse_xml_feed(
    content: bytes, url: str, content_type: str | None, max_entries: int, now: datetime
) -> Feed:
    # No content-location: feedparser would resolve GUIDs against it, and an id must not
    # change when the feed moves. Links are resolved here, with safe_url.
    headers = {}
    if content_type:
        headers["content-type"] = content_type
    _refuse_entity_declarations(content, headers)
    readable = readable_xml(content, content_type)
    _refuse_entity_declarations(readable, _UTF8_XML)
    try:
        parsed = feedparser.parse(
            io.BytesIO(readable),
            response_headers=_UTF8_XML,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as error:  # feedparser is lenient, but not crash-free on every input
        raise FeedError(f"unreadable feed: {type(error).__name__}: {error}") from error
    version = parsed.get("version") or ""
    if not version and not parsed.get("entries"):
        raise _not_a_feed(parsed, content, content_type)
    channel = parsed.get("feed") or {}
    link = safe_url(channel.get("link"), base_url=url)
    chosen = newest(
        parsed.get("entries") or [],
        max_entries,
        lambda raw: _moment(_date_of(raw), now),
    )
    return Feed(
        title=_plain(channel.get("title_detail"), channel.get("title")),
        link=link,
        description=_plain(channel.get("subtitle_detail"), channel.get("subtitle")),
        language=one_line(str(channel.get("language") or "")) or None,
        ttl_minutes=_ttl(channel.get("ttl")),
        entries=unique_ids(list(_entries(chosen, url, now))),
        format=version or "unknown",
    )


def parse_feed(
    content: bytes,
    *,
    url: str,
    content_type: str | None = None,
    max_entries: int = 500,
    clock: Clock = utc_now,
) -> Feed:
    """Parse a fetched feed document; ``url`` is its final URL, the base for relative links.

    Keeps the newest ``max_entries`` entries. Dates more than a day after ``clock()`` are
    clamped to it. Raises :class:`FeedError`, and only that, when the bytes are not a feed.
    """
    if not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        raise FeedError("empty document")
    now = clock()
    if looks_like_json(content, content_type):
        return parse_json_feed(content, url=url, max_entries=max_entries, now=now)
    return _parse_xml_feed(content, url, content_type, max_entries, now)
