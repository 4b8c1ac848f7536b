"""Tagging accuracy and speed: Tickerwire's tagger beside a naive substring matcher.

Two sets, both scored as micro-averaged precision, recall and F1 over (text, tag) pairs:

- the hand-written sentences in tests/news/tag/fixtures/labelled.jsonl (instruments and
  entities), each made to test one rule;
- real articles: the bodies of the 39 news articles of ../shared/corpus named in
  bench/labels/tagging_corpus.json, labelled by hand per kind (country, company, person,
  instrument) under the rules written in that file. Skipped, saying so, without the corpus.

Then times both taggers: sentences per second, µs per ~1,000-word article stitched from the
sentences, and µs per real article (mean over the corpus set), with the ratio ours / baseline
and the load average beside them.

The baseline uses the same gazetteer (reference packages, shipped tables, default registry)
but no word boundaries, no case rules, no context rules and no longest-match: every folded
name found anywhere in the folded text is a tag. It shows what the rules buy, and what they
cost.

    .venv/bin/python bench/tagging_accuracy.py [--show-errors] [--seconds 2] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from common import load_average, write_json
from tickerwire.instruments import Registry
from tickerwire.news.tag.gazetteer import Target, build_gazetteer, fold, normalize
from tickerwire.news.tag.reference import default_table
from tickerwire.news.tag.tagger import Tagger

REPO = Path(__file__).resolve().parents[1]
LABELLED = REPO / "tests/news/tag/fixtures/labelled.jsonl"
CORPUS_LABELS = REPO / "bench/labels/tagging_corpus.json"
CORPUS = REPO.parent / "shared" / "corpus" / "articles" / "article-extraction-benchmark"
KINDS = ("country", "company", "person", "instrument")

Labels = tuple[frozenset[str], frozenset[tuple[str, str]]]


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, expected: frozenset[object], got: frozenset[object]) -> None:
        self.true_positive += len(expected & got)
        self.false_positive += len(got - expected)
        self.false_negative += len(expected - got)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_labelled() -> list[tuple[str, Labels]]:
    cases = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        entities = frozenset((e["name"], e["kind"]) for e in row["entities"])
        cases.append((row["text"], (frozenset(row["instruments"]), entities)))
    return cases


def ours(registry: Registry) -> Callable[[str], Labels]:
    tagger = Tagger(registry)

    def run(text: str) -> Labels:
        tags = tagger.tag(text)
        return (
            frozenset(t.symbol for t in tags.instruments),
            frozenset((t.name, t.kind) for t in tags.entities),
        )

    return run


def naive(registry: Registry) -> Callable[[str], Labels]:
    names: dict[str, list[Target]] = {}
    for key, alias in build_gazetteer(registry, default_table()).names():
        names.setdefault(key, []).append(alias.target)

    def run(text: str) -> Labels:
        low = fold(normalize(text))
        symbols: set[str] = set()
        entities: set[tuple[str, str]] = set()
        for key, targets in names.items():
            if key in low:
                for target in targets:
                    symbols.update(target.symbols)
                    if target.entity is not None:
                        entities.add((target.entity.name, target.entity.kind))
        return frozenset(symbols), frozenset(entities)

    return run


def score(run: Callable[[str], Labels], cases: list[tuple[str, Labels]]) -> tuple[Score, Score]:
    instruments, entities = Score(), Score()
    for text, (want_symbols, want_entities) in cases:
        got_symbols, got_entities = run(text)
        instruments.add(want_symbols, got_symbols)
        entities.add(want_entities, got_entities)
    return instruments, entities


def rate(run: Callable[[str], Labels], texts: list[str], seconds: float) -> float:
    """Texts per second, over repeated passes lasting at least ``seconds``."""
    done, began = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - began) < seconds:
        for text in texts:
            run(text)
        done += len(texts)
    return done / elapsed


def read_corpus() -> list[tuple[str, dict[str, frozenset[str]]]] | None:
    """(body, expected tags per kind) for each labelled real article, or None without the
    corpus."""
    truth_path = CORPUS / "ground-truth.json"
    if not truth_path.exists():
        return None
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    labels = json.loads(CORPUS_LABELS.read_text(encoding="utf-8"))
    fields = {"country": "countries", "company": "companies", "person": "people"}
    fields["instrument"] = "instruments"
    return [
        (
            truth[article["id"]]["articleBody"],
            {kind: frozenset(article[fields[kind]]) for kind in KINDS},
        )
        for article in labels["articles"]
    ]


def by_kind(labels: Labels) -> dict[str, frozenset[str]]:
    symbols, entities = labels
    kinds: dict[str, frozenset[str]] = {"instrument": symbols}
    for kind in ("country", "company", "person"):
        kinds[kind] = frozenset(name for name, of in entities if of == kind)
    return kinds


def score_corpus(
    run: Callable[[str], Labels], articles: list[tuple[str, dict[str, frozenset[str]]]]
) -> dict[str, Score]:
    scores = {kind: Score() for kind in KINDS}
    for text, expected in articles:
        got = by_kind(run(text))
        for kind in KINDS:
            scores[kind].add(expected[kind], got[kind])
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    results: dict[str, object] = {"load_average_before": load_average()}

    registry = Registry.build()
    cases = read_labelled()
    runners = {"tickerwire": ours(registry), "naive substring": naive(registry)}
    console = Console()

    table = Table(title=f"Tagging on {len(cases)} labelled sentences")
    for column in ("tagger", "what", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column in ("tagger", "what") else "right")
    for label, run in runners.items():
        for what, result in zip(("instruments", "entities"), score(run, cases), strict=True):
            table.add_row(label, what, f"{result.precision:.3f}", f"{result.recall:.3f}",
                          f"{result.f1:.3f}")  # fmt: skip
    console.print(table)

    articles = read_corpus()
    if articles is None:
        console.print(f"no corpus at {CORPUS}: the real-article scores are skipped")
    else:
        real = Table(title=f"Tagging on {len(articles)} labelled real articles, per kind")
        for column in ("tagger", "kind", "expected", "precision", "recall", "F1"):
            real.add_column(column, justify="left" if column in ("tagger", "kind") else "right")
        for label, run in runners.items():
            for kind, result in score_corpus(run, articles).items():
                wanted = result.true_positive + result.false_negative
                real.add_row(label, kind, str(wanted), f"{result.precision:.3f}",
                             f"{result.recall:.3f}", f"{result.f1:.3f}")  # fmt: skip
                results[f"{label}/{kind}"] = {
                    "precision": round(result.precision, 3),
                    "recall": round(result.recall, 3),
                    "f1": round(result.f1, 3),
                    "expected": wanted,
                }
        console.print(real)

    texts = [text for text, _ in cases]
    article: list[str] = []
    words = 0
    while words < 1000:
        sentence = texts[len(article) % len(texts)]
        article.append(sentence)
        words += len(sentence.split())
    article_text = " ".join(article)

    bodies = [text for text, _ in articles or []]
    speed = Table(title=f"Speed (one core; load average {load_average()})")
    for column in ("tagger", "sentences/s", "µs per 1,000-word article", "µs per real article"):
        speed.add_column(column, justify="right")
    rates = {}
    for label, run in runners.items():
        rates[label] = rate(run, texts, args.seconds)
        per_article = 1e6 / rate(run, [article_text], args.seconds)
        per_real = 1e6 / rate(run, bodies, args.seconds) if bodies else float("nan")
        speed.add_row(label, f"{rates[label]:,.0f}", f"{per_article:,.0f}", f"{per_real:,.0f}")
        results[f"{label}/µs_per_article"] = round(per_article)
        results[f"{label}/µs_per_real_article"] = round(per_real) if bodies else None
    console.print(speed)
    ratio = rates["tickerwire"] / rates["naive substring"]
    console.print(f"ratio tickerwire / naive (sentences per second): {ratio:.2f}")
    results["ratio_sentences_per_second"] = round(ratio, 3)
    results["load_average_after"] = load_average()
    console.print(f"load average after: {results['load_average_after']}")
    if args.json:
        write_json(args.json, results)

    if args.show_errors:
        run = runners["tickerwire"]
        for text, (want_symbols, want_entities) in cases:
            got_symbols, got_entities = run(text)
            if (got_symbols, got_entities) != (want_symbols, want_entities):
                console.print(f"[bold]{text}[/bold]", highlight=False)
                for sign, items in (
                    ("missed", (want_symbols - got_symbols) | (want_entities - got_entities)),
                    ("extra", (got_symbols - want_symbols) | (got_entities - want_entities)),
                ):
                    if items:
                        console.print(f"  {sign}: {sorted(map(str, items))}", highlight=False)
        for (text, expected), labels in zip(articles or [], read_corpus_ids(), strict=False):
            got = by_kind(run(text))
            for kind in KINDS:
                missed, extra = expected[kind] - got[kind], got[kind] - expected[kind]
                if missed or extra:
                    console.print(
                        f"{labels} {kind}: missed {sorted(missed)} extra {sorted(extra)}",
                        highlight=False,
                    )


def read_corpus_ids() -> list[str]:
    labels = json.loads(CORPUS_LABELS.read_text(encoding="utf-8"))
    return [article["id"][:10] for article in labels["articles"]]


if __name__ == "__main__":
    main()
