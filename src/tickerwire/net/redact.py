"""Secrets out of URLs before a URL reaches an error text, a log line, a page or the API.

Feed and provider URLs carry credentials more often than one would hope
(``https://user:secret@host/feed``, ``?token=…``, ``?api_key=…``), and an error that echoes
its URL whole hands them to whoever reads the log, the terminal or the feeds page. The
rule: user information is replaced whole, and the value of any query or fragment parameter
whose name looks secret is replaced; everything else stays, so the URL still says which
feed or host failed.

This works on the text, not on a parsed URL: the URLs that reach error messages are often
the ones no parser accepts (a bad port, a stray bracket), and those must be redacted too.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["MASK", "redact", "redact_url"]

MASK = "***"
_SECRET_NAMES = frozenset(
    {
        "token", "key", "api_key", "apikey", "api-key", "access_token", "refresh_token",
        "auth", "auth_token", "signature", "sig", "password", "passwd", "pwd", "secret",
        "client_secret", "session", "sessionid", "x-amz-signature", "x-amz-credential",
        "x-amz-security-token",
    }
)  # fmt: skip
_SECRET_SUFFIXES = ("_token", "_key", "_secret", "_password", "_signature", "-token", "-key")
_URL = re.compile(r"""[A-Za-z][A-Za-z0-9+.\-]*://[^\s'"<>`]+""")
_PARTS = re.compile(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://)?(?P<authority>[^/?#]*)"
    r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?",
    re.DOTALL,
)
_PARAMETER_SEPARATOR = re.compile(r"([&;])")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter called ``name`` (any case, percent-encoded or not) is a
    secret."""
    lowered = unquote(name).strip().lower()
    return lowered in _SECRET_NAMES or lowered.endswith(_SECRET_SUFFIXES)


def redact_url(url: str) -> str:
    """``url`` with its user information and secret-looking parameter values masked."""
    match = _PARTS.fullmatch(url)
    assert match is not None  # every part is optional: the pattern matches any string
    head, authority, path, query, fragment = match.group(
        "head", "authority", "path", "query", "fragment"
    )
    if head and "@" in authority:
        authority = f"{MASK}@{authority.rpartition('@')[2]}"
    redacted = f"{head or ''}{authority}{path}"
    if query is not None:
        redacted += f"?{_parameters(query)}"
    if fragment is not None:
        redacted += f"#{_parameters(fragment)}"
    return redacted


def redact(text: str) -> str:
    """``text`` with every URL in it passed through :func:`redact_url`."""
    return _URL.sub(lambda match: redact_url(match.group(0)), text)


def _parameters(query: str) -> str:
    pieces = _PARAMETER_SEPARATOR.split(query)
    return "".join(_parameter(piece) for piece in pieces)


def _parameter(piece: str) -> str:
    name, equals, value = piece.partition("=")
    if equals and value and is_secret_name(name):
        return f"{name}={MASK}"
    return piece
