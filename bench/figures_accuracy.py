"""Figures recovered from real pages: Tickerwire's extractor beside bare trafilatura.

The ground truth is the Readability.js test pages in ../shared/corpus/articles/readability
whose expected output holds a ``<figure>`` with an ``<img>`` and a ``<figcaption>``: the
expected HTML says which images are the article's figures and what is printed under each.

Per extractor it prints:

- figures found: expected figures whose image (matched by the file name of its URL, query
  and size suffixes ignored) the extractor returns (ours: the lead image and the figures);
- caption right: of those, the ones whose caption and credit together read as the expected
  figcaption (letters and digits compared, so spacing and punctuation do not count; the
  credit's label, "Credit" or "Photo by", may be left out);
- credit split: of those with a caption right, how many came with the credit set apart;
- in place (ours only): of the figures in the body, how many go back after the paragraph
  they followed in the page, rather than being spread evenly (news/compose.py), over all
  the Readability pages.

The baseline is ``trafilatura.bare_extraction(include_images=True)``, which returns the
images it keeps in the body but no captions, so its caption columns are zero by design:
they show what a reader would lose without our figure recovery. Credit right against a
hand-made split is scored by the tests (tests/news/extract/test_figures.py), not here.

    .venv/bin/python bench/figures_accuracy.py
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import trafilatura
from rich.console import Console
from rich.table import Table
from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.compose import block_texts, blocks_of, place_of
from tickerwire.news.extract.article import ExtractionError, extract_article

PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "articles" / "readability"
URL = "http://fakehost/test/page.html"
_SIZE_SUFFIX = re.compile(r"[-_](?:\d+x\d+|videoLarge|superJumbo|jumbo|large|medium|small)$", re.I)


@dataclass(frozen=True)
class ExpectedFigure:
    image: str
    caption: str


@dataclass(frozen=True)
class FoundFigure:
    image: str
    caption: str | None
    credit: str | None


def image_key(url: str) -> str:
    """The file name of an image URL without extension or size suffix: the same picture in
    another rendition has the same key."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).lower()
    stem = name.rsplit(".", 1)[0]
    return _SIZE_SUFFIX.sub("", stem)


def squash(text: str | None) -> str:
    return re.sub(r"\W+", "", (text or "").lower())


def expected_figures(folder: Path) -> list[ExpectedFigure]:
    tree = LexborHTMLParser((folder / "expected.html").read_text(encoding="utf-8"))
    found = []
    for figure in tree.css("figure"):
        image, caption = figure.css_first("img"), figure.css_first("figcaption")
        if image is None or caption is None or not image.attributes.get("src"):
            continue
        text = " ".join(caption.text(separator=" ").split())
        if text:
            found.append(ExpectedFigure(image_key(image.attributes["src"] or ""), text))
    return found


def ours(html: bytes) -> list[FoundFigure]:
    try:
        article = extract_article(html, url=URL)
    except ExtractionError:
        return []
    figures = ([article.lead_image] if article.lead_image else []) + article.figures
    return [FoundFigure(image_key(f.url), f.caption, f.credit) for f in figures]


def bare_trafilatura(html: bytes) -> list[FoundFigure]:
    document = trafilatura.bare_extraction(html, url=URL, include_images=True)
    body = (document.text or "") if document is not None else ""
    # bare_extraction keeps images in its text as markdown-style ![alt](src) references.
    return [
        FoundFigure(image_key(src), None, None)
        for src in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", body)
    ]


LABEL_CHARS = 24
"""Room for the credit label a split leaves out ("Credit", "Photo by", "Photograph:")."""


def reads_as(found: FoundFigure, printed: str) -> bool:
    """Whether caption and credit read as the printed figcaption: the caption opens it,
    the credit closes it, and at most a credit label ("Credit", "Photo by") is left out."""
    whole, caption, credit = squash(printed), squash(found.caption), squash(found.credit)
    if not whole or not whole.startswith(caption) or not whole.endswith(credit):
        return False
    between = len(whole) - len(caption) - len(credit)
    return 0 <= between <= (LABEL_CHARS if credit else 0)


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    caption_right: int = 0
    credit_split: int = 0
    seconds: float = 0.0

    def add(self, expected: list[ExpectedFigure], got: list[FoundFigure]) -> None:
        by_image = {f.image: f for f in got}
        for figure in expected:
            self.expected += 1
            mine = by_image.get(figure.image)
            if mine is None:
                continue
            self.found += 1
            if reads_as(mine, figure.caption):
                self.caption_right += 1
                self.credit_split += mine.credit is not None


def share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "—"


def main() -> int:
    if not PAGES.is_dir():
        print(
            f"the shared corpus is not at {PAGES}: clone ../shared beside the repo", file=sys.stderr
        )
        return 1
    cases = [
        (folder.name, (folder / "source.html").read_bytes(), expected)
        for folder in sorted((PAGES / "test-pages").iterdir())
        if (expected := expected_figures(folder))
    ]
    scores = {"trafilatura": Score(), "ours": Score()}
    for _name, html, expected in cases:
        for label, extractor in (("trafilatura", bare_trafilatura), ("ours", ours)):
            started = time.perf_counter()
            got = extractor(html)
            scores[label].seconds += time.perf_counter() - started
            scores[label].add(expected, got)
    total = scores["ours"].expected
    table = Table(
        title=f"Figures on {len(cases)} Readability pages with captioned figures ({total} figures)"
    )
    for column in ("extractor", "figures found", "caption right", "credit set apart", "pages/s"):
        table.add_column(column, justify="left" if column == "extractor" else "right")
    for label, score in scores.items():
        table.add_row(
            label,
            share(score.found, score.expected),
            share(score.caption_right, score.expected),
            share(score.credit_split, score.expected),
            f"{len(cases) / score.seconds:.1f}" if score.seconds else "—",
        )
    Console().print(table)
    placed, body_figures = in_place()
    rate = share(placed, body_figures)
    print(f"figures put back at their paragraph: {placed} of {body_figures} ({rate})")
    return 0


def in_place() -> tuple[int, int]:
    placed = total = 0
    for folder in sorted((PAGES / "test-pages").iterdir()):
        try:
            article = extract_article((folder / "source.html").read_bytes(), url=URL)
        except ExtractionError:
            continue
        texts = block_texts(blocks_of(article.body_html))
        total += len(article.figures)
        placed += sum(place_of(figure, texts) is not None for figure in article.figures)
    return placed, total


if __name__ == "__main__":
    sys.exit(main())
