"""Responsive image candidates: a ``srcset`` read the way browsers read it, and written back.

A ``srcset`` is a comma-separated list, but a URL may hold commas itself (image CDNs put
``w_400,c_fill`` in their paths, and every ``data:`` URL has one), so splitting on commas
takes pieces of one URL for candidates of their own. :func:`parse_srcset` follows the HTML
standard's algorithm instead: a URL runs to the next whitespace, and only a comma after its
descriptors (outside parentheses) ends a candidate. Candidates whose descriptors are not
one width (``400w``) or one density (``2x``) are dropped, as browsers drop them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tickerwire.news.model import ImageSource

MAX_CANDIDATES = 12
"""Renditions kept per image: more than any layout needs, few enough that a hostile page
cannot make a figure's record large."""
PREFERRED_WIDTH = 1200
"""The rendition an image is fetched ahead in and shown in by default: wide enough for the
46rem article column (tickerwire.css) on a 1.5x screen and for a phone's 3x one."""
ARTICLE_SIZES = "(max-width: 46rem) 100vw, 46rem"
"""How wide the article column draws its images (``.article`` in tickerwire.css), for the
browser to pick a candidate before the stylesheet is read."""

_SPACE = " \t\n\r\f"
_WIDTH = re.compile(r"[1-9]\d{0,5}w", re.ASCII)
_DENSITY = re.compile(r"(?:\d{1,3}(?:\.\d+)?|\.\d+)x", re.ASCII)
_HEIGHT = re.compile(r"[1-9]\d{0,5}h", re.ASCII)


@dataclass(frozen=True)
class Candidate:
    """One image of a ``srcset`` and its descriptor: ``"400w"``, ``"2x"`` or ``""``."""

    url: str
    descriptor: str = ""

    @property
    def width(self) -> int | None:
        return int(self.descriptor[:-1]) if self.descriptor.endswith("w") else None


def parse_srcset(value: str) -> list[Candidate]:
    """The candidates of a ``srcset`` in their order, their URLs as written."""
    candidates: list[Candidate] = []
    position, end = 0, len(value)
    while position < end:
        while position < end and (value[position] in _SPACE or value[position] == ","):
            position += 1
        start = position
        while position < end and value[position] not in _SPACE:
            position += 1
        url = value[start:position]
        if not url:
            break
        descriptors: list[str] = []
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            text_end = _end_of_descriptors(value, position)
            descriptors = value[position:text_end].split()
            position = text_end + 1
        descriptor = _descriptor(descriptors)
        if url and descriptor is not None:
            candidates.append(Candidate(url, descriptor))
    return candidates


def _end_of_descriptors(value: str, position: int) -> int:
    """Where a candidate's descriptors end: the first comma outside parentheses."""
    depth = 0
    for index in range(position, len(value)):
        char = value[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            return index
    return len(value)


def _descriptor(descriptors: Sequence[str]) -> str | None:
    """The one descriptor a candidate may carry (a height beside a width is allowed and
    not kept), or None when they make the candidate invalid."""
    if not descriptors:
        return ""
    first, *rest = descriptors
    if _WIDTH.fullmatch(first) and (not rest or (len(rest) == 1 and _HEIGHT.fullmatch(rest[0]))):
        return first
    if _DENSITY.fullmatch(first) and not rest and float(first[:-1]) > 0:
        return first
    return None


def write_srcset(candidates: Iterable[Candidate]) -> str | None:
    """A ``srcset`` that parses back into ``candidates``; None when none is left. A URL
    that could not be read back as one (whitespace inside, commas at its end) is left out."""
    written = [
        f"{c.url} {c.descriptor}".strip()
        for c in candidates
        if c.url and not c.url.endswith(",") and not any(ch in _SPACE for ch in c.url)
    ]
    return ", ".join(written) or None


def preferred(sources: Iterable[ImageSource]) -> ImageSource | None:
    """The rendition nearest :data:`PREFERRED_WIDTH` wide, the wider of two as near (a
    picture scaled down looks better than one blown up); None when there are none."""
    return min(sources, key=lambda s: (abs(s.width - PREFERRED_WIDTH), -s.width), default=None)
