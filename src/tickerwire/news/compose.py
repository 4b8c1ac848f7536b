"""An article's body with its figures in place, composed before the last sanitizer pass.

The extractor returns the body as text-only HTML and the figures apart (their exact places
are lost with the page's layout), and the page used to spread the figures between the
body's blocks at render time, by re-parsing the stored, sanitized HTML and pasting its
pieces back: a leading text node went back unescaped, and ``&lt;meta http-equiv=refresh&gt;``
in a feed became a real element. Composition therefore happens here, on the way in, and
:func:`article_body` runs the sanitizer over the result, so what is stored is exactly what
is shown and nothing after the sanitizer ever makes markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.model import Figure
from tickerwire.news.sanitize import ImageLinks, sanitize_html
from tickerwire.news.srcset import ARTICLE_SIZES, Candidate, write_srcset
from tickerwire.news.trackers import is_tracker_image

MATCH_CHARS = 48
"""The end of the preceding text that must be found in a body block."""
MIN_MATCH_CHARS = 16


def figure_html(figure: Figure) -> str:
    """``<figure>``, its image (with the widths the page offered, for the sanitizer to point
    each at the portal) and a caption with the credit apart; every value escaped."""
    alt = figure.alt or figure.caption or ""
    caption = escape(figure.caption or "", quote=False)
    if figure.credit:
        caption = f'{caption} <span class="credit">{escape(figure.credit, quote=False)}</span>'
    caption_html = f"<figcaption>{caption.strip()}</figcaption>" if caption.strip() else ""
    srcset = write_srcset(Candidate(s.url, f"{s.width}w") for s in figure.sources)
    widths = f' srcset="{escape(srcset)}" sizes="{ARTICLE_SIZES}"' if srcset else ""
    image = f'<img src="{escape(figure.url)}"{widths} alt="{escape(alt)}">'
    return f'<figure class="inline-figure">{image}{caption_html}</figure>'


def blocks_of(body_html: str) -> list[str]:
    """The body's top-level nodes, each serialized on its own (text escaped by lexbor)."""
    body = LexborHTMLParser(body_html).body
    blocks = []
    child = body.child if body is not None else None
    while child is not None:
        blocks.append(child.html or "")
        child = child.next
    return [block for block in blocks if block.strip()]


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def block_texts(blocks: Sequence[str]) -> list[str]:
    return [_squash(LexborHTMLParser(block).text(separator=" ") or "") for block in blocks]


def place_of(figure: Figure, texts: Sequence[str]) -> int | None:
    """After which block ``figure`` stood: the block that holds the text it followed in
    the page (the body keeps the page's paragraphs, if not always their first words)."""
    anchor = _squash(figure.follows or "")[-MATCH_CHARS:]
    if len(anchor) >= MIN_MATCH_CHARS:
        found = next((i + 1 for i, text in enumerate(texts) if anchor in text), None)
        if found is not None:
            return found
    # The paragraph it followed was dropped (a summary the extractor took for a standfirst):
    # before the paragraph it preceded, then, which puts a photo above the first kept
    # paragraph at the top rather than mid-article.
    ahead = _squash(figure.precedes or "")[:MATCH_CHARS]
    if len(ahead) < MIN_MATCH_CHARS:
        return None
    return next((i for i, text in enumerate(texts) if ahead in text), None)


def with_figures(body_html: str, figures: Sequence[Figure]) -> str:
    """Put ``figures`` back between the body's top-level blocks (unsanitized): each after
    the paragraph it followed in the page (or before the one it preceded, when the body lost
    the first), and those placed by neither spread evenly over the rest, which reads far
    better than a gallery at the end. A block that only repeats a figure's caption goes."""
    figures = [f for f in figures if not is_tracker_image(f.url)]
    if not figures:
        return body_html
    blocks = blocks_of(body_html)
    texts = block_texts(blocks)
    placed = [(place_of(figure, texts), figure) for figure in figures]
    unplaced = [figure for place, figure in placed if place is None]
    even = iter(round((i + 1) * len(blocks) / (len(unplaced) + 1)) for i in range(len(unplaced)))
    after: dict[int, list[Figure]] = {}
    for place, figure in placed:
        after.setdefault(place if place is not None else next(even), []).append(figure)
    repeated = _caption_texts(figures)
    parts: list[str] = [figure_html(f) for f in after.get(0, [])]
    for index, (block, text) in enumerate(zip(blocks, texts, strict=True), start=1):
        if text not in repeated:
            parts.append(block)
        parts += [figure_html(f) for f in after.get(index, [])]
    return "".join(parts)


def _caption_texts(figures: Sequence[Figure]) -> frozenset[str]:
    """The captions of ``figures`` as body blocks would read them: a block that says only
    that is the page's own caption printed as text (the Guardian lists each photo's caption
    after it), which the figure now shows under the photo."""
    squashed = (_squash(f.caption or "") for f in figures)
    return frozenset(text for text in squashed if len(text) >= MIN_MATCH_CHARS)


def article_body(
    body_html: str,
    figures: Sequence[Figure],
    *,
    base_url: str | None,
    images: ImageLinks | None = None,
) -> str:
    """The body to store and show: figures composed in, then the one sanitizer, last, which
    also points every image at the portal's own copy when ``images`` is given."""
    return sanitize_html(with_figures(body_html, figures), base_url=base_url, images=images)
