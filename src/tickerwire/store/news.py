"""The news half of the store, one object for the pipeline and the pages.

Writes are keyed by natural keys (a feed's URL, an entry's identity within its feed, an
article's canonical URL), so repeating a refresh after a crash stores nothing twice. The
queries live in one module per subject and hand out the typed records of
:mod:`tickerwire.news.model`; this class only puts them together.
"""

from __future__ import annotations

from sqlalchemy import Engine

from tickerwire.store.articles import ArticleQueries, PendingFullText, to_signed, to_unsigned
from tickerwire.store.feeds import Continuity, FeedExists, FeedQueries, FeedRow
from tickerwire.store.reactions import PublicationHook
from tickerwire.store.records import ArticleRecord, EntryRecord
from tickerwire.store.tags import TagQueries

__all__ = [
    "ArticleRecord",
    "Continuity",
    "EntryRecord",
    "FeedExists",
    "FeedRow",
    "NewsStore",
    "PendingFullText",
    "to_signed",
    "to_unsigned",
]


class NewsStore(FeedQueries, ArticleQueries, TagQueries):
    def __init__(self, engine: Engine, publication_prices: PublicationHook | None = None) -> None:
        self.engine = engine
        self.publication_prices = publication_prices
