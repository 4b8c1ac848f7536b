"""What a page says about itself in plain sight: meta tags, the text of an element, and
whether a piece of text is just the site's own name (which is never a headline or an author).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

MetaTags = dict[str, list[str]]


def read_meta_tags(tree: LexborHTMLParser) -> MetaTags:
    """All ``<meta>`` values by lower-cased ``property``/``name``/``itemprop``, in page order.

    ``property`` is RDFa, where one tag may carry several space-separated terms
    (``property="dc:title og:title"``): the value is filed under each of them."""
    tags: MetaTags = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        content = (attrs.get("content") or "").strip()
        if not content:
            continue
        keys = (attrs.get("property") or "").lower().split()
        keys += [n.strip().lower() for n in (attrs.get("name"), attrs.get("itemprop")) if n]
        for key in dict.fromkeys(k for k in keys if k):
            tags.setdefault(key, []).append(content)
    return tags


def first_meta(tags: MetaTags, *names: str) -> str | None:
    for name in names:
        for value in tags.get(name, ()):
            if value.strip():
                return " ".join(value.split())
    return None


INVISIBLE = str.maketrans("", "", "\u00ad\u200b\u200c\u200d\u2060\ufeff")
"""Soft hyphens and zero-width characters: layout hints inside words, not text (a
``str.translate`` table)."""


def clean_text(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    text = " ".join((node.text(deep=True, separator=" ") or "").translate(INVISIBLE).split())
    return text or None


def squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower().replace("…", "..."))


def names_site(part: str, names: set[str]) -> bool:
    squashed = squash(part)
    return bool(squashed) and any(
        squashed == n or (n in squashed and len(squashed) <= len(n) + 8) for n in names
    )


def site_names(site_name: str | None, host: str | None) -> set[str]:
    """The site's name and its host, squashed, with the host's first label and the label
    before its public suffix ("oe24" of auto.oe24.at, "bbc" of www.bbc.co.uk)."""
    names = {squash(n) for n in (site_name, host) if n}
    if host:
        labels = host.removeprefix("www.").split(".")
        suffix = 2 if len(labels) > 2 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 1
        names.add(squash(labels[0]))
        if len(labels) > suffix:
            names.add(squash(labels[-suffix - 1]))
    return {n for n in names if len(n) >= 3}
