"""Article extraction accuracy and speed: Tickerwire's extractor beside bare trafilatura and
bare readability-lxml.

Runs the three, one after the other, on the real pages in ../shared/corpus/articles (see
its MANIFEST.md) and prints, per corpus:

- title exact match and byline match against the corpus's own expected metadata;
- on the Readability pages, headline exact and byline against hand labels as well
  (bench/labels/metadata.json): the headline a portal shows, without the site's name, and
  the byline the page prints, where Readability's expectation has the site's name, junk or
  nothing; a page without a label keeps Readability's expectation, and a page with no
  headline or byline is right when none is returned;
- body token F1 (bag of \\w+ tokens; on the trafilatura corpus the upstream with/without
  chunk F1 instead, as it has no full bodies), and the Scrapinghub 4-token shingle F1;
- pages per second: each extractor's fastest of ``--rounds`` passes (3), the three taking
  turns, so a busy moment of the machine slows all of them rather than one;

with ratio columns ours / trafilatura and ours / readability-lxml, and the load average
before and after each corpus, since a speed ratio is only as good as the machine was quiet.

The baselines, each with default settings:

- ``trafilatura.bare_extraction(with_metadata=True)`` (without it there is no title or
  author to score);
- readability-lxml's ``Document``: ``short_title()`` (the <title>, cut down to a heading or
  before a site-name separator when it finds one), ``author()`` (the meta author) and the
  text of ``summary()``; the library parses the page again for each call, and that is timed.

    .venv/bin/python bench/extraction_accuracy.py [--limit N] [--corpus NAME]...
        [--rounds N] [--json PATH] [--show-labels]

where NAME is readability, scrapinghub or trafilatura; ``--show-labels`` prints each hand
label resolved to its text instead of running the bench.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from readability import Document
from readability.readability import Unparseable
from rich.console import Console
from rich.table import Table
from selectolax.lexbor import LexborHTMLParser

import labels
from common import load_average, write_json
from tickerwire.news.extract.article import ExtractionError, extract_article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "articles"
READABILITY_URL = "http://fakehost/test/page.html"
TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class HandTruth:
    """The hand-labelled headline and byline; None and [] when the page has none."""

    headline: str | None
    authors: list[str]


@dataclass
class Case:
    """One page and whatever its corpus says the right answers are."""

    name: str
    html: bytes
    url: str | None
    title: str | None = None
    authors: list[str] | None = None
    body: str | None = None
    with_chunks: list[str] = field(default_factory=list)
    without_chunks: list[str] = field(default_factory=list)
    hand: HandTruth | None = None


@dataclass
class Output:
    title: str | None
    byline: str | None
    text: str


def _read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _expected_authors(value: str | list[str] | None) -> list[str] | None:
    if value is None:
        return None
    raw = "; ".join(value) if isinstance(value, list) else value
    return names_of(raw)


def readability_cases() -> Iterator[Case]:
    hand_labels = labels.load(labels.METADATA)
    for folder in sorted((CORPUS / "readability" / "test-pages").iterdir()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        expected = LexborHTMLParser((folder / "expected.html").read_text(encoding="utf-8"))
        html = (folder / "source.html").read_bytes()
        headline, byline = resolved_labels(html, meta, hand_labels.get(folder.name, {}))
        yield Case(
            name=folder.name,
            html=html,
            url=READABILITY_URL,
            title=meta.get("title"),
            authors=_expected_authors(meta.get("byline") or ""),
            body=expected.body.text(separator=" ") if expected.body else "",
            hand=HandTruth(headline, names_of(byline)),
        )


def resolved_labels(
    html: bytes, meta: dict[str, str | None], page_labels: dict[str, labels.Rule]
) -> tuple[str | None, str | None]:
    """The page's hand-labelled headline and byline: its label's text where it has one,
    Readability's expectation (an empty one read as none) where it has not."""
    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    truth = []
    for key, field_name in (("headline", "title"), ("byline", "byline")):
        expected = labels.normalise(meta.get(field_name)) or None
        rule = page_labels.get(key)
        truth.append(expected if rule is None else labels.resolve(rule, base=expected, tree=tree))
    return truth[0], truth[1]


def scrapinghub_cases() -> Iterator[Case]:
    root = CORPUS / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id, item in sorted(truth.items()):
        path = root / "html" / f"{page_id}.html.gz"
        if path.exists():
            yield Case(page_id, _read(path), item.get("url"), body=item["articleBody"])


def trafilatura_cases() -> Iterator[Case]:
    root = CORPUS / "trafilatura"
    evaldata = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    for url, item in sorted(evaldata.items()):
        path = root / item["path"]
        if not path.exists():
            continue
        yield Case(
            name=item["file"],
            html=_read(path),
            url=url,
            title=item.get("title"),
            authors=_expected_authors(item.get("author")),
            with_chunks=item.get("with") or [],
            without_chunks=item.get("without") or [],
        )


CORPORA: dict[str, Callable[[], Iterator[Case]]] = {
    "readability": readability_cases,
    "scrapinghub": scrapinghub_cases,
    "trafilatura": trafilatura_cases,
}


def ours(case: Case) -> Output:
    try:
        article = extract_article(case.html, url=case.url)
    except ExtractionError:
        return Output(None, None, "")
    return Output(article.title, article.byline, article.text)


def baseline(case: Case) -> Output:
    document = trafilatura.bare_extraction(case.html, url=case.url, with_metadata=True)
    if document is None:
        return Output(None, None, "")
    return Output(document.title, document.author, document.text or "")


def bare_readability(case: Case) -> Output:
    document = Document(case.html, url=case.url)
    try:
        title, author, summary = document.short_title(), document.author(), document.summary()
    except Unparseable:
        return Output(None, None, "")
    body = LexborHTMLParser(summary).body
    return Output(
        title or None,
        None if author == "[no-author]" else author,
        body.text(separator=" ") if body else "",
    )


EXTRACTORS: dict[str, Callable[[Case], Output]] = {
    "trafilatura": baseline,
    "readability-lxml": bare_readability,
    "ours": ours,
}
BASELINES = ("trafilatura", "readability-lxml")


def normalise(text: str | None) -> str:
    return " ".join((text or "").split())


def names_of(byline: str | None) -> list[str]:
    """Author names, compared without case, "By " and the separators between them."""
    text = re.sub(r"^\s*by\s+", "", normalise(byline), flags=re.IGNORECASE)
    parts = re.split(r"\s*(?:[,;|&]|\band\b)\s*", text.lower())
    return sorted(p.strip(" .") for p in parts if p.strip(" ."))


def token_f1(expected: str, got: str) -> float:
    truth, pred = Counter(TOKEN.findall(expected.lower())), Counter(TOKEN.findall(got.lower()))
    overlap = sum((truth & pred).values())
    if not truth and not pred:
        return 1.0
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(truth.values())
    return 2 * precision * recall / (precision + recall)


def shingle_counts(expected: str, got: str, n: int = 4) -> tuple[float, float, float]:
    """Scrapinghub's per-page shingle TP/FP/FN, normalised to sum to one."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        tokens = TOKEN.findall(text)
        return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))

    truth, pred = shingles(expected), shingles(got)
    tp = sum((truth & pred).values())
    fp = sum((pred - truth).values())
    fn = sum((truth - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def f1(tp: float, fp: float, fn: float) -> float:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def timed_pass(cases: list[Case], extract: Callable[[Case], Output]) -> tuple[list[Output], float]:
    """Every page through ``extract``, and the seconds that took."""
    started = time.perf_counter()
    outputs = [extract(case) for case in cases]
    return outputs, time.perf_counter() - started


def best_seconds(cases: list[Case], rounds: int) -> dict[str, float]:
    """Each extractor's fastest of ``rounds`` passes, the extractors taking turns within
    each round: what the machine does meanwhile then weighs on all three alike, and the
    fastest pass is the one it disturbed least."""
    seconds: dict[str, list[float]] = {label: [] for label in EXTRACTORS}
    for _ in range(rounds):
        for label, extract in EXTRACTORS.items():
            seconds[label].append(timed_pass(cases, extract)[1])
    return {label: min(values) for label, values in seconds.items()}


def score(
    cases: list[Case], extract: Callable[[Case], Output], *, shingles: bool, seconds: float
) -> dict[str, float | None]:
    outputs, _ = timed_pass(cases, extract)
    elapsed = seconds
    pairs = list(zip(cases, outputs, strict=True))
    titled = [(c, o) for c, o in pairs if c.title]
    bylined = [(c, o) for c, o in pairs if c.authors is not None]
    labelled = [(c.hand, o) for c, o in pairs if c.hand is not None]
    bodied = [(c, o) for c, o in pairs if c.body is not None]
    chunked = [(c, o) for c, o in pairs if c.with_chunks]
    result: dict[str, float | None] = {
        "title exact match": _rate(normalise(c.title) == normalise(o.title) for c, o in titled),
        "headline exact (hand-labelled)": _rate(
            normalise(h.headline) == normalise(o.title) for h, o in labelled
        ),
        "byline match": _rate(c.authors == names_of(o.byline) for c, o in bylined),
        "byline (hand-labelled)": _rate(h.authors == names_of(o.byline) for h, o in labelled),
        "body token F1": (
            sum(token_f1(c.body or "", o.text) for c, o in bodied) / len(bodied) if bodied else None
        ),
        "body chunk F1": _chunk_f1(chunked) if chunked else None,
        "shingle F1": None,
        "pages / s": len(cases) / elapsed if elapsed else None,
    }
    if shingles and bodied:
        sums = [
            sum(x)
            for x in zip(*(shingle_counts(c.body or "", o.text) for c, o in bodied), strict=True)
        ]
        result["shingle F1"] = f1(*sums)
    return result


def _rate(matches: Iterator[bool]) -> float | None:
    values = list(matches)
    return sum(values) / len(values) if values else None


def _chunk_f1(pairs: list[tuple[Case, Output]]) -> float:
    tp = fp = fn = 0
    for case, output in pairs:
        text = normalise(output.text)
        for chunk in case.with_chunks:
            found = normalise(chunk) in text
            tp, fn = tp + found, fn + (not found)
        fp += sum(normalise(chunk) in text for chunk in case.without_chunks)
    return f1(tp, fp, fn)


def show_labels(console: Console) -> None:
    """Each hand label beside Readability's expectation and the text it resolves to."""
    hand_labels = labels.load(labels.METADATA)
    for name, page_labels in sorted(hand_labels.items()):
        folder = CORPUS / "readability" / "test-pages" / name
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        headline, byline = resolved_labels((folder / "source.html").read_bytes(), meta, page_labels)
        resolved = {"headline": headline, "byline": byline}
        for key, field_name in (("headline", "title"), ("byline", "byline")):
            if key in page_labels:
                rule = page_labels[key]
                lines = (
                    f"{name} {key} {labels.describe(rule)}",
                    f"  why:         {rule['why']}",
                    f"  Readability: {labels.normalise(meta.get(field_name))!r}",
                    f"  labelled:    {resolved[key]!r}",
                )
                console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ratio(mine: float | None, theirs: float | None) -> str:
    return f"{mine / theirs:.2f}" if mine is not None and theirs else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages per corpus")
    parser.add_argument("--corpus", choices=sorted(CORPORA), action="append")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes per extractor")
    parser.add_argument("--show-labels", action="store_true", help="print the hand labels")
    args = parser.parse_args(argv)
    console = Console(width=132)
    if not CORPUS.is_dir():
        console.print(f"[yellow]skipped: no article corpus at {CORPUS}[/yellow]")
        return 0
    if args.show_labels:
        show_labels(console)
        return 0
    table = Table(title="Article extraction: ours vs bare trafilatura and bare readability-lxml")
    columns = ("corpus", "pages", "metric", *EXTRACTORS, "ours/traf.", "ours/rdb.")
    for column in columns:
        table.add_column(
            column, justify="left" if column in {"corpus", "metric"} else "right", no_wrap=True
        )
    report: dict[str, object] = {}
    for name in args.corpus or list(CORPORA):
        cases = list(CORPORA[name]())[: args.limit]
        before = load_average()
        for extract in EXTRACTORS.values():
            extract(cases[0]) if cases else None  # warm-up: lazy imports and caches
        seconds = best_seconds(cases, args.rounds)
        results = {
            label: score(cases, extract, shingles=name == "scrapinghub", seconds=seconds[label])
            for label, extract in EXTRACTORS.items()
        }
        after = load_average()
        console.print(f"{name}: load average {before} before, {after} after", highlight=False)
        metrics = {
            metric: {label: results[label][metric] for label in EXTRACTORS}
            for metric in results["ours"]
        }
        for metric, values in metrics.items():
            if all(value is None for value in values.values()):
                continue
            mine = values["ours"]
            table.add_row(
                name,
                str(len(cases)),
                metric,
                *(_value(values[label]) for label in EXTRACTORS),
                *(_ratio(mine, values[label]) for label in BASELINES),
            )
        table.add_section()
        report[name] = {"pages": len(cases), "load_average": [before, after], "metrics": metrics}
    console.print(table)
    if args.json:
        write_json(args.json, {"extractors": list(EXTRACTORS), "corpora": report})
    return 0


if __name__ == "__main__":
    sys.exit(main())
