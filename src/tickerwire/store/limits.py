"""How much of a stranger's text the store keeps, and the hashes it keys long text by.

A feed can send a multi-megabyte title, a 1 MB GUID or an 8 KB link. PostgreSQL refuses a
btree index entry over about 2.7 KB and a tsvector over 1 MB, and a refused row used to
take the whole refresh down with it. So no index is ever built on text a feed controls:
keys (an entry's identity, an article's canonical URL, a feed's URL) are indexed by
:func:`key_hash`, the SHA-256 of the whole key, stored beside the text; and the text
fields are cut to the limits below before anything is written (docs/security.md lists
them), after :func:`~tickerwire.news.text.clean_text` took out what neither database can
store (NUL, lone surrogates, control characters). Both databases therefore store the same
text.

The limits are far above what real publishers send (headlines run under 300 characters,
long reads under 60,000), so only hostile or broken items are ever cut.
"""

from __future__ import annotations

from dataclasses import replace
from hashlib import sha256

from tickerwire.news.sanitize import sanitize_html
from tickerwire.news.text import clean_text
from tickerwire.store.records import ArticleRecord, EntryRecord

#: Headlines (articles, stories, entries) and feed titles.
TITLE_MAX_CHARS = 1_000
#: A headline's folded key, which is indexed: 500 characters of four UTF-8 bytes each stay
#: under PostgreSQL's btree entry limit.
TITLE_KEY_MAX_CHARS = 500
#: An article's byline and its publisher's name.
BYLINE_MAX_CHARS = 500
SITE_NAME_MAX_CHARS = 200
#: A language tag (``en-GB``); the column is 16 characters wide on both databases.
LANG_MAX_CHARS = 16
#: A feed's summary of an item, as sanitized HTML.
SUMMARY_MAX_CHARS = 100_000
#: An article's sanitized body HTML.
BODY_MAX_CHARS = 1_000_000
#: An article's plain text. Full-text search indexes all of it, and no more than this.
TEXT_MAX_CHARS = 100_000
SEARCH_INDEXED_CHARS = TEXT_MAX_CHARS
#: An entry's identity and GUID as text for people to read; its key is the hash of all of
#: it. URLs are stored whole (no index is built on them), since a cut link leads nowhere.
KEY_MAX_CHARS = 2_048
#: Error texts and notes a feed or a page caused.
NOTE_MAX_CHARS = 2_000

#: How much shorter :func:`cut_html` cuts again when closing tags overflowed the limit.
_CLOSING_ROOM = 64


def key_hash(key: str) -> str:
    """The indexed form of a key: 64 hex digits, whatever the key's length or content
    (lone surrogates included, which no codec would otherwise accept)."""
    return sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def cut(text: str, limit: int) -> str:
    """``text`` made storable and cut to at most ``limit`` characters; a cut one ends with
    an ellipsis."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def cut_optional(text: str | None, limit: int) -> str | None:
    return None if text is None else cut(text, limit)


def cut_html(html: str, limit: int) -> str:
    """Sanitized HTML made storable and cut to at most ``limit`` characters, then sanitized
    again, so a cut in the middle of an element never leaves an open tag or half an
    attribute on a page. The cut falls before the last tag begun within the limit; when
    closing the open elements makes it too long again, it falls earlier."""
    html = clean_text(html)
    if len(html) <= limit:
        return html
    room = limit
    while True:
        head = html[:room]
        opened = head.rfind("<")
        if opened > head.rfind(">"):
            head = head[:opened]
        fitted = sanitize_html(head)
        if len(fitted) <= limit:
            return fitted
        room -= len(fitted) - limit + _CLOSING_ROOM


def fit_article(record: ArticleRecord) -> ArticleRecord:
    """An article within the limits, every text storable; one that fits comes back equal.
    Its key is the hash of the canonical URL as given, worked out before this."""
    return replace(
        record,
        canonical_url=clean_text(record.canonical_url),
        url=clean_text(record.url),
        title=cut(record.title, TITLE_MAX_CHARS),
        title_key=clean_text(record.title_key)[:TITLE_KEY_MAX_CHARS],
        byline=cut_optional(record.byline, BYLINE_MAX_CHARS),
        site_name=cut_optional(record.site_name, SITE_NAME_MAX_CHARS),
        lang=None if record.lang is None else clean_text(record.lang)[:LANG_MAX_CHARS],
        body_html=cut_html(record.body_html, BODY_MAX_CHARS),
        text=cut(record.text, TEXT_MAX_CHARS),
        summary_html=cut_html(record.summary_html, SUMMARY_MAX_CHARS),
        extraction_error=cut_optional(record.extraction_error, NOTE_MAX_CHARS),
    )


def fit_entry(record: EntryRecord) -> EntryRecord:
    """An entry within the limits, every text storable. Its key is the hash of the whole
    identity, worked out before this cut (see :meth:`FeedQueries.record_success`)."""
    return replace(
        record,
        identity=cut(record.identity, KEY_MAX_CHARS),
        guid=cut(record.guid, KEY_MAX_CHARS),
        url=None if record.url is None else clean_text(record.url),
        title=cut(record.title, TITLE_MAX_CHARS),
        summary_html=cut_html(record.summary_html, SUMMARY_MAX_CHARS),
        image_url=None if record.image_url is None else clean_text(record.image_url),
        authors=[cut(author, BYLINE_MAX_CHARS) for author in record.authors],
    )
