"""Hand-made truth for the benches, kept as rules over the corpus pages' own files.

Nothing from the corpus is copied into the repository: a label says where in a page's
files the truth is (an element's text, part of Readability's expectation, nothing at all),
so the label stays right as long as the page does, and each bench's ``--show-labels``
prints what every label resolves to, for a reviewer to check by eye.

A rule is a JSON object with a ``why`` (the reason the label exists, said without quoting
the page) and where its text comes from:

- ``"none": true``: the page has no such thing (no headline, no byline, no credit);
- ``"selector": CSS``: the text of the first element matching CSS (in source.html for
  metadata, inside the expected figcaption for credits); with ``"attribute": NAME`` that
  attribute instead of the text; with ``"all": true`` every distinct match, joined by
  "; "; with ``"invert": true`` each "Last, First" read as "First Last";
- ``"whole": true``, or no source key: the text the bench would otherwise use (Readability's
  expected title or byline; the whole figcaption);

then, on that text with its whitespace normalised, optionally:

- ``"cut_at": SEP``: only what comes before the last SEP;
- ``"slice": [START, END]``: only characters START to END (a Python slice; END may be null).

metadata.json holds headline and byline labels by page (a page without one keeps
Readability's expectation); credits.json holds, for every page with captioned figures, one
credit rule for all its figures or a list with one rule per figure, in page order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

HERE = Path(__file__).resolve().parent
METADATA = HERE / "metadata.json"
CREDITS = HERE / "credits.json"

Rule = Mapping[str, Any]
_KEYS = {"why", "none", "whole", "selector", "attribute", "all", "invert", "cut_at", "slice"}


class LabelError(ValueError):
    """A label no longer fits its page (a selector that matches nothing, a separator that is
    not there): the bench stops rather than score against a truth that is not there."""


def load(path: Path) -> dict[str, Any]:
    labels: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return labels


def normalise(text: str | None) -> str:
    return " ".join((text or "").split())


def resolve(rule: Rule, *, base: str | None, tree: LexborHTMLParser | LexborNode) -> str | None:
    """The text a rule stands for; None when the rule says there is none."""
    unknown = set(rule) - _KEYS
    if unknown or not rule.get("why"):
        raise LabelError(f"rule {dict(rule)} has unknown keys {sorted(unknown)} or no why")
    if rule.get("none"):
        return None
    text = normalise(_select(rule, tree) if "selector" in rule else base)
    if "cut_at" in rule:
        head, separator, _ = text.rpartition(rule["cut_at"])
        if not separator:
            raise LabelError(f"no {rule['cut_at']!r} to cut at in {text!r}")
        text = head.strip()
    if "slice" in rule:
        start, end = rule["slice"]
        text = text[start:end].strip()
    if not text:
        raise LabelError(f"rule {dict(rule)} resolves to nothing")
    return text


def _select(rule: Rule, tree: LexborHTMLParser | LexborNode) -> str:
    attribute = rule.get("attribute")
    values = []
    for node in tree.css(rule["selector"]):
        value = normalise(node.attributes.get(attribute) if attribute else node.text(separator=" "))
        if value and rule.get("invert"):
            last, _, first = value.partition(", ")
            value = f"{first} {last}" if first else value
        if value and value not in values:
            values.append(value)
    if not values:
        raise LabelError(f"selector {rule['selector']!r} matches no text")
    return "; ".join(values) if rule.get("all") else values[0]


def describe(rule: Rule) -> str:
    """The rule without its why, as a reviewer reads it beside what it resolves to."""
    return json.dumps({k: v for k, v in rule.items() if k != "why"}, ensure_ascii=False)
