"""Tagging accuracy and speed: Tickerwire's tagger beside a naive substring matcher.

Scores both on the hand-labelled sentences in tests/news/tag/fixtures/labelled.jsonl
(micro-averaged precision, recall and F1 over (sentence, tag) pairs, for instruments and for
entities), then times both on a ~1,000-word article stitched from those sentences and prints
sentences per second, microseconds per article, and the ratio ours / baseline.

The baseline uses the same gazetteer (the shipped alias table plus the default registry) but
no word boundaries, no case rules, no context rules and no longest-match: every folded name
found anywhere in the folded text is a tag. It shows what the rules buy, and what they cost.

    .venv/bin/python bench/tagging_accuracy.py [--show-errors] [--seconds 2]
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

from tickerwire.instruments import Registry
from tickerwire.news.tag.gazetteer import Target, build_gazetteer, fold, load_aliases, normalize
from tickerwire.news.tag.tagger import Tagger

LABELLED = Path(__file__).resolve().parents[1] / "tests/news/tag/fixtures/labelled.jsonl"

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
    for key, alias in build_gazetteer(registry, load_aliases()).names():
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

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

    texts = [text for text, _ in cases]
    article: list[str] = []
    words = 0
    while words < 1000:
        sentence = texts[len(article) % len(texts)]
        article.append(sentence)
        words += len(sentence.split())
    article_text = " ".join(article)

    speed = Table(title="Speed (one core)")
    for column in ("tagger", "sentences/s", "µs per 1,000-word article"):
        speed.add_column(column, justify="right")
    rates = {}
    for label, run in runners.items():
        rates[label] = rate(run, texts, args.seconds)
        per_article = 1e6 / rate(run, [article_text], args.seconds)
        speed.add_row(label, f"{rates[label]:,.0f}", f"{per_article:,.0f}")
    console.print(speed)
    ratio = rates["tickerwire"] / rates["naive substring"]
    console.print(f"ratio tickerwire / naive (sentences per second): {ratio:.2f}")

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


if __name__ == "__main__":
    main()
