"""The small response object every caller gets, and the header parsing behind its fields.

Callers need more than a body: the validators for the next conditional GET, whether the
server said "not modified", and when it wants to be asked again (Retry-After, Cache-Control
max-age), each parsed once here so schedulers never read raw headers.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

RETRY_AFTER_MIN = 60.0
RETRY_AFTER_MAX = 24 * 3600.0

_DIGITS = re.compile(r"[0-9]+")
_MAX_AGE = re.compile(r'(?:^|,)\s*max-age\s*=\s*"?([0-9]+)"?\s*(?:,|$)', re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class FetchResponse:
    """A finished fetch: the final URL after redirects and the whole (capped) body.

    A 304 has ``not_modified`` set and empty ``content``; its ``etag`` and
    ``last_modified`` fall back to the ones the caller sent, so they can be stored as they
    are for the next conditional GET.
    """

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool
    retry_after: float | None
    max_age: float | None

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if it names a known codec."""
        return declared_charset(self.headers.get("content-type"))

    def text(self) -> str:
        """The body as text: a byte-order mark wins, then the declared charset, then UTF-8,
        then Windows-1252 (what undeclared Western pages almost always are). Never raises;
        bytes that do not fit become U+FFFD."""
        for bom, encoding in _BOMS:
            if self.content.startswith(bom):
                return self.content.decode(encoding, errors="replace")
        if self.charset is not None:
            return self.content.decode(self.charset, errors="replace")
        try:
            return self.content.decode("utf-8")
        except UnicodeDecodeError:
            return self.content.decode("cp1252", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (UTF-8, -16 or -32); raises ValueError when it is not."""
        return json.loads(self.content)


def declared_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    if not isinstance(charset, str):
        return None
    try:
        return codecs.lookup(charset.strip().strip("'\"")).name
    except LookupError:
        return None


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), clamped to
    [1 min, 24 h] so neither a rude nor a careless server can stall or hammer us.
    Values that are neither form are ignored (None)."""
    if value is None:
        return None
    text = value.strip()
    if _DIGITS.fullmatch(text):
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(max(seconds, RETRY_AFTER_MIN), RETRY_AFTER_MAX)


def parse_max_age(cache_control: str | None) -> float | None:
    """Cache-Control's max-age in seconds, unclamped: a scheduler decides what to do with
    it. None when absent or malformed."""
    if not cache_control:
        return None
    match = _MAX_AGE.search(cache_control)
    return float(match.group(1)) if match else None
