"""Where to send a reader after signing in: only a path on this site.

``next`` comes from a link anyone can write, so it is kept only when it is a plain
absolute path: it starts with one ``/``, has no scheme or host, no backslash (browsers
read ``/\\evil`` as ``//evil``) and no whitespace or control character (browsers drop tabs
and newlines, so ``/\\t/evil`` would become ``//evil`` too).
"""

from __future__ import annotations

from urllib.parse import urlsplit

NEXT_MAX_CHARS = 2000


def safe_next(value: str | None) -> str | None:
    """``value`` when it is a path on this site, else None."""
    if not value or len(value) > NEXT_MAX_CHARS or not value.startswith("/"):
        return None
    if value.startswith("//") or "\\" in value:
        return None
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def address_in_site(path: str, query: str = "") -> str:
    """The address a reader is on, as a ``next`` would carry it back: path and query."""
    return f"{path}?{query}" if query else path
