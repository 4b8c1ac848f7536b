"""What a page says about itself in plain sight: meta tags, the text of an element, and
whether a piece of text is just the site's own name (which is never a headline or an author).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

MetaTags = dict[str, list[str]]


def read_meta_tags(tree: LexborHTMLParser) -> MetaTags:
    """All ``<meta>`` values by lower-cased ``property``/``name``/``itemprop``, in page order."""
    tags: MetaTags = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        content = (attrs.get("content") or "").strip()
        if not content:
            continue
        for key in ("property", "name", "itemprop"):
            name = attrs.get(key)
            if name:
                tags.setdefault(name.strip().lower(), []).append(content)
    return tags


def first_meta(tags: MetaTags, *names: str) -> str | None:
    for name in names:
        for value in tags.get(name, ()):
            if value.strip():
                return " ".join(value.split())
    return None


def clean_text(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    text = " ".join((node.text(deep=True, separator=" ") or "").split())
    return text or None


def squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower().replace("…", "..."))


def names_site(part: str, names: set[str]) -> bool:
    squashed = squash(part)
    return bool(squashed) and any(
        squashed == n or (n in squashed and len(squashed) <= len(n) + 8) for n in names
    )


def site_names(site_name: str | None, host: str | None) -> set[str]:
    names = {squash(n) for n in (site_name, host) if n}
    if host:
        names.add(squash(host.removeprefix("www.").split(".")[0]))
    return {n for n in names if len(n) >= 3}
