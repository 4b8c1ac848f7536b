"""Feed autodiscovery: the feeds an HTML page names in ``<link rel="alternate">``.

People paste a publisher's page, not its feed. The page was fetched by us (through the
guarded fetcher); nothing here touches the network. Every href goes through
:func:`safe_url` against the page's final URL, so a relative link resolves where the
browser would send it and a ``javascript:`` one is dropped. Whatever this returns is
still fetched through the guard, like any other feed.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.urls import safe_url

#: The media types of the formats :func:`tickerwire.news.parse.feed.parse_feed` reads.
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})


def discover_feeds(content: bytes, *, base_url: str) -> list[str]:
    """The feed URLs the page names, in document order, each once."""
    tree = LexborHTMLParser(content)
    base = _base_href(tree, base_url)
    found: list[str] = []
    for link in tree.css("link[rel][href]"):
        rel = (link.attributes.get("rel") or "").lower().split()
        kind = (link.attributes.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = safe_url((link.attributes.get("href") or "").strip(), base_url=base)
        if url is not None and url not in found:
            found.append(url)
    return found


def _base_href(tree: LexborHTMLParser, page_url: str) -> str:
    """The page's ``<base href>`` when it has a usable one, else its own URL."""
    node = tree.css_first("base[href]")
    declared = safe_url(node.attributes.get("href"), base_url=page_url) if node else None
    return declared or page_url
