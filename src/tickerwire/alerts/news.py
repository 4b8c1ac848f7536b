"""When a news alert fires: an article tagged with the instrument or entity the alert
watches, or one matching its saved search; once per story, however many syndicated copies
of it arrive (the store keys each event by member and story).

A saved search is matched against the article as it is stored, in the same transaction,
so it cannot use the search index being written beside it; it is matched here by words
instead: every word of the query, and every quoted phrase word for word, in the headline
or the text, regardless of case and accents. Words after a ``-`` must not appear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tickerwire.news.model import ArticleTags

WORD = re.compile(r"\w+")
PHRASE_OR_WORD = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
FRESH_FOR = timedelta(days=2)
"""Only news this recent alerts: a new feed's backlog of old stories does not."""


class Topic(StrEnum):
    INSTRUMENT = "instrument"
    ENTITY = "entity"
    SEARCH = "search"
    WATCHLIST = "watchlist"
    """Everything on the member's watchlists and every entity they follow."""


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in folded if not unicodedata.combining(c))
    return WORD.findall(bare)


@dataclass(frozen=True)
class SavedSearch:
    """A query as phrases (a word is a phrase of one) that must, or must not, appear."""

    wanted: tuple[tuple[str, ...], ...]
    unwanted: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, query: str) -> SavedSearch:
        wanted: list[tuple[str, ...]] = []
        unwanted: list[tuple[str, ...]] = []
        for match in PHRASE_OR_WORD.finditer(query):
            negated = bool(match.group(1) or match.group(3))
            phrase = tuple(words(match.group(2) if match.group(2) is not None else match.group(4)))
            if phrase:
                (unwanted if negated else wanted).append(phrase)
        if not wanted:
            raise ValueError("a saved search needs at least one word to look for")
        return cls(tuple(wanted), tuple(unwanted))

    def matches(self, title: str, text: str) -> bool:
        found = [*words(title), "", *words(text)]
        return all(_contains(found, p) for p in self.wanted) and not any(
            _contains(found, p) for p in self.unwanted
        )


def _contains(found: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    first = phrase[0]
    return any(found[i : i + size] == list(phrase) for i, word in enumerate(found) if word == first)


def is_fresh(published: datetime | None, now: datetime) -> bool:
    """Whether an article is news enough to alert on (no date: it is new to us now)."""
    return published is None or published >= now - FRESH_FOR


def tagged(tags: ArticleTags) -> tuple[set[str], set[str]]:
    """The instrument symbols and entity slugs an article is tagged with."""
    return {t.symbol for t in tags.instruments}, {e.slug for e in tags.entities}
