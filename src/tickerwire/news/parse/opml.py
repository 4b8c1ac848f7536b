"""OPML subscription lists in and out.

Import reads a file a user uploaded, so it goes through defusedxml: any entity declaration
or external reference is refused with a message instead of being expanded. Outlines with
an ``xmlUrl`` are feeds; outlines around them are folders and give the feed its category.
Feed URLs pass :func:`safe_url`; an outline whose URL does not is left out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from tickerwire.news.urls import safe_url

# Characters XML 1.0 cannot carry at all; written raw they make the file unreadable.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_DEPTH = 50


class OpmlError(Exception):
    """The upload is not an OPML file we can read; the message says why, for a person."""


@dataclass(frozen=True)
class OpmlOutline:
    """One subscription: its title, feed URL, site URL and the folder path it sits in."""

    title: str
    xml_url: str
    html_url: str | None
    category: str | None


def _attributes(element: ET.Element) -> dict[str, str]:
    """Attribute names lower-cased: exporters write ``xmlUrl``, ``xmlurl`` and ``xmlURL``."""
    return {name.lower(): value.strip() for name, value in element.attrib.items()}


def _outlines(
    element: ET.Element, folders: tuple[str, ...], depth: int = 0
) -> Iterator[OpmlOutline]:
    if depth > _MAX_DEPTH:
        return
    for child in element:
        if not isinstance(child.tag, str) or child.tag.lower() != "outline":
            continue
        attrs = _attributes(child)
        title = attrs.get("title") or attrs.get("text") or ""
        if "xmlurl" in attrs:
            xml_url = safe_url(attrs["xmlurl"])
            if xml_url:
                yield OpmlOutline(
                    title=title or xml_url,
                    xml_url=xml_url,
                    html_url=safe_url(attrs.get("htmlurl")),
                    category=" / ".join(folders) or attrs.get("category") or None,
                )
        yield from _outlines(child, (*folders, title) if title else folders, depth + 1)


def parse_opml(content: bytes) -> list[OpmlOutline]:
    """The feeds listed in an OPML document, first occurrence of each feed URL only."""
    if not content.strip():
        raise OpmlError("empty document")
    try:
        root = defusedxml.ElementTree.fromstring(
            content, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise OpmlError("XML entity expansion refused: the OPML file declares entities") from None
    except ET.ParseError as error:
        line, _ = error.position
        raise OpmlError(f"malformed XML at line {line}: {error.msg}") from None
    except (LookupError, ValueError) as error:  # an encoding Python does not know or expat refuses
        raise OpmlError(f"unreadable OPML file: {error}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not an OPML file: the root element is <{root.tag}>")
    body = next((child for child in root if str(child.tag).lower() == "body"), None)
    if body is None:
        raise OpmlError("not an OPML file: there is no <body>")
    unique: dict[str, OpmlOutline] = {}
    for outline in _outlines(body, ()):
        unique.setdefault(outline.xml_url, outline)
    return list(unique.values())


def _xml_text(text: str) -> str:
    return _NOT_XML_CHAR.sub("", text)


def export_opml(feeds: Sequence[tuple[str, str, str | None]], title: str) -> bytes:
    """An OPML 2.0 document listing ``(title, xml_url, html_url)`` feeds, UTF-8 encoded."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    body = ET.SubElement(root, "body")
    for feed_title, xml_url, html_url in feeds:
        attrs = {"type": "rss", "text": _xml_text(feed_title), "title": _xml_text(feed_title)}
        attrs["xmlUrl"] = _xml_text(xml_url)
        if html_url:
            attrs["htmlUrl"] = _xml_text(html_url)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
