"""The one check every URL field goes through, on ingest and again on output.

Feeds and pages put URLs in item links, enclosures, images, ``href`` and ``src``; a browser
reads them far more leniently than a naive ``startswith("http")`` check does. So a URL is
first brought to the form a browser would act on (entities decoded until stable, tabs and
newlines removed anywhere, surrounding spaces and control characters dropped, backslashes
read as slashes), resolved against its base, and only then judged. What survives is an
absolute ``http``/``https`` URL (or ``mailto:`` where the caller allows it) without
credentials, which cannot be made to run script or to disguise its host.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_MAX_URL_CHARS = 8192
_MAX_DECODE_ROUNDS = 4
_EDGE_JUNK = "".join(chr(c) for c in range(0x21)) + "\x7f"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Characters a URL never needs raw and that would matter if the URL were ever pasted
# unescaped into markup or a header.
_UNSAFE_CHARS = " \"'<>`{}|^\\"


def _decode_entities(url: str) -> str:
    """Decode character references until stable, so ``&amp;#106;avascript:`` is seen too."""
    for _ in range(_MAX_DECODE_ROUNDS):
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    return url


def _browser_form(url: str) -> str:
    """What a browser's URL parser works on: trimmed, no tab/newline, ``\\`` as ``/``."""
    url = _TAB_OR_NEWLINE.sub("", url).strip(_EDGE_JUNK)
    end = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[:end].replace("\\", "/") + url[end:]


def _quote_unsafe(part: str) -> str:
    return quote(
        part, safe="".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in _UNSAFE_CHARS) + "%"
    )


def _normalise_web(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if any(ch in host for ch in _UNSAFE_CHARS + "%/@"):
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            _quote_unsafe(parts.path) or "/",
            _quote_unsafe(parts.query),
            _quote_unsafe(parts.fragment),
        )
    )


def safe_url(
    url: str | None,
    *,
    base_url: str | None = None,
    schemes: Collection[str] = WEB_SCHEMES,
) -> str | None:
    """Return ``url`` as an absolute URL with one of ``schemes`` (http/https by default), or None.

    Relative URLs are resolved against ``base_url`` (itself checked first); without a usable
    base they are refused, except scheme-relative ones (``//host/x``), which get ``https``.
    URLs with a user name or password are refused: ``https://bank.example@evil.example/``
    exists only to mislead. The result is a fixed point: ``safe_url(safe_url(u)) ==
    safe_url(u)``.
    """
    if not url or len(url) > _MAX_URL_CHARS:
        return None
    url = _browser_form(_decode_entities(url))
    if not url or _CONTROL.search(url):
        return None
    try:
        return _absolute(url, base_url, schemes)
    except ValueError:  # urllib's verdict on malformed hosts such as "http://[::1"
        return None


def _absolute(url: str, base_url: str | None, schemes: Collection[str]) -> str | None:
    scheme = urlsplit(url).scheme.lower() if _SCHEME.match(url) else ""
    if not scheme:
        base = safe_url(base_url) if base_url else None
        if base is not None:
            url = urljoin(base, url)
        elif url.startswith("//"):
            url = "https:" + url
        else:
            return None
        scheme = urlsplit(url).scheme.lower()
    if scheme not in schemes:
        return None
    if scheme == "mailto":
        address = url[len("mailto:") :]
        return "mailto:" + _quote_unsafe(address) if address.strip("/") else None
    return _normalise_web(url)
