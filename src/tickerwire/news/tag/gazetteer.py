"""The gazetteer: every name the tagger looks for, and what each name stands for.

It is built from two sources so that neither has to know about the other: the shipped alias
table (``tickerwire/data/aliases.toml``: the many ways news names the S&P 500, gold or the
Fed, plus companies, countries, central banks and people) and the instrument registry (the
names, short names and symbols of whatever the user tracks). A user who adds ``AAPL`` gets it
found by "Apple Inc.", ``$AAPL`` and, through the table's Apple entry, by plain "Apple".
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick

from tickerwire.instruments import AssetClass, Instrument, Registry

KINDS = frozenset(
    {"company", "index", "commodity", "currency", "country", "central_bank", "person"}
)

_KIND_OF_ASSET: dict[AssetClass, str | None] = {
    AssetClass.EQUITY: "company",
    AssetClass.INDEX: "index",
    AssetClass.VOLATILITY: "index",
    AssetClass.COMMODITY: "commodity",
    AssetClass.CURRENCY: "currency",
    AssetClass.CRYPTO: "currency",
    AssetClass.RATE: None,
}

#: Characters news writes in several ways, mapped one-to-one so offsets never move.
_SAME_LENGTH = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u00a0": " ",
        "\u202f": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
    }
)


def normalize(text: str) -> str:
    """Curly apostrophes, odd spaces and hyphens made plain, keeping every offset."""
    return text.translate(_SAME_LENGTH)


def fold(normalized: str) -> str:
    """Lower-cased text of the same length, so a hit's offsets index the original too."""
    lowered = normalized.lower()
    if len(lowered) == len(normalized):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in normalized)


class AliasTableError(ValueError):
    """The alias table is malformed; raised at load time rather than mis-tagging later."""


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str


@dataclass(frozen=True)
class Context:
    """Surroundings that make a hit mean something else ("olive oil", "gold medal")."""

    preceded_by: tuple[str, ...] = ()
    followed_by: tuple[str, ...] = ()
    within: tuple[str, ...] = ()
    also_a_surname: bool = False


@dataclass(frozen=True)
class Entry:
    """One row of the alias table: an entity (or a bare instrument phrase) and its names."""

    entity: Entity | None
    symbols: tuple[str, ...] = ()
    ticker: str | None = None
    aliases: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    context: Context = field(default_factory=Context)
    demonyms: tuple[str, ...] = ()
    economy_symbols: tuple[str, ...] = ()
    surname: str | None = None
    bare_surname: bool = True

    @property
    def all_symbols(self) -> tuple[str, ...]:
        extra = (self.ticker,) if self.ticker else ()
        return tuple(dict.fromkeys((*self.symbols, *extra)))


@dataclass(frozen=True)
class AliasTable:
    entries: tuple[Entry, ...]
    #: Upper-case tokens that read as words: such tickers are trusted only as $cashtags.
    ticker_words: frozenset[str] = frozenset()


_ENTRY_KEYS = {
    "name", "kind", "symbols", "ticker", "aliases", "exact", "unless_preceded_by",
    "unless_followed_by", "unless_within", "also_a_surname", "demonyms", "economy_symbols",
    "surname", "bare_surname",
}  # fmt: skip


def load_aliases(path: Path | None = None) -> AliasTable:
    """The alias table at ``path``, or the one shipped with Tickerwire."""
    if path is None:
        raw = resources.files("tickerwire").joinpath("data/aliases.toml").read_bytes()
    else:
        raw = path.read_bytes()
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AliasTableError(f"alias table is not valid TOML: {exc}") from exc
    entries = [_entry(row, named=True) for row in document.get("entity", [])]
    entries += [_entry(row, named=False) for row in document.get("instrument", [])]
    seen: set[Entity] = set()
    for entry in entries:
        if entry.entity is not None:
            if entry.entity in seen:
                raise AliasTableError(f"entity listed twice: {entry.entity}")
            seen.add(entry.entity)
    words = document.get("tickers", {}).get("words", [])
    return AliasTable(tuple(entries), frozenset(str(w).upper() for w in words))


def _entry(row: Mapping[str, Any], *, named: bool) -> Entry:
    unknown = set(row) - _ENTRY_KEYS
    if unknown:
        raise AliasTableError(f"unknown keys {sorted(unknown)} in alias entry {dict(row)!r}")
    entity = None
    if named:
        kind = row.get("kind")
        if kind not in KINDS or not row.get("name"):
            raise AliasTableError(f"entity needs a name and a kind in {sorted(KINDS)}: {row!r}")
        entity = Entity(str(row["name"]), str(kind))
    elif not row.get("symbols"):
        raise AliasTableError(f"instrument phrase entry without symbols: {row!r}")

    def strings(key: str, lower: bool = False) -> tuple[str, ...]:
        values = row.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise AliasTableError(f"{key} must be a list of non-empty strings: {row!r}")
        return tuple(v.lower() if lower else v for v in values)

    return Entry(
        entity=entity,
        symbols=tuple(s.upper() for s in strings("symbols")),
        ticker=str(row["ticker"]).upper() if row.get("ticker") else None,
        aliases=strings("aliases"),
        exact=strings("exact"),
        context=Context(
            preceded_by=strings("unless_preceded_by", lower=True),
            followed_by=strings("unless_followed_by", lower=True),
            within=strings("unless_within", lower=True),
            also_a_surname=bool(row.get("also_a_surname", False)),
        ),
        demonyms=strings("demonyms"),
        economy_symbols=tuple(s.upper() for s in strings("economy_symbols")),
        surname=str(row["surname"]) if row.get("surname") else None,
        bare_surname=bool(row.get("bare_surname", True)),
    )


@dataclass(frozen=True)
class Target:
    """What one hit stands for: an entity, registry instruments, or both."""

    entity: Entity | None
    symbols: tuple[str, ...]


@dataclass(frozen=True)
class Alias:
    """One name in the automaton. A surname alias counts only after its person's full name."""

    text: str
    case_sensitive: bool
    target: Target
    context: Context = field(default_factory=Context)
    surname_of: Entity | None = None
    bare_surname: bool = True


@dataclass
class Gazetteer:
    """The automaton over folded names, and the tickers trusted after an exchange prefix."""

    automaton: Any
    tickers: dict[str, Target]
    by_key: dict[str, list[Alias]]

    def names(self) -> Iterator[tuple[str, Alias]]:
        """Every folded key with its aliases, for baselines and diagnostics."""
        for key, aliases in self.by_key.items():
            for alias in aliases:
                yield key, alias


def build_gazetteer(registry: Registry, table: AliasTable) -> Gazetteer:
    """Compile the table and the registry into one automaton; done once per Tagger."""
    tracked = {instrument.symbol for instrument in registry}
    by_key: dict[str, list[Alias]] = {}
    tickers: dict[str, Target] = {}

    def add(alias: Alias) -> None:
        bucket = by_key.setdefault(fold(normalize(alias.text)), [])
        if any(_covers(known, alias) for known in bucket):
            return
        if alias.surname_of:
            bucket.insert(0, alias)  # once a person was named, their surname means them
        else:
            bucket.append(alias)

    def add_ticker(ticker: str, target: Target, context: Context) -> None:
        tickers.setdefault(ticker, target)
        add(Alias("$" + ticker, False, target, context))
        if len(ticker) >= 3 and ticker not in table.ticker_words and not ticker.isdigit():
            add(Alias(ticker, True, target, context))

    linked: dict[str, tuple[Target, Context]] = {}
    for entry in table.entries:
        target = Target(entry.entity, tuple(s for s in entry.all_symbols if s in tracked))
        for symbol in entry.all_symbols:
            linked.setdefault(symbol, (target, entry.context))
        for text in entry.aliases + entry.demonyms:
            add(Alias(text, False, target, entry.context))
        for text in entry.exact:
            add(Alias(text, True, target, entry.context))
        if entry.ticker:
            add_ticker(entry.ticker, target, entry.context)
        _add_economy(entry, tracked, add)
        if entry.entity is not None and entry.entity.kind == "person":
            surname = entry.surname or entry.entity.name.split()[-1]
            add(Alias(surname, True, Target(entry.entity, ()), Context(), entry.entity,
                      entry.bare_surname))  # fmt: skip

    for instrument in registry:
        target, context = linked.get(instrument.symbol) or (_own_target(instrument), Context())
        for text in dict.fromkeys((instrument.name, instrument.short_name)):
            if text:
                add(Alias(text, False, target, context))
        add_ticker(instrument.symbol, target, context)

    automaton = ahocorasick.Automaton()
    for key, aliases in by_key.items():
        automaton.add_word(key, (len(key), tuple(aliases)))
    automaton.make_automaton()
    return Gazetteer(automaton, tickers, by_key)


def _covers(known: Alias, new: Alias) -> bool:
    """Whether ``known`` already finds everything ``new`` would (the table's rules win)."""
    same = known.target == new.target and known.surname_of == new.surname_of
    return same and (not known.case_sensitive or known.text == new.text)


def _add_economy(entry: Entry, tracked: set[str], add: Callable[[Alias], None]) -> None:
    """ "Japan's economy", "Japanese economy": a country named as an economy means its currency."""
    symbols = tuple(s for s in entry.economy_symbols if s in tracked)
    if entry.entity is None or not entry.economy_symbols:
        return
    target = Target(entry.entity, symbols)
    for text, exact in [(a, False) for a in entry.aliases] + [(a, True) for a in entry.exact]:
        add(Alias(f"{text}'s economy", exact, target))
        add(Alias(f"{text} economy", exact, target))
    for demonym in entry.demonyms:
        add(Alias(f"{demonym} economy", False, target))


def _own_target(instrument: Instrument) -> Target:
    """A registry instrument the table does not know: its own name stands for the entity."""
    kind = _KIND_OF_ASSET.get(instrument.asset_class)
    entity = Entity(instrument.name, kind) if kind else None
    return Target(entity, (instrument.symbol,))
