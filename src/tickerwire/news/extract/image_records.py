"""Captions and credits that a page keeps only in its script data.

Some pages print no caption element at all: the Guardian's photo essays keep each photo's
caption and credit in the JSON their lightbox script reads (``{"caption": ..., "credit":
..., "src": ...}`` records), while the markup has only the image, the caption again in its
``alt`` without the credit, and a list of bare captions after it. Such a record is the
page's own statement of what is printed under the picture, so a figure found without a
caption takes the caption and credit of the record of the same image.

Only inline scripts are read, as data: each candidate object is parsed with the JSON
decoder from where it starts, and what is not JSON (most of a script) is skipped.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.figures import same_image, without_label
from tickerwire.news.model import Figure

_RECORD_START = re.compile(r'\{\s*"(?:caption|credit|src|url)"\s*:')
MAX_RECORDS = 500
"""Records read per page at most: a photo essay has tens; a page with thousands is a
catalogue whose records would cost more to match than they could give."""
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class ImageRecord:
    """One image as the page's script data describes it."""

    src: str
    caption: str | None
    credit: str | None


def _plain(markup: object) -> str | None:
    """A record's value as text: records hold HTML (``<br>``, ``<em>``) that is not ours to
    keep, and the figure's caption is text, escaped when it is shown."""
    if not isinstance(markup, str) or not markup.strip():
        return None
    text = LexborHTMLParser(f"<p>{markup}</p>").text(separator=" ")
    return " ".join(text.split()) or None


def _records_in(script: str) -> Iterator[ImageRecord]:
    for start in _RECORD_START.finditer(script):
        try:
            value, _end = _DECODER.raw_decode(script, start.start())
        except ValueError:
            continue
        if not isinstance(value, dict):
            continue
        src = value.get("src") or value.get("url")
        caption = _plain(value.get("caption"))
        if not isinstance(src, str) or caption is None:
            continue
        shown = value.get("displayCredit", True) is not False
        credit = without_label(_plain(value.get("credit"))) if shown else None
        yield ImageRecord(src, caption, credit)


def read_image_records(tree: LexborHTMLParser) -> list[ImageRecord]:
    """The image records of the page's inline scripts, in page order (JSON-LD aside: its
    images are read as linked data)."""
    records: list[ImageRecord] = []
    for script in tree.css("script:not([src])"):
        kind = (script.attributes.get("type") or "").strip().lower()
        if kind in {"application/ld+json"} or "template" in kind:
            continue
        for record in _records_in(script.text(deep=True) or ""):
            records.append(record)
            if len(records) >= MAX_RECORDS:
                return records
    return records


class RecordedCaptions:
    """The page's image records, read from its scripts the first time a figure without a
    caption needs them (most pages never do)."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self._tree = tree

    @functools.cached_property
    def records(self) -> list[ImageRecord]:
        return read_image_records(self._tree)

    def fill(self, figures: list[Figure]) -> list[Figure]:
        """``figures``, those without a caption given the caption and credit of the record
        of the same picture."""
        return [figure if figure.caption else self._captioned(figure) for figure in figures]

    def _captioned(self, figure: Figure) -> Figure:
        urls = (figure.url, *(source.url for source in figure.sources))
        record = next(
            (r for r in self.records if any(same_image(r.src, url) for url in urls)), None
        )
        if record is None:
            return figure
        return dataclasses.replace(
            figure, caption=record.caption, credit=figure.credit or record.credit
        )
