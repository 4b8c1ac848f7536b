"""Pages assembled from ready parts, so a tick of the quotes re-renders only what shows it.

A page template does not render its live parts (the banner and ribbon, the movers, an
article's instrument chips) itself: it writes ``{{ live("markets_top") }}``, a marker
comment, where the part goes. The page rendered with its markers is its *skeleton*, which
changes when the news does; each part changes with the quotes it shows. The render cache
keeps both, each under the data it depends on, and a page is the skeleton's bytes with
the current parts' bytes put in place: a join, not a render.

The marker carries a token drawn when the process starts, so no text that reaches a
template (a headline, an article body) can pose as one; the token never reaches a reader,
since every marker is replaced before a page is sent.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from markupsafe import Markup

_TOKEN = secrets.token_hex(8)
_MARKER = re.compile(rb"<!--tw-part " + _TOKEN.encode() + rb" ([a-z_]+) ([^ ]*) -->")


@dataclass(frozen=True, slots=True)
class PartRef:
    """A part a skeleton names: which one (``markets_top``) and for what (symbols, say)."""

    name: str
    arg: str = ""


Piece = bytes | PartRef


def marker(name: str, arg: str = "") -> Markup:
    """What a template writes where the part ``name`` for ``arg`` goes."""
    # Safe: the name is a template's literal and the argument is percent-encoded.
    return Markup(f"<!--tw-part {_TOKEN} {name} {quote(arg, safe='')} -->")  # noqa: S704


def split(skeleton: bytes) -> list[Piece]:
    """The skeleton as its bytes between markers and the parts in their places."""
    pieces: list[Piece] = []
    start = 0
    for found in _MARKER.finditer(skeleton):
        if found.start() > start:
            pieces.append(skeleton[start : found.start()])
        pieces.append(PartRef(found.group(1).decode(), unquote(found.group(2).decode())))
        start = found.end()
    if start < len(skeleton):
        pieces.append(skeleton[start:])
    return pieces


def parts_in(pieces: list[Piece]) -> list[PartRef]:
    """The parts a split skeleton names, each once, in order."""
    return list(dict.fromkeys(p for p in pieces if isinstance(p, PartRef)))


def assemble(pieces: list[Piece], part: Callable[[PartRef], bytes]) -> bytes:
    """The page: the skeleton's bytes with each part's current bytes in its place."""
    return b"".join(p if isinstance(p, bytes) else part(p) for p in pieces)
