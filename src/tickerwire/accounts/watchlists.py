"""What a watchlist name may be, how much a member may keep, and API tokens.

A watchlist's name is shown in pages, in JSON and (by the API's clients) in headers and
logs, so it is one line of printable text: no control characters (no CR or LF, so a name
can never end a header line), no characters that change the direction of text or hide
between others, 1 to :data:`NAME_MAX` characters after trimming, in Unicode's composed
form. Two names that differ only by case are the same list: compared by :func:`name_key`.

An API token is 32 random bytes behind a ``tw_`` prefix (so a leaked one is easy to spot
in a scan); the store keeps only its SHA-256 (:func:`token_key`), and it is shown once.
"""

from __future__ import annotations

import secrets
import unicodedata
from hashlib import sha256

from tickerwire.accounts.rules import RuleBroken

NAME_MAX = 60
TOKEN_NAME_MAX = 60
WATCHLISTS_MAX = 20
ITEMS_MAX = 100
FOLLOWS_MAX = 200
TOKENS_MAX = 20
DEFAULT_NAME = "My watchlist"
TOKEN_PREFIX = "tw_"  # noqa: S105 - a prefix, not a secret
#: Longer than any token :func:`new_token` makes: never looked up.
TOKEN_LENGTH_MAX = 100
#: Format (Cf), control (Cc), separators other than the space, private and unassigned.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def checked_name(name: str, what: str = "a watchlist name", limit: int = NAME_MAX) -> str:
    """``name`` trimmed and composed, when it is one line of visible text within
    ``limit`` characters; else :class:`RuleBroken`."""
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise RuleBroken(f"{what} cannot be empty")
    if len(cleaned) > limit:
        raise RuleBroken(f"{what} has at most {limit} characters")
    for char in cleaned:
        if unicodedata.category(char) in _REFUSED_CATEGORIES or (char.isspace() and char != " "):
            raise RuleBroken(
                f"{what} is one line of visible text: no line breaks, tabs or control characters"
            )
    return cleaned


def name_key(name: str) -> str:
    """The form two names are compared in: "Tech" and "TECH" are one list."""
    return name.casefold()[:NAME_MAX]


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_key(token: str) -> str:
    """What the store keeps of an API token."""
    return sha256(b"api-token:" + token.encode()).hexdigest()
