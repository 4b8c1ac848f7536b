"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) -> :class:`Feed`.

feedparser does not read JSON Feed, so this maps the format by hand, applying the same
rules as for RSS/Atom: URLs through :func:`safe_url`, HTML through :func:`sanitize_html`,
dates to UTC, every string through :func:`~tickerwire.news.text.clean_text` (JSON can
carry NUL and lone surrogates, ``"\\ud800"``). The format names which fields are HTML
(``content_html``); ``title``, ``summary`` and ``content_text`` are plain text, kept as
written and escaped, never parsed as markup. Fields of the wrong JSON type are treated as
absent, never trusted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from tickerwire.news.encoding import decode_document
from tickerwire.news.model import Enclosure, Entry, Feed
from tickerwire.news.parse.rules import (
    FeedError,
    fallback_id,
    has_substance,
    newest,
    not_in_future,
    unique_ids,
)
from tickerwire.news.sanitize import sanitize_html
from tickerwire.news.text import clean_text, one_line, text_to_html
from tickerwire.news.urls import safe_url


def looks_like_json(content: bytes, content_type: str | None) -> bool:
    """Whether to read the document as JSON: by its first character or its media type."""
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return start == b"{" or (start != b"<" and "json" in (content_type or "").lower())


def _text(value: Any) -> str:
    return clean_text(value).strip() if isinstance(value, str) else ""


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            moment = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _authors(item: dict[str, Any]) -> list[str]:
    found = item.get("authors")
    candidates = found if isinstance(found, list) else [item.get("author")]
    names = [_text(a.get("name")) for a in candidates if isinstance(a, dict)]
    return list(dict.fromkeys(name for name in names if name))


def _enclosures(item: dict[str, Any], base: str) -> list[Enclosure]:
    attachments = item.get("attachments")
    result = []
    for attachment in attachments if isinstance(attachments, list) else []:
        if not isinstance(attachment, dict):
            continue
        url = safe_url(_text(attachment.get("url")), base_url=base)
        size = attachment.get("size_in_bytes")
        if url:
            media_type = _text(attachment.get("mime_type")) or None
            length = size if isinstance(size, int) and not isinstance(size, bool) else None
            result.append(Enclosure(url, media_type, length))
    return result


def _entry(item: dict[str, Any], base: str, now: datetime) -> Entry:
    url = safe_url(_text(item.get("url")), base_url=base) or safe_url(
        _text(item.get("external_url")), base_url=base
    )
    item_base = url or base
    title = one_line(_text(item.get("title")))
    content_html = _text(item.get("content_html")) or text_to_html(_text(item.get("content_text")))
    published = not_in_future(_date(item.get("date_published")), now)
    raw_id = item.get("id")
    entry_id = (one_line(str(raw_id)) if isinstance(raw_id, str | int) else "") or url
    tags = item.get("tags")
    return Entry(
        id=entry_id or fallback_id(title, published),
        url=url,
        title=title,
        summary_html=sanitize_html(text_to_html(_text(item.get("summary"))), base_url=item_base),
        content_html=sanitize_html(content_html, base_url=item_base),
        published=published,
        updated=not_in_future(_date(item.get("date_modified")), now),
        authors=_authors(item),
        image_url=safe_url(_text(item.get("image")), base_url=item_base)
        or safe_url(_text(item.get("banner_image")), base_url=item_base),
        enclosures=_enclosures(item, item_base),
        categories=[one_line(t) for t in tags if isinstance(t, str) and one_line(t)]
        if isinstance(tags, list)
        else [],
    )


def _format(version: str) -> str:
    return "json10" if version.rstrip("/").endswith(("version/1", "1.0")) else "json11"


def parse_json_feed(content: bytes, *, url: str, max_entries: int, now: datetime) -> Feed:
    """Read a JSON Feed document; raise :class:`FeedError` when it is not one."""
    try:
        document = json.loads(decode_document(content, content_type=None, kind="json").text)
    except json.JSONDecodeError as error:
        raise FeedError(f"malformed JSON at line {error.lineno}: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        raise FeedError(f"malformed JSON: {error}") from None
    if not isinstance(document, dict):
        raise FeedError("not a feed: JSON, but not a JSON Feed object")
    version = _text(document.get("version"))
    items = document.get("items")
    if not isinstance(items, list) or not (version or "title" in document):
        raise FeedError("not a feed: JSON without a JSON Feed version and items")
    base = safe_url(_text(document.get("feed_url")), base_url=url) or url
    link = safe_url(_text(document.get("home_page_url")), base_url=base)
    dicts = [item for item in items if isinstance(item, dict)]
    chosen = newest(dicts, max_entries, lambda item: _date(item.get("date_published")))
    entries = unique_ids(
        [
            entry
            for entry in (_entry(item, link or base, now) for item in chosen)
            if has_substance(entry)
        ]
    )
    return Feed(
        title=one_line(_text(document.get("title"))),
        link=link,
        description=_text(document.get("description")),
        language=_text(document.get("language")) or None,
        ttl_minutes=None,
        entries=entries,
        format=_format(version),
    )
