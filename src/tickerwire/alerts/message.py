"""What every channel does to an event's text before it leaves the portal.

Titles come from feeds and alert labels from members, so either may hold a line break or a
control character; one that reached an email header or an ntfy title could add a header of
its own. :func:`one_line` folds them all to spaces, and every header-like field is made
with it. Links are made absolute with the portal's public address when one is set.
"""

from __future__ import annotations

import re
import unicodedata

_BREAKS = re.compile(r"\s+")


def one_line(text: str, *, limit: int = 200) -> str:
    """``text`` as one line: line breaks, tabs and every control or format character
    (Unicode categories Cc, Cf, Zl, Zp) become spaces, runs of space one space, cut to
    ``limit`` characters."""
    folded = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in text
    )
    line = _BREAKS.sub(" ", folded).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def plain_text(text: str) -> str:
    """``text`` for a message body: line breaks kept, other control characters dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(one_line(line, limit=10_000) for line in lines).strip()


def absolute(link: str, public_url: str) -> str:
    """``link`` (a path of the portal, or already a URL) as a URL when the portal's public
    address is known; the path as it is when not."""
    if not public_url or "://" in link:
        return link
    return public_url.rstrip("/") + "/" + link.lstrip("/")
