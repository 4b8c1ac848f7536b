"""Figures recovered from real pages: Tickerwire's extractor beside bare trafilatura and
bare readability-lxml.

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
- credit right: of those found, the ones whose credit is the hand-labelled credit
  (bench/labels/credits.json: which part of each figcaption is the photo credit, if any;
  letters and digits compared, a label such as "Credit" or "Photo:" ignored) and whose
  caption is the figcaption without it; a figure with no credit is right when none is
  returned and the caption is the whole figcaption;
- in place (ours only): of the figures in the body, how many go back after the paragraph
  they followed in the page, rather than being spread evenly (news/compose.py), over all
  the Readability pages (the first N with --limit).

Each column is a share of all the expected figures, with the count beside it. The
baselines are ``trafilatura.bare_extraction(include_images=True)`` and readability-lxml's
``Document.summary()``, which return the images they keep in the body but no captions, so
their caption and credit columns are zero by design (bar a figcaption that is only an empty
credit label): they show what a reader would lose without our figure recovery. Speed is
pages per second, with ours as a multiple of each baseline's and the load average before
and after.

    .venv/bin/python bench/figures_accuracy.py [--limit N] [--json PATH] [--show-labels]

``--show-labels`` prints each credit label resolved to its text instead of running.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import trafilatura
from readability import Document
from readability.readability import Unparseable
from rich.console import Console
from rich.table import Table
from selectolax.lexbor import LexborHTMLParser

import labels
from common import load_average, write_json
from tickerwire.news.compose import block_texts, blocks_of, place_of
from tickerwire.news.extract.article import ExtractionError, extract_article

PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "articles" / "readability"
URL = "http://fakehost/test/page.html"
_SIZE_SUFFIX = re.compile(
    r"[-_](?:\d+x\d+|videoLarge|articleLarge|superJumbo|jumbo|large|medium|small)$", re.I
)
_CREDIT_LABEL = re.compile(
    r"^(?:\W*\b(?:credits?|photo(?:graph)?s?|pictures?|images?|bild|foto|source|courtesy"
    r"(?:\s+of)?|by|via)\b)+\W*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ExpectedFigure:
    """An expected figure: its whole figcaption, and that figcaption split by hand into the
    photo credit (None when it has none) and the caption without it."""

    image: str
    caption: str
    credit: str | None
    caption_only: str


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


def expected_figures(folder: Path, credit_labels: dict[str, Any]) -> list[ExpectedFigure]:
    """The page's captioned figures, each with its figcaption split by the page's credit
    label (one rule for all its figures, or a list of one rule per figure)."""
    tree = LexborHTMLParser((folder / "expected.html").read_text(encoding="utf-8"))
    captioned = []
    for figure in tree.css("figure"):
        image, caption = figure.css_first("img"), figure.css_first("figcaption")
        if image is None or caption is None or not image.attributes.get("src"):
            continue
        if text := labels.normalise(caption.text(separator=" ")):
            captioned.append((image_key(image.attributes["src"] or ""), text, caption))
    found = []
    for index, (image, text, caption) in enumerate(captioned):
        try:
            rule = credit_rule(credit_labels.get(folder.name), index, len(captioned))
            credit = labels.resolve(rule, base=text, tree=caption)
            found.append(ExpectedFigure(image, text, credit, without(text, credit)))
        except labels.LabelError as error:
            raise labels.LabelError(f"{folder.name} figure {index}: {error}") from error
    return found


def credit_rule(
    entry: labels.Rule | list[labels.Rule] | None, index: int, count: int
) -> labels.Rule:
    if entry is None:
        raise labels.LabelError(f"no credit label for its {count} captioned figures")
    if isinstance(entry, list):
        if len(entry) != count:
            raise labels.LabelError(f"{len(entry)} credit labels for {count} captioned figures")
        return entry[index]
    return entry


def without(figcaption: str, credit: str | None) -> str:
    """The figcaption with its credit taken out: the caption a split should return."""
    if credit is None:
        return figcaption
    head, found, tail = figcaption.rpartition(credit)
    if not found:
        raise labels.LabelError(f"the credit {credit!r} is not in {figcaption!r}")
    return labels.normalise(f"{head} {tail}")


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


def bare_readability(html: bytes) -> list[FoundFigure]:
    try:
        summary = Document(html, url=URL).summary()
    except Unparseable:
        return []
    sources = (image.attributes.get("src") for image in LexborHTMLParser(summary).css("img"))
    return [FoundFigure(image_key(src), None, None) for src in sources if src]


EXTRACTORS = {"trafilatura": bare_trafilatura, "readability-lxml": bare_readability, "ours": ours}


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


def credit_key(credit: str | None) -> str:
    """A credit as compared: its letters and digits, a leading label ("Credit", "Photo by",
    "Foto:") left out, so a split may keep the label or drop it."""
    return squash(_CREDIT_LABEL.sub("", credit or ""))


def credit_right(found: FoundFigure, expected: ExpectedFigure) -> bool:
    return credit_key(found.credit) == credit_key(expected.credit) and squash(
        found.caption
    ) == squash(expected.caption_only)


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    caption_right: int = 0
    credit_split: int = 0
    credit_right: int = 0
    seconds: float = 0.0

    def add(self, expected: list[ExpectedFigure], got: list[FoundFigure]) -> None:
        by_image = {f.image: f for f in got}
        for figure in expected:
            self.expected += 1
            mine = by_image.get(figure.image)
            if mine is None:
                continue
            self.found += 1
            self.credit_right += credit_right(mine, figure)
            if reads_as(mine, figure.caption):
                self.caption_right += 1
                self.credit_split += mine.credit is not None


def share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "—"


def counted(part: int, whole: int) -> str:
    return f"{share(part, whole)} ({part})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages with captioned figures")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--show-labels", action="store_true", help="print the credit labels")
    args = parser.parse_args(argv)
    console = Console(width=132)
    if not PAGES.is_dir():
        console.print(f"[yellow]skipped: no Readability pages at {PAGES}[/yellow]")
        return 0
    credit_labels = labels.load(labels.CREDITS)
    cases = [
        (folder.name, (folder / "source.html").read_bytes(), expected)
        for folder in sorted((PAGES / "test-pages").iterdir())
        if (expected := expected_figures(folder, credit_labels))
    ]
    if stale := sorted(set(credit_labels) - {name for name, _, _ in cases}):
        raise labels.LabelError(f"credit labels for pages with no captioned figure: {stale}")
    cases = cases[: args.limit]
    if args.show_labels:
        show_labels(console, cases, credit_labels)
        return 0
    scores = {label: Score() for label in EXTRACTORS}
    for extractor in EXTRACTORS.values():
        extractor(cases[0][1])  # warm-up: lazy imports and caches are not what we time
    before = load_average()
    for _name, html, expected in cases:
        for label, extractor in EXTRACTORS.items():
            started = time.perf_counter()
            got = extractor(html)
            scores[label].seconds += time.perf_counter() - started
            scores[label].add(expected, got)
    after = load_average()
    console.print(f"load average {before} before, {after} after", highlight=False)
    total = scores["ours"].expected
    table = Table(
        title=f"Figures on {len(cases)} Readability pages with captioned figures ({total} figures)"
    )
    columns = (
        "extractor",
        "figures found",
        "caption right",
        "credit set apart",
        "credit right",
        "pages/s",
        "ours/this",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "extractor" else "right")
    speed = {label: len(cases) / score.seconds for label, score in scores.items() if score.seconds}
    for label, score in scores.items():
        table.add_row(
            label,
            counted(score.found, score.expected),
            counted(score.caption_right, score.expected),
            counted(score.credit_split, score.expected),
            counted(score.credit_right, score.expected),
            f"{speed[label]:.1f}" if label in speed else "—",
            f"{speed['ours'] / speed[label]:.2f}" if "ours" in speed and label in speed else "—",
        )
    console.print(table)
    placed, body_figures = in_place(args.limit)
    rate = share(placed, body_figures)
    print(f"figures put back at their paragraph: {placed} of {body_figures} ({rate})")
    if args.json:
        write_json(
            args.json,
            {
                "pages": len(cases),
                "figures": total,
                "load_average": [before, after],
                "extractors": {
                    label: {
                        "found": score.found,
                        "caption_right": score.caption_right,
                        "credit_split": score.credit_split,
                        "credit_right": score.credit_right,
                        "pages_per_second": speed.get(label),
                    }
                    for label, score in scores.items()
                },
                "in_place": {"placed": placed, "figures": body_figures},
            },
        )
    return 0


def show_labels(
    console: Console,
    cases: list[tuple[str, bytes, list[ExpectedFigure]]],
    credit_labels: dict[str, Any],
) -> None:
    """Each figure's credit label beside its figcaption and the split it resolves to."""
    for name, _html, expected in cases:
        for index, figure in enumerate(expected):
            rule = credit_rule(credit_labels[name], index, len(expected))
            lines = (
                f"{name} figure {index} {labels.describe(rule)}",
                f"  why:        {rule['why']}",
                f"  figcaption: {figure.caption!r}",
                f"  credit:     {figure.credit!r}",
                f"  caption:    {figure.caption_only!r}",
            )
            console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def in_place(limit: int | None) -> tuple[int, int]:
    placed = total = 0
    for folder in sorted((PAGES / "test-pages").iterdir())[:limit]:
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
