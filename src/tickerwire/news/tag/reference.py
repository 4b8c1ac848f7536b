"""Gazetteer entries built from reference data packages instead of hand-written lists.

Countries come from ``countryinfo`` (name, spellings, demonym, capital, population), companies
from ``pytickersymbols`` (index constituents with their tickers), their legal names shortened
with ``cleanco``. The alias table then only says what a package cannot know: context rules
("Turkey" the bird), extra names, and which names are also ordinary words. Building both
lists takes a few hundred milliseconds, once per Tagger.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cleanco import basename
from countryinfo import all_countries
from pytickersymbols import PyTickerSymbols

from tickerwire.news.tag.gazetteer import AliasTable, Context, Entity, Entry, load_aliases

#: pytickersymbols index name -> the registry symbol of that index (when it has one).
INDEX_SYMBOLS: Mapping[str, str | None] = {
    "S&P 500": "SPX",
    "DOW JONES": "DJI",
    "NASDAQ 100": "IXIC",
    "FTSE 100": "FTSE",
    "NIKKEI 225": "N225",
    "EURO STOXX 50": None,
    "DAX": None,
    "CAC_40": None,
}

#: A capital stands for its country's government only in countries big enough to be news
#: actors; below this "Victoria", "Male" or "Kingston" are far more often something else.
CAPITAL_MIN_POPULATION = 4_000_000

_PLAIN = frozenset(string.ascii_letters + " -.'&")
_PARENTHESES = re.compile(r"\s*\(.*$")
_SHARE_CLASS = re.compile(r"\s+(?:Class|Series)\s+[A-Z]$")
_GROUP_TAILS = (" Group", " Holdings", " Holding", " US")

#: A constituent's ticker counts written bare ("NFLX") from this length, unless it is in the
#: alias table's [tickers] words ("TECH", "POOL"); shorter ones only as "$BA" or "NYSE: BA":
#: among five hundred companies too many are abbreviations in capitals ("COO", "USB", "ICE").
BARE_TICKER_LENGTH = 4


def default_table(extra: Path | None = None) -> AliasTable:
    """The reference entries, refined by the shipped alias table, refined in turn by the
    user's own table at ``extra`` (setting ``tagging.extra_aliases``), if any."""
    shipped = load_aliases()
    user = load_aliases(extra) if extra is not None else None
    rules = shipped.merged(user) if user is not None else shipped
    table = reference_table(rules).merged(shipped)
    return table.merged(user) if user is not None else table


def reference_table(rules: AliasTable) -> AliasTable:
    """Countries and companies from the packages, under the word lists of ``rules``."""
    return AliasTable(tuple(country_entries(rules) + company_entries(rules)))


def country_entries(rules: AliasTable) -> list[Entry]:
    """Every country countryinfo knows: its name, plain spellings, demonym and capital.

    Names and demonyms are matched in their own case (names in all upper case too, for
    datelines): "turkey", "china" and "polish" are a bird, porcelain and a verb. A capital
    counts unless a US state follows it ("Paris, Texas"): many are also American towns.
    """
    by_code = _by_code()
    states = tuple(f", {state.lower()}" for state in by_code["US"][0].get("provinces") or ())
    entries = []
    for records in by_code.values():
        info = records[0]
        name = str(info["name"])
        spellings = [
            s
            for record in records
            for s in [record["name"], *(record.get("altSpellings") or [])]
            if _plain_name(s)
        ]
        names = dict.fromkeys([name, *spellings])
        demonym = str(info.get("demonym") or "")
        demonyms = [demonym] if _plain_name(demonym) else []
        exact = [*names, *(n.upper() for n in names), *demonyms]
        capitals: list[str] = []
        capital = _plain_capital(str(info.get("capital") or ""))
        if (
            capital
            and capital not in rules.capitals_not_metonyms
            and int(info.get("population") or 0) >= CAPITAL_MIN_POPULATION
        ):
            capitals = [capital, capital.upper()]
        entries.append(
            Entry(
                entity=Entity(name, "country"),
                exact=tuple(dict.fromkeys(exact + capitals)),
                context=Context(followed_by=states) if capitals else Context(),
            )
        )
    return entries


def _by_code() -> dict[str, list[dict[str, Any]]]:
    """The package's records by ISO code, the plainly named one first: it lists some
    countries twice ("Palestine" and "Palestine, State of", "Myanmar" and "Burma")."""
    records: dict[str, list[dict[str, Any]]] = {}
    for country in all_countries():
        info = country.info()
        records.setdefault(str(info["ISO"]["alpha2"]), []).append(dict(info))
    for group in records.values():
        group.sort(key=lambda info: not _plain_name(str(info["name"])))
    return records


def company_entries(rules: AliasTable) -> list[Entry]:
    """Constituents of the indices in :data:`INDEX_SYMBOLS`, each with its ticker and the
    registry symbols of the indices it belongs to (Boeing -> BA, SPX, DJI)."""
    tickers = PyTickerSymbols()
    by_name: dict[str, tuple[str, str, list[str]]] = {}
    for index, symbol in INDEX_SYMBOLS.items():
        for stock in tickers.get_stocks_by_index(index):
            legal = str(stock["name"])
            short = company_name(legal)
            if not short:
                continue
            _, ticker, members = by_name.setdefault(short, (legal, str(stock["symbol"]), []))
            if symbol and symbol not in members:
                members.append(symbol)
    entries = []
    for short, (legal, ticker, members) in by_name.items():
        words = rules.company_names_that_are_words
        plain = [n for n in (short, _without_group(short)) if n and n not in words]
        full = [n for n in dict.fromkeys([legal, _without_parentheses(legal)]) if n != short]
        entries.append(
            Entry(
                entity=Entity(short, "company"),
                ticker=ticker if _us_ticker(ticker) else None,
                aliases=tuple(full),
                exact=tuple(dict.fromkeys(plain)),
                index_symbols=tuple(members),
                bare_ticker=len(ticker) >= BARE_TICKER_LENGTH and ticker.isalpha(),
            )
        )
    return entries


def company_name(legal: str) -> str:
    """ "The Boeing Company" -> "Boeing", "Alphabet Inc. (Class A)" -> "Alphabet"."""
    name = _SHARE_CLASS.sub("", _without_parentheses(legal)).replace("\u2013", "-")
    name = name.removeprefix("The ").strip()
    cleaned = basename(name).strip(" ,")
    return cleaned.removeprefix("The ").strip() or name


def _without_group(name: str) -> str:
    """ "Volkswagen Group" is "Volkswagen" in news, "T-Mobile US" is "T-Mobile"; empty when
    the name has no such tail."""
    for tail in _GROUP_TAILS:
        if name.endswith(tail) and len(name) > len(tail) + 2:
            return name.removesuffix(tail)
    return ""


def _without_parentheses(name: str) -> str:
    return _PARENTHESES.sub("", name).strip()


def _us_ticker(ticker: str) -> bool:
    """US tickers only: "7203.T" or "BMW.DE" are not written so in English news."""
    return ticker.replace(".", "").isalpha() and "." not in ticker[:-2]


def _plain_name(text: str) -> bool:
    """A spelling English news uses: plain letters, not a code ("IRQ") nor a transliteration,
    nor a catalogue form ("Korea, Republic of")."""
    return len(text) > 3 and not text.isupper() and set(text) <= _PLAIN


def _plain_capital(capital: str) -> str:
    """ "Washington D.C." is written "Washington"; others as they are, when plain."""
    capital = capital.removesuffix(" D.C.")
    return capital if _plain_name(capital) else ""
