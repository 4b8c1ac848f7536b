"""JSON-LD blocks of a page, flattened into the nodes that describe the article.

Publishers put their most reliable metadata (headline, authors, dates, image credits, video)
in schema.org JSON-LD, but in many shapes: one object, a list, an ``@graph``, ``@type`` as a
string or a list, authors as strings, objects or ``@id`` references. This module turns all of
them into plain dicts so metadata.py and figures.py read one shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "TechArticle",
        "ScholarlyArticle",
        "Report",
        "SatiricalArticle",
    }
)
_MAX_BLOCK_CHARS = 2_000_000
_MAX_DEPTH = 8
_WRAPPER = re.compile(r"^\s*(?:<!\[CDATA\[|<!--)|(?:\]\]>|-->)\s*;?\s*$")
"""Some CMSs wrap the block in ``<![CDATA[ ... ]]>`` or ``<!-- ... -->`` for old XHTML
parsers; the JSON inside is intact."""


@dataclass
class LinkedData:
    """The article node (if any), every video node, and all nodes by ``@id``."""

    article: dict[str, Any] | None = None
    videos: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    webpage: dict[str, Any] | None = None

    def resolve(self, value: Any) -> Any:
        """Follow an ``{"@id": ...}`` reference to its node, when the page defines it."""
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.by_id.get(str(value["@id"]), value)
        return value


def types_of(node: dict[str, Any]) -> set[str]:
    """The node's ``@type`` as a set of bare names (``schema:NewsArticle`` -> ``NewsArticle``)."""
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {str(name).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for name in names if name}


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD document in order: top level, in lists, in ``@graph`` and
    ``mainEntity``; no deeper than ``_MAX_DEPTH`` levels, so a hostile block costs little."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in reversed(item))
        elif isinstance(item, dict):
            yield item
            for key in ("mainEntity", "@graph"):
                if isinstance(item.get(key), dict | list):
                    stack.append((item[key], depth + 1))


def read_linked_data(tree: LexborHTMLParser) -> LinkedData:
    """Collect the JSON-LD nodes of the page; broken blocks are skipped, never fatal."""
    data = LinkedData()
    for script in tree.css('script[type="application/ld+json"]'):
        raw = script.text(deep=True)
        if not raw or len(raw) > _MAX_BLOCK_CHARS:
            continue
        try:
            parsed = json.loads(_WRAPPER.sub("", raw).strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        for node in _nodes(parsed):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                data.by_id.setdefault(node_id, node)
            kinds = types_of(node)
            if kinds & ARTICLE_TYPES and data.article is None:
                data.article = node
            elif "VideoObject" in kinds:
                data.videos.append(node)
            elif "WebPage" in kinds and data.webpage is None:
                data.webpage = node
    return data


def text_value(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, a list or a ``@value``."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, str | int | float) and str(value).strip():
        return " ".join(str(value).split())
    return None
