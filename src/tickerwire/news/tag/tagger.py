"""Tagging: which instruments and entities an article is about, and how often it names them.

One pass of an Aho-Corasick automaton over a lower-cased copy of the text finds every name
in the gazetteer; each hit must sit on word boundaries, match its case where the alias says
case matters, and survive its context rules ("olive oil", "gold medal", "Ms. Gold"). Of
overlapping hits the longest wins ("S&P 500" over "S&P"). A person's bare surname or "Mr./Ms.
Surname" counts only after the full name appeared earlier in the same text.

Each tag has a relevance in [0, 1] (see :func:`relevance`): named in the headline, in the
lead, how often. A company named in the headline also tags its indices, at half the score.

Pure: no I/O after construction, which builds the automaton once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from tickerwire.instruments import Registry
from tickerwire.news.tag.gazetteer import (
    Alias,
    AliasTable,
    Context,
    Entity,
    Target,
    build_gazetteer,
    fold,
    load_aliases,
    normalize,
)
from tickerwire.news.tag.reference import default_table

__all__ = [
    "AliasTable",
    "EntityTag",
    "InstrumentTag",
    "Mention",
    "Tagger",
    "Tags",
    "load_aliases",
    "relevance",
]

#: The lead: the body's first paragraphs, up to this many characters at least ...
LEAD_AT_LEAST = 240
#: ... and at most this many, for bodies without paragraph breaks.
LEAD_AT_MOST = 800
#: Share of relevance an index gets from a hit on one of its companies.
INDEX_SHARE = 0.5

_HONORIFIC = re.compile(r"(?:^|[^A-Za-z])(?:Mr|Ms|Mrs|Mx|Dr|Prof)\.? $")
_NEXT_WORD = re.compile(r" ([A-Za-z]+)")
_EXCHANGE_TICKER = re.compile(
    r"\b(?:NYSE(?: American| Arca)?|NASDAQ|Nasdaq|LSE|LON|TSX|TSE|ASX|HKEX|Euronext|XETRA)"
    r" ?: ?([A-Z][A-Z0-9]*(?:[.\-][A-Z0-9]+)?)\b"
)

#: Capitalised words that stand before "Gold" or "Sterling" without being a given name.
_NOT_GIVEN_NAMES = frozenset(
    (
        "the", "a", "an", "and", "but", "or", "nor", "while", "as", "with", "for", "in", "on",
        "at", "of", "if", "when", "why", "how", "where", "whether", "because", "though",
        "although", "meanwhile", "then", "also", "both", "so", "yet", "after", "before", "since",
        "until", "from", "by", "to", "into", "than", "like", "unlike", "only", "even", "still",
        "now", "here", "there", "this", "that", "these", "those", "its", "their", "our", "spot",
        "comex", "nymex", "lbma", "physical", "futures", "cash", "paper", "allocated", "asian",
        "european", "american", "london", "new", "york", "shanghai", "global", "world", "us", "uk",
        "oil", "silver", "gold", "copper", "crude", "dollar", "euro", "yen", "sterling", "pound",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
        "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "today", "yesterday", "investors", "traders", "analysts", "buy",
        "sell", "sold", "bought",
    )
)  # fmt: skip


@dataclass(frozen=True)
class Mention:
    """Where a name occurs: ``text[start:end]`` is the name as written."""

    text: str
    start: int
    end: int


def relevance(*, in_headline: bool, in_lead: bool, mentions: int) -> float:
    """How much an article is about a tag: the headline says most, the lead next, and each
    mention in the body a little, up to five. One passing mention scores 0.04, a headline
    name 0.54 or more, so ordering by it puts articles about a thing first.

    Migration 0012 estimates rows tagged before it with the body-only part of this."""
    score = 0.5 * in_headline + 0.3 * in_lead + 0.04 * min(mentions, 5)
    return round(score, 4)


@dataclass(frozen=True)
class InstrumentTag:
    symbol: str
    name: str
    mentions: int
    relevance: float = 0.0


@dataclass(frozen=True)
class EntityTag:
    name: str
    kind: str
    mentions: int
    relevance: float = 0.0


@dataclass(frozen=True)
class Tags:
    """Both lists sorted by mentions, most first, then by name."""

    instruments: list[InstrumentTag]
    entities: list[EntityTag]

    def to_json(self) -> dict[str, list[dict[str, str | int | float]]]:
        return {
            "instruments": [
                {
                    "symbol": t.symbol,
                    "name": t.name,
                    "mentions": t.mentions,
                    "relevance": t.relevance,
                }
                for t in self.instruments
            ],
            "entities": [
                {"name": t.name, "kind": t.kind, "mentions": t.mentions, "relevance": t.relevance}
                for t in self.entities
            ],
        }


@dataclass
class _Tally:
    """Where one tag was seen, while an article is being tagged."""

    mentions: int = 0
    in_headline: bool = False
    in_lead: bool = False
    share: float = 0.0

    def see(self, place: str, share: float) -> None:
        self.mentions += 1
        self.in_headline |= place == "headline"
        self.in_lead |= place == "lead"
        self.share = max(self.share, share)

    @property
    def relevance(self) -> float:
        score = relevance(
            in_headline=self.in_headline, in_lead=self.in_lead, mentions=self.mentions
        )
        return round(score * self.share, 4)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    target: Target


class Tagger:
    """Tags texts against one registry; build once and reuse, tagging is the cheap part."""

    def __init__(
        self,
        registry: Registry,
        aliases: AliasTable | None = None,
        *,
        extra_aliases: Path | None = None,
    ) -> None:
        """``aliases`` replaces the whole table (tests); by default the reference packages,
        the shipped table and the user's ``extra_aliases`` file are merged."""
        table = aliases if aliases is not None else default_table(extra_aliases)
        self._gazetteer = build_gazetteer(registry, table)
        self._names = {instrument.symbol: instrument.name for instrument in registry}

    def tag(self, text: str, *, title: str | None = None) -> Tags:
        """The tags of an article; a name in the title counts like one in the body, and
        makes the tag more relevant, as does one in the lead."""
        headline_end = 0 if title is None else len(title) + 2
        full = text if title is None else f"{title}\n\n{text}"
        lead_end = headline_end + _lead_length(text)
        instruments: dict[str, _Tally] = {}
        entities: dict[Entity, _Tally] = {}
        for hit in self._scan(full):
            place = "body" if hit.start >= lead_end else "lead"
            if hit.start < headline_end:
                place = "headline"
            for symbol in hit.target.symbols:
                instruments.setdefault(symbol, _Tally()).see(place, 1.0)
            if place == "headline":  # an article about a company concerns its index
                for symbol in hit.target.index_symbols:
                    instruments.setdefault(symbol, _Tally()).see(place, INDEX_SHARE)
            if hit.target.entity is not None:
                entities.setdefault(hit.target.entity, _Tally()).see(place, 1.0)
        return Tags(
            instruments=sorted(
                (
                    InstrumentTag(s, self._names[s], t.mentions, t.relevance)
                    for s, t in instruments.items()
                ),
                key=lambda t: (-t.relevance, -t.mentions, t.name, t.symbol),
            ),
            entities=sorted(
                (EntityTag(e.name, e.kind, t.mentions, t.relevance) for e, t in entities.items()),
                key=lambda t: (-t.relevance, -t.mentions, t.name, t.kind),
            ),
        )

    def mentions(self, text: str) -> list[Mention]:
        """Every accepted name in ``text``, in order: what a page would highlight."""
        return [Mention(text[h.start : h.end], h.start, h.end) for h in self._scan(text)]

    def _scan(self, text: str) -> list[_Hit]:
        norm = normalize(text)
        low = fold(norm)
        found: list[tuple[int, int, tuple[Alias, ...]]] = []
        for last, (length, aliases) in self._gazetteer.automaton.iter(low):
            start, end = last - length + 1, last + 1
            if not _on_boundaries(low, start, end):
                continue
            fitting = tuple(a for a in aliases if _fits(a, norm, low, start, end))
            if fitting:
                found.append((start, end, fitting))
        hits = _resolve_people(found, norm)
        if ":" in norm:
            hits.extend(self._exchange_tickers(norm))
        return _longest_first(hits)

    def _exchange_tickers(self, norm: str) -> list[_Hit]:
        """ "(NYSE: ALL)": after an exchange prefix even a word-like ticker is a ticker."""
        hits = []
        for match in _EXCHANGE_TICKER.finditer(norm):
            target = self._gazetteer.tickers.get(match.group(1))
            if target is not None:
                hits.append(_Hit(match.start(1), match.end(1), target))
        return hits


def _lead_length(body: str) -> int:
    """The body's first paragraphs: up to the first paragraph break after
    :data:`LEAD_AT_LEAST` characters, and never past :data:`LEAD_AT_MOST`."""
    if len(body) <= LEAD_AT_LEAST:
        return len(body)
    cut = body.find("\n", LEAD_AT_LEAST)
    return LEAD_AT_MOST if cut < 0 else min(cut, LEAD_AT_MOST)


def _on_boundaries(low: str, start: int, end: int) -> bool:
    first, last = low[start], low[end - 1]
    if start > 0:
        before = low[start - 1]
        if (first.isalnum() or first == "$") and (before.isalnum() or before == "$"):
            return False
    return not (end < len(low) and last.isalnum() and low[end].isalnum())


def _fits(alias: Alias, norm: str, low: str, start: int, end: int) -> bool:
    """Case and context: does this hit really mean what the alias stands for?"""
    if alias.case_sensitive and norm[start:end] != alias.text:
        return False
    context: Context = alias.context
    if context.preceded_by and _preceded_by(low, start, context.preceded_by):
        return False
    if context.followed_by and _followed_by(low, end, context.followed_by):
        return False
    if context.within and _within(low, start, end, context.within):
        return False
    if alias.surname_of is None and _after_honorific(norm, start):
        return False  # "Ms. Gold", "Mr. Ford": a surname, whatever else the word means
    if context.also_a_given_name and _before_surname(norm, end):
        return False
    return not (context.also_a_surname and _after_given_name(norm, start, end))


def _before_surname(norm: str, end: int) -> bool:
    """ "Jordan Peterson": the hit is followed by a capitalised word of a name."""
    following = _NEXT_WORD.match(norm, end)
    return following is not None and following.group(1).istitle()


def _preceded_by(low: str, start: int, phrases: tuple[str, ...]) -> bool:
    window = low[max(0, start - 40) : start]
    stripped = window.rstrip()
    if not (stripped.endswith(phrases) or window.endswith(phrases)):
        return False  # the usual case, settled in one call
    for phrase in phrases:
        text = window if phrase.endswith("-") else stripped
        if text.endswith(phrase):
            cut = len(text) - len(phrase)
            if cut == 0 or not text[cut - 1].isalnum():
                return True
    return False


def _followed_by(low: str, end: int, phrases: tuple[str, ...]) -> bool:
    after = low[end : end + 40].lstrip()
    if not after.startswith(phrases):
        return False  # the usual case, settled in one call
    for phrase in phrases:
        if after.startswith(phrase):
            cut = len(phrase)
            if cut == len(after) or not (phrase[-1].isalnum() and after[cut].isalnum()):
                return True
    return False


def _within(low: str, start: int, end: int, phrases: tuple[str, ...]) -> bool:
    key = low[start:end]
    for phrase in phrases:
        offset = phrase.find(key)
        begin = start - offset
        if offset >= 0 and begin >= 0 and low.startswith(phrase, begin):
            stop = begin + len(phrase)
            if (begin == 0 or not low[begin - 1].isalnum()) and (
                stop == len(low) or not low[stop].isalnum()
            ):
                return True
    return False


def _after_honorific(norm: str, start: int) -> bool:
    return (
        start > 2
        and norm[start - 1] == " "
        and bool(_HONORIFIC.search(norm, max(0, start - 7), start))
    )


def _after_given_name(norm: str, start: int, end: int) -> bool:
    """ "Jonathan Gold said": a capitalised hit after a given name, not in a Title Case line."""
    word = norm[start:end]
    if not word[0].isupper() or word.isupper() or start < 3 or norm[start - 1] != " ":
        return False
    before = norm[max(0, start - 30) : start - 1].rsplit(" ", 1)[-1]
    if not (before.isalpha() and before.istitle() and len(before) > 1):
        return False
    if before.lower() in _NOT_GIVEN_NAMES:
        return False
    following = _NEXT_WORD.match(norm, end)
    return not (following and following.group(1)[0].isupper())


def _resolve_people(found: list[tuple[int, int, tuple[Alias, ...]]], norm: str) -> list[_Hit]:
    """Pick each hit's meaning; a surname means its person only once the full name was seen."""
    first_named: dict[Entity, int] = {}
    for start, _, aliases in found:
        for alias in aliases:
            entity = alias.target.entity
            if alias.surname_of is None and entity is not None and entity.kind == "person":
                first_named.setdefault(entity, start)
    hits = []
    for start, end, aliases in found:
        for alias in aliases:
            person = alias.surname_of
            if person is not None and not (
                first_named.get(person, len(norm)) < start
                and (alias.bare_surname or _after_honorific(norm, start))
            ):
                continue
            hits.append(_Hit(start, end, alias.target))
            break
    return hits


def _longest_first(hits: list[_Hit]) -> list[_Hit]:
    """Non-overlapping hits, longer ones winning, returned in text order."""
    hits.sort(key=lambda h: (h.start - h.end, h.start))
    starts: list[int] = []
    kept: list[_Hit] = []
    for hit in hits:
        i = bisect_right(starts, hit.start)
        if i > 0 and kept[i - 1].end > hit.start:
            continue
        if i < len(kept) and kept[i].start < hit.end:
            continue
        starts.insert(i, hit.start)
        kept.insert(i, hit)
    return kept
