"""Article extraction accuracy and speed: Tickerwire's extractor beside bare trafilatura.

Runs both on the real pages in ../shared/corpus/articles (see its MANIFEST.md) and prints,
per corpus, title exact-match rate, byline match rate, body token F1 (bag of \\w+ tokens; on
the trafilatura corpus the upstream with/without chunk F1 instead, as it has no full bodies),
the Scrapinghub 4-token shingle F1, and pages per second, with a ratio column (ours / theirs).

The baseline is ``trafilatura.bare_extraction`` with default settings plus
``with_metadata=True`` (without it there is no title or author to score).

    .venv/bin/python bench/extraction_accuracy.py [--limit N] [--corpus NAME]...

where NAME is readability, scrapinghub or trafilatura.
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
from rich.console import Console
from rich.table import Table
from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.article import ExtractionError, extract_article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "articles"
READABILITY_URL = "http://fakehost/test/page.html"
TOKEN = re.compile(r"\w+")


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
    for folder in sorted((CORPUS / "readability" / "test-pages").iterdir()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        expected = LexborHTMLParser((folder / "expected.html").read_text(encoding="utf-8"))
        yield Case(
            name=folder.name,
            html=(folder / "source.html").read_bytes(),
            url=READABILITY_URL,
            title=meta.get("title"),
            authors=_expected_authors(meta.get("byline") or ""),
            body=expected.body.text(separator=" ") if expected.body else "",
        )


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


EXTRACTORS: dict[str, Callable[[Case], Output]] = {"trafilatura": baseline, "ours": ours}


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


def score(
    cases: list[Case], extract: Callable[[Case], Output], *, shingles: bool
) -> dict[str, float | None]:
    if cases:
        extract(cases[0])  # warm-up: lazy imports and caches are not what we time
    outputs: list[Output] = []
    started = time.perf_counter()
    for case in cases:
        outputs.append(extract(case))
    elapsed = time.perf_counter() - started
    titled = [(c, o) for c, o in zip(cases, outputs, strict=True) if c.title]
    bylined = [(c, o) for c, o in zip(cases, outputs, strict=True) if c.authors is not None]
    bodied = [(c, o) for c, o in zip(cases, outputs, strict=True) if c.body is not None]
    chunked = [(c, o) for c, o in zip(cases, outputs, strict=True) if c.with_chunks]
    result: dict[str, float | None] = {
        "title exact match": _rate(normalise(c.title) == normalise(o.title) for c, o in titled),
        "byline match": _rate(c.authors == names_of(o.byline) for c, o in bylined),
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages per corpus")
    parser.add_argument("--corpus", choices=sorted(CORPORA), action="append")
    args = parser.parse_args(argv)
    console = Console()
    if not CORPUS.is_dir():
        console.print(f"[yellow]skipped: no article corpus at {CORPUS}[/yellow]")
        return 0
    table = Table(title="Article extraction: ours vs bare trafilatura")
    for column in ("corpus", "pages", "metric", "trafilatura", "ours", "ours / trafilatura"):
        table.add_column(
            column, justify="left" if column in {"corpus", "metric"} else "right", no_wrap=True
        )
    for name in args.corpus or list(CORPORA):
        cases = list(CORPORA[name]())[: args.limit]
        results = {
            label: score(cases, extract, shingles=name == "scrapinghub")
            for label, extract in EXTRACTORS.items()
        }
        for metric, theirs in results["trafilatura"].items():
            mine = results["ours"][metric]
            if theirs is None or mine is None:
                continue
            ratio = f"{mine / theirs:.3f}" if theirs else "-"
            table.add_row(name, str(len(cases)), metric, f"{theirs:.3f}", f"{mine:.3f}", ratio)
        table.add_section()
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
