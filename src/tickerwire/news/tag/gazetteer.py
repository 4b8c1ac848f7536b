"""The gazetteer: every name the tagger looks for, and what each name stands for.

It is built from three sources so that none has to know about the others: reference data
packages (every country, the constituents of the big indices: see ``reference.py``), the
shipped alias table (``tickerwire/data/aliases.toml``: the many ways news names the S&P 500,
gold or the Fed, central banks and people, and the context rules the packages cannot know),
and the instrument registry (the names, short names and symbols of whatever the user tracks).
A user who adds ``AAPL`` gets it found by "Apple Inc.", ``$AAPL`` and, through the table's
Apple entry, by plain "Apple".
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
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
    #: "Jordan Peterson", "Chad Smith": a hit followed by a capitalised word is a given name.
    also_a_given_name: bool = False


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
    #: Registry symbols of the indices a company belongs to (Boeing: SPX, DJI).
    index_symbols: tuple[str, ...] = ()
    #: Whether the ticker counts written bare ("NVDA"), not only as "$NVDA" or "NYSE: NVDA".
    bare_ticker: bool = True

    @property
    def all_symbols(self) -> tuple[str, ...]:
        extra = (self.ticker,) if self.ticker else ()
        return tuple(dict.fromkeys((*self.symbols, *extra)))


@dataclass(frozen=True)
class AliasTable:
    entries: tuple[Entry, ...]
    #: Upper-case tokens that read as words: such tickers are trusted only as $cashtags.
    ticker_words: frozenset[str] = frozenset()
    #: Capitals that do not stand for their country ([countries] capitals_not_metonyms).
    capitals_not_metonyms: frozenset[str] = frozenset()
    #: Company names that are ordinary words ([companies] names_that_are_words).
    company_names_that_are_words: frozenset[str] = frozenset()

    def merged(self, over: AliasTable) -> AliasTable:
        """This table with ``over``'s entries laid on top (see :func:`merge_entries`)."""
        return AliasTable(
            tuple(merge_entries(self.entries, over.entries)),
            self.ticker_words | over.ticker_words,
            self.capitals_not_metonyms | over.capitals_not_metonyms,
            self.company_names_that_are_words | over.company_names_that_are_words,
        )


def merge_entries(base: Iterable[Entry], over: Iterable[Entry]) -> list[Entry]:
    """``base`` with ``over`` laid on top: an entry of ``over`` naming the same entity (or,
    for companies, the same ticker) adds its names to the base entry and brings its own
    context rules (added to the base's), symbols and ticker.

    ``over``'s entries come first, so where both name different things alike ("Nasdaq" the
    index, "Nasdaq, Inc." the company) ``over``'s meaning wins. This is how the alias table
    refines a package's country ("Turkey" unless followed by "dinner") and how a user's extra
    aliases refine the shipped table."""
    rest = list(base)
    where: dict[object, int] = {}
    for i, entry in enumerate(rest):
        for key in _merge_keys(entry):
            where.setdefault(key, i)
    merged: list[Entry] = []
    taken: set[int] = set()
    for entry in over:
        found = next((where[k] for k in _merge_keys(entry) if k in where), None)
        if found is None or found in taken:
            merged.append(entry)
            continue
        taken.add(found)
        old = rest[found]
        merged.append(
            replace(
                entry,
                symbols=tuple(dict.fromkeys(entry.symbols + old.symbols)),
                ticker=entry.ticker or old.ticker,
                aliases=tuple(dict.fromkeys(entry.aliases + old.aliases)),
                exact=tuple(dict.fromkeys(entry.exact + old.exact)),
                demonyms=tuple(dict.fromkeys(entry.demonyms + old.demonyms)),
                economy_symbols=entry.economy_symbols or old.economy_symbols,
                index_symbols=entry.index_symbols or old.index_symbols,
                context=_both(old.context, entry.context),
            )
        )
    return merged + [entry for i, entry in enumerate(rest) if i not in taken]


def _both(one: Context, other: Context) -> Context:
    """Every rule of either: a rule says when a hit means something else."""
    return Context(
        preceded_by=tuple(dict.fromkeys(one.preceded_by + other.preceded_by)),
        followed_by=tuple(dict.fromkeys(one.followed_by + other.followed_by)),
        within=tuple(dict.fromkeys(one.within + other.within)),
        also_a_surname=one.also_a_surname or other.also_a_surname,
        also_a_given_name=one.also_a_given_name or other.also_a_given_name,
    )


def _merge_keys(entry: Entry) -> list[object]:
    keys: list[object] = [entry.entity] if entry.entity else []
    if entry.entity is not None and entry.entity.kind == "company" and entry.ticker:
        keys.append(("ticker", entry.ticker))
    return keys


_ENTRY_KEYS = {
    "name", "kind", "symbols", "ticker", "aliases", "exact", "unless_preceded_by",
    "unless_followed_by", "unless_within", "also_a_surname", "also_a_given_name", "demonyms",
    "economy_symbols", "surname", "bare_surname", "role", "checked",
}  # fmt: skip


#: The shipped tables, read in this order as one (see each file's header for its source).
SHIPPED_TABLES = (
    "aliases.toml",
    "commodities.toml",
    "currencies.toml",
    "central_banks.toml",
    "people.toml",
)


def load_aliases(path: Path | None = None) -> AliasTable:
    """The alias table at ``path``, or the shipped tables read as one."""
    if path is None:
        data = resources.files("tickerwire").joinpath("data")
        documents = [_document(data.joinpath(n).read_bytes(), n) for n in SHIPPED_TABLES]
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise AliasTableError(f"cannot read alias table {path}: {exc.strerror}") from exc
        documents = [_document(raw, str(path))]
    entries = [_entry(row, named=True) for d in documents for row in d.get("entity", [])]
    entries += [_entry(row, named=False) for d in documents for row in d.get("instrument", [])]
    seen: set[Entity] = set()
    for entry in entries:
        if entry.entity is not None:
            if entry.entity in seen:
                raise AliasTableError(f"entity listed twice: {entry.entity}")
            seen.add(entry.entity)
    words = [w for d in documents for w in d.get("tickers", {}).get("words", [])]
    return AliasTable(
        tuple(entries),
        frozenset(str(w).upper() for w in words),
        frozenset(n for d in documents for n in _names(d, "countries", "capitals_not_metonyms")),
        frozenset(n for d in documents for n in _names(d, "companies", "names_that_are_words")),
    )


def _document(raw: bytes, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AliasTableError(f"alias table {source} is not valid TOML: {exc}") from exc


def _names(document: Mapping[str, Any], table: str, key: str) -> list[str]:
    values = document.get(table, {}).get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise AliasTableError(f"[{table}] {key} must be a list of non-empty strings")
    return values


def _entry(row: Mapping[str, Any], *, named: bool) -> Entry:
    unknown = set(row) - _ENTRY_KEYS
    if unknown:
        raise AliasTableError(f"unknown keys {sorted(unknown)} in alias entry {dict(row)!r}")
    if not isinstance(row.get("role", ""), str) or not isinstance(
        row.get("checked", date.min), date
    ):
        raise AliasTableError(f"role must be a string and checked a date: {dict(row)!r}")
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
            also_a_given_name=bool(row.get("also_a_given_name", False)),
        ),
        demonyms=strings("demonyms"),
        economy_symbols=tuple(s.upper() for s in strings("economy_symbols")),
        surname=str(row["surname"]) if row.get("surname") else None,
        bare_surname=bool(row.get("bare_surname", True)),
    )


@dataclass(frozen=True)
class Target:
    """What one hit stands for: an entity, registry instruments, or both; and the indices a
    named company belongs to, which the hit concerns less directly."""

    entity: Entity | None
    symbols: tuple[str, ...]
    index_symbols: tuple[str, ...] = ()


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

    def add_ticker(ticker: str, target: Target, context: Context, bare: bool = True) -> None:
        tickers.setdefault(ticker, target)
        add(Alias("$" + ticker, False, target, context))
        if bare and len(ticker) >= 3 and ticker not in table.ticker_words and not ticker.isdigit():
            add(Alias(ticker, True, target, context))

    linked: dict[str, tuple[Target, Context]] = {}
    for entry in table.entries:
        own = tuple(s for s in entry.all_symbols if s in tracked)
        indices = tuple(s for s in entry.index_symbols if s in tracked and s not in own)
        target = Target(entry.entity, own, indices)
        for symbol in entry.all_symbols:
            linked.setdefault(symbol, (target, entry.context))
        for text in entry.aliases + entry.demonyms:
            add(Alias(text, False, target, entry.context))
        for text in entry.exact:
            add(Alias(text, True, target, entry.context))
        if entry.ticker:
            add_ticker(entry.ticker, target, entry.context, entry.bare_ticker)
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
