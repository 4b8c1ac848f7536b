"""Full-text search over articles: SQLite FTS5 and PostgreSQL tsvector behind one call.

The search objects themselves (an FTS5 table kept by triggers; a generated, GIN-indexed
tsvector column) are made by migration 0004, and on PostgreSQL with the RUM extension a
RUM index over the tsvector by migration 0018; this module only queries them. Both index
the first ``SEARCH_INDEXED_CHARS`` of an article's text and no more: the store cuts the
text to that length (so the SQLite triggers never see more), and the PostgreSQL column
takes ``left(text, 100000)``, since a tsvector cannot exceed 1 MB.

User text never reaches either engine's query syntax. It is split once, here, into terms:
bare words, "quoted phrases" (an unclosed quote runs to the end), and a word ending in
``*`` as a prefix (three characters at least, so ``a*`` cannot expand to half the
vocabulary); terms past MAX_TERMS are ignored. Every term must match (AND); operators
(AND, OR, NOT, NEAR, -, column:) are ordinary words. Each backend then tokenizes a term
with the tokenizer that built its own index: SQLite gets the term's letters-and-digits
runs, each quoted, so no character of the input can be FTS5 syntax; PostgreSQL gets the
term's text through phraseto_tsquery, which accepts any text. Text with no letters or
digits finds nothing rather than failing.

Ranking is relevance times a recency boost: ``1 + 2 / (1 + age_days / 7)``, so a story
from today counts three times its relevance, one from last week twice, and an old one
about once. The floor of one keeps an old article that matches far better above a fresh
passing mention, which a pure exponential decay would not; the rational form needs no
exp(), which SQLite only has when compiled with its math functions. Relevance is bm25()
with the title weighted 10, byline and site 2, body 1 on SQLite, and ts_rank_cd with the
default weights (A 1.0, B 0.4, C 0.2) on PostgreSQL, so scores differ between backends
but clear cases order the same (bm25 saturates repeated terms, so on SQLite a title match
counts about twice a body match, not ten times). Age is from the published time, else the
time the article was first seen, as the news listings do. The date filter is on the
published time alone, so its index can serve it: an article without one is in no range;
``since`` is inclusive, ``until`` exclusive.

Only the newest matches are ranked: the RANKED_WINDOW (2,000) matches with the highest
ids, which grow with the time an article was first seen, with the filters applied first.
FTS5 reads its index in rowid order and stops there, and so does PostgreSQL's RUM index
where there is one (``_newest_by_rum``); without it PostgreSQL looks among ranges of the
newest ids, widened downwards from the newest id or, for a date range ending in the past,
from the last article published in it (see ``_newest_by_probe``). Relevance and the
recency boost order those; an older match outside them is not shown, however good, so a
query matching more than 2,000 articles answers from roughly the latest ones, in a time
that does not grow with the number of matches (at 1,000,000 articles a common word
matches a quarter of them). A query with fewer matches than the window ranks every one,
old or new. The count is exact up to COUNT_LIMIT (1,000) and past it says only "more than
that" (``SearchResult.capped``), because counting every match of a common word costs more
than the search itself.

Snippets are plain text with highlight ranges: the engines mark matches with sentinels
made afresh for each search (control characters around a random nonce, so no article text
can forge one), which are turned here into (start, end) offsets; other control characters
are dropped. Markup is only ever produced by :meth:`SearchHit.marked_snippet`, after
escaping.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    column,
    exists,
    extract,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CTE, FromClause

from tickerwire.store.limits import SEARCH_INDEXED_CHARS
from tickerwire.store.schema import article_entities, article_instruments, articles
from tickerwire.store.types import UTCDateTime

MAX_LIMIT = 100
RANKED_WINDOW = 2_000
COUNT_LIMIT = 1_000  # below RANKED_WINDOW: the window's size is the count
PROBE_SPAN = 20_000  # PostgreSQL: the newest ids looked among first
MAX_TERMS = 32
MIN_PREFIX = 3
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PIECE = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")

_FTS = table("search_articles", column("rowid"))
_FTS_NAME: ColumnElement[Any] = literal_column("search_articles")
_FTS_WEIGHTS = (10.0, 2.0, 2.0, 1.0)  # title, byline, site_name, text: the table's order
_FTS_TEXT_COLUMN = 3
_PG_CONFIG: ColumnElement[Any] = literal_column("'search_english'::regconfig")
_PG_DOCUMENT: ColumnElement[Any] = literal_column("articles.search_document")
_PG_HEADLINE = "MaxWords=30, MinWords=15, MaxFragments=1"
RUM_INDEX = "search_articles_recent"  # made by migration 0018 where RUM is installed
_LARGEST_ID = 2**31 - 1  # articles.id is a 4-byte integer
_RUM_LOOKUP = text(
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
    " WHERE e.extname = 'rum' AND to_regclass(:index) IS NOT NULL"
).bindparams(index=RUM_INDEX)
_NO_SORT_NOR_JIT = text(
    "SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)"
)


def is_search_object(name: str | None, type_: str, parent_names: Mapping[Any, Any]) -> bool:
    """True for the tables, columns and indexes migration 0004 makes; they are not in
    schema.py, so an alembic ``include_name`` filter must leave them out of comparisons."""
    return name is not None and type_ in ("table", "column", "index") and name.startswith("search_")


@dataclass(frozen=True)
class SearchQuery:
    text: str
    publisher: str | None = None
    symbol: str | None = None
    entity: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    site_name: str | None
    published: datetime | None
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float

    def marked_snippet(self) -> str:
        """The snippet as HTML: text escaped, each highlight in ``<mark>``."""
        parts, at = [], 0
        for start, end in self.highlights:
            parts += [html.escape(self.snippet[at:start]), "<mark>"]
            parts += [html.escape(self.snippet[start:end]), "</mark>"]
            at = end
        parts.append(html.escape(self.snippet[at:]))
        return "".join(parts)


@dataclass(frozen=True)
class SearchResult:
    """A page of hits and how many articles match: exact up to COUNT_LIMIT; past it
    ``total`` is COUNT_LIMIT and ``capped`` is true, to be shown as "1,000+"."""

    hits: list[SearchHit]
    total: int
    capped: bool = False


@dataclass(frozen=True)
class Term:
    """One thing that must match: a word, a phrase, or (one word) a prefix."""

    source: str
    words: tuple[str, ...]
    prefix: bool = False

    def fts5(self) -> str:
        return '"' + " ".join(self.words) + '"' + ("*" if self.prefix else "")


def parse_terms(text: str) -> list[Term]:
    """The terms of a user's query, at most MAX_TERMS of them."""
    terms = []
    for match in _PIECE.finditer(_clean(text)):
        phrase, bare = match.group(1), match.group(2)
        source = phrase if phrase is not None else bare.rstrip("*")
        words = tuple(_WORD.findall(source))
        if not words:
            continue
        prefix = bare is not None and bare.endswith("*") and len(words) == 1
        terms.append(Term(source, words, prefix and len(words[0]) >= MIN_PREFIX))
    return terms[:MAX_TERMS]


def _clean(text: str) -> str:
    """Neither driver can send NUL or lone surrogates; such text cannot match anyway."""
    return text.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8")


@dataclass(frozen=True)
class _Marks:
    """Highlight sentinels for one search; the nonce keeps article text from forging them."""

    start: str
    stop: str

    @classmethod
    def fresh(cls) -> _Marks:
        nonce = secrets.token_hex(8)
        return cls(f"\x02{nonce}\x02", f"\x03{nonce}\x03")

    def unmark(self, marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
        """Plain text (control characters dropped) and the highlighted ranges in it."""
        plain: list[str] = []
        ranges: list[tuple[int, int]] = []
        length, opened = 0, None
        for piece in re.split(f"({re.escape(self.start)}|{re.escape(self.stop)})", marked):
            if piece == self.start:
                opened = length
            elif piece == self.stop:
                if opened is not None and length > opened:
                    ranges.append((opened, length))
                opened = None
            else:
                text = _CONTROL.sub("", piece)
                plain.append(text)
                length += len(text)
        return "".join(plain), tuple(ranges)


@dataclass(frozen=True)
class _Request:
    terms: list[Term]
    query: SearchQuery
    now: datetime
    limit: int
    offset: int
    marks: _Marks


class SearchStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def search(self, query: SearchQuery, *, now: datetime) -> SearchResult:
        """Matching articles, best first, with the number of all matches. Paging is
        clamped (limit to 0..MAX_LIMIT, offset to >= 0), not refused: it comes from URLs."""
        terms = parse_terms(query.text)
        if not terms or _unmatchable(query):
            return SearchResult([], 0)
        request = _Request(
            terms,
            query,
            now,
            limit=max(0, min(query.limit, MAX_LIMIT)),
            offset=max(0, query.offset),
            marks=_Marks.fresh(),
        )
        with self.engine.connect() as connection:
            dialect = connection.dialect.name
            if dialect not in _PLANS:
                raise NotImplementedError(f"no full-text search for the {dialect} backend")
            return _execute(connection, request, _PLANS[dialect](connection, request))

    def publishers(self) -> list[str]:
        """Distinct site names, for the publisher filter."""
        query = (
            select(articles.c.site_name)
            .where(articles.c.site_name.is_not(None), articles.c.site_name != "")
            .distinct()
            .order_by(articles.c.site_name)
        )
        with self.engine.connect() as connection:
            return [str(name) for name in connection.execute(query).scalars()]


def _unmatchable(query: SearchQuery) -> bool:
    """A filter value no stored text can hold (NUL, lone surrogates)."""
    texts = (query.publisher, query.symbol, query.entity)
    return any(value is not None and _clean(value) != value for value in texts)


def _filters(query: SearchQuery, article_id: ColumnElement[Any]) -> list[ColumnElement[bool]]:
    """Conditions on articles. The tags are EXISTS on ``article_id``, looked up per match
    by the tag tables' primary keys as the window walks matches newest first (IN would
    first collect every article tagged); on SQLite ``article_id`` is the index's rowid, so
    a match is checked before its article row is read."""
    conditions: list[ColumnElement[bool]] = []
    if query.publisher is not None:
        conditions.append(articles.c.site_name == query.publisher)
    if query.symbol is not None:
        tagged = article_instruments.c
        conditions.append(
            exists().where(tagged.article_id == article_id, tagged.symbol == query.symbol)
        )
    if query.entity is not None:
        named = article_entities.c
        conditions.append(
            exists().where(named.article_id == article_id, named.slug == query.entity)
        )
    if query.since is not None:
        conditions.append(articles.c.published >= query.since)
    if query.until is not None:
        conditions.append(articles.c.published < query.until)
    return conditions


def _when() -> ColumnElement[datetime]:
    return func.coalesce(articles.c.published, articles.c.first_seen_at)


def _boost(age_days: ColumnElement[Any]) -> ColumnElement[Any]:
    return 1.0 + 2.0 / (1.0 + age_days / 7.0)


@dataclass(frozen=True)
class _Plan:
    """How one backend matches, scores and excerpts. ``recent`` is the RANKED_WINDOW
    newest matches (by id, which grows with first_seen_at) with their ``relevance`` and
    ``when`` columns; ``age`` turns ``when`` into days before now; ``snippet`` is valid
    over ``source(page)``, the page's rows joined back."""

    recent: Select[Any]
    age: Callable[[ColumnElement[Any]], ColumnElement[Any]]
    snippet: ColumnElement[str]
    source: Callable[[CTE], FromClause]


def _execute(connection: Connection, request: _Request, plan: _Plan) -> SearchResult:
    """The requested page by score among the newest matches, then excerpts for it alone,
    because an excerpt costs more than a match. The count comes with the page (the window
    holds more than COUNT_LIMIT matches); only an empty page needs a statement of its own."""
    hits, matches = [], None
    if request.limit:
        recent = plan.recent.subquery("recent")
        score = recent.c.relevance * _boost(plan.age(recent.c.when))
        page = (
            select(recent.c.id, score.label("score"), func.count().over().label("matches"))
            .order_by(score.desc(), recent.c.id.desc())
            .limit(request.limit)
            .offset(request.offset)
            .cte("page")
        )
        shown = (
            select(
                articles.c.id,
                articles.c.title,
                articles.c.site_name,
                articles.c.published,
                page.c.score,
                page.c.matches,
                plan.snippet.label("snippet"),
            )
            .select_from(plan.source(page))
            .order_by(page.c.score.desc(), articles.c.id.desc())
        )
        for row in connection.execute(shown):
            plain, ranges = request.marks.unmark(row.snippet or "")
            hits.append(
                SearchHit(row.id, row.title, row.site_name, row.published, plain, ranges, row.score)
            )
            matches = row.matches
    if matches is None:
        counted = select(func.count()).select_from(plan.recent.subquery("recent"))
        matches = connection.execute(counted).scalar_one()
    return SearchResult(hits, min(matches, COUNT_LIMIT), capped=matches > COUNT_LIMIT)


def _sqlite_plan(_connection: Connection, request: _Request) -> _Plan:
    match = _FTS_NAME.op("MATCH")(" ".join(term.fts5() for term in request.terms))
    now = literal(request.now, UTCDateTime())
    marks = request.marks
    matching = (
        select(articles.c.id)
        .select_from(_FTS.join(articles, articles.c.id == _FTS.c.rowid))
        .where(match, *_filters(request.query, _FTS.c.rowid))
    )
    return _Plan(
        recent=matching.add_columns(
            (-func.bm25(_FTS_NAME, *_FTS_WEIGHTS)).label("relevance"), _when().label("when")
        )
        .order_by(_FTS.c.rowid.desc())
        .limit(RANKED_WINDOW),
        age=lambda when: func.max(0.0, func.julianday(now) - func.julianday(when)),
        snippet=func.snippet(_FTS_NAME, _FTS_TEXT_COLUMN, marks.start, marks.stop, "…", 24),
        source=lambda page: page.join(articles, articles.c.id == page.c.id).join(
            _FTS, and_(_FTS.c.rowid == page.c.id, match)
        ),
    )


def _postgresql_plan(connection: Connection, request: _Request) -> _Plan:
    parts: list[ColumnElement[Any]] = [
        func.to_tsquery(_PG_CONFIG, term.words[0] + ":*")
        if term.prefix
        else func.phraseto_tsquery(_PG_CONFIG, term.source)
        for term in request.terms
    ]
    tsquery = reduce(lambda left, right: left.op("&&")(right), parts)
    now = literal(request.now, UTCDateTime())
    marks = request.marks
    options = f'StartSel="{marks.start}", StopSel="{marks.stop}", {_PG_HEADLINE}'
    body = func.left(articles.c.text, SEARCH_INDEXED_CHARS)
    matching = select(articles.c.id).where(
        _PG_DOCUMENT.op("@@")(tsquery), *_filters(request.query, articles.c.id)
    )
    ranked = (func.ts_rank_cd(_PG_DOCUMENT, tsquery, 1).label("relevance"), _when().label("when"))
    return _Plan(
        recent=_recent_matches(connection, matching, request.query).add_columns(*ranked),
        age=lambda when: func.greatest(0.0, extract("epoch", now - when) / 86400.0),
        snippet=func.ts_headline(_PG_CONFIG, body, tsquery, options),
        source=lambda page: page.join(articles, articles.c.id == page.c.id),
    )


def _recent_matches(
    connection: Connection, matching: Select[Any], query: SearchQuery
) -> Select[Any]:
    """The RANKED_WINDOW newest matches (their ids; the caller adds the columns it ranks
    by): read newest first from the RUM index where migration 0018 could make it, else
    found by probing ranges of the newest ids and read again by id."""
    rum = _rum_schema(connection)
    if rum is not None:
        return _newest_by_rum(connection, matching, rum)
    newest = _newest_by_probe(connection, matching, query)
    return select(articles.c.id).where(articles.c.id.in_(newest))


def _rum_schema(connection: Connection) -> str | None:
    """The schema holding the RUM extension's operators when this schema has the RUM index
    (``RUM_INDEX``), else None: the extension is optional, so a deployment without it
    searches through the GIN index alone. One catalog lookup, far below a search's cost,
    so an index made or dropped later is seen by the next search."""
    found: str | None = connection.execute(_RUM_LOOKUP).scalar()
    return found


def _newest_by_rum(connection: Connection, matching: Select[Any], schema: str) -> Select[Any]:
    """The matches newest first, as SQLite's FTS5 reads them: the RUM index keeps each
    word's articles ordered by id (attached to the tsvector), so ordering by ``id <=|
    top`` (the distance below the largest id there can be) reads them from the index in
    that order and the LIMIT stops the scan; the filters are checked on each match's row
    as it comes, and only the rows kept are ranked. Sorting is turned off for the rest of
    the search's transaction: with a selective filter the planner would otherwise collect
    every match (by a BitmapAnd, or the date index and each row's tsvector) and sort them,
    several times slower; only the RUM index gives this order without a sort. The page's
    own ordering needs a sort whatever the plan, so it is costed alike in every plan; the
    penalty a disabled sort adds to the cost would also start JIT compilation (a fifth of
    a second, for a statement of milliseconds), so JIT is turned off with it."""
    operator = f"OPERATOR({connection.dialect.identifier_preparer.quote_schema(schema)}.<=|)"
    newest_first = articles.c.id.op(operator)(literal_column(str(_LARGEST_ID)))
    connection.execute(_NO_SORT_NOR_JIT)
    return matching.order_by(newest_first).limit(RANKED_WINDOW)


def _newest_by_probe(
    connection: Connection, matching: Select[Any], query: SearchQuery
) -> list[int]:
    """The ids of the RANKED_WINDOW newest matches, looked for among the newest ids first.

    A GIN index cannot hand out matches newest first, and an id index walked backwards
    checks every article's tsvector on the way (read from TOAST: slow for a word in one
    article of fifty). So the index's matches are intersected with a range of ids (a
    BitmapAnd), from the top down to a floor PROBE_SPAN ids below it at first, widened,
    from the share of matches seen so far, until the window is full or the range holds
    every article; an id index scan is turned off for these statements so the planner
    cannot fall back to that walk. A wider range is read only below the floor before it
    (its matches, all older, follow the ones found), so no match is read twice: for a
    phrase each one read is a tsvector fetched from TOAST to check the words' positions.
    The first range runs up to the newest id, so every match above the floor is seen;
    only where the widening starts depends on the date range (see ``_probe_top``), which
    keeps a range ending weeks ago from spending its first probes on the weeks after it.
    """
    lowest, highest = connection.execute(
        select(func.min(articles.c.id), func.max(articles.c.id))
    ).one()
    top = None if highest is None else _probe_top(connection, query, highest)
    if top is None:
        return []
    connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
    found: list[int] = []
    span, probe = PROBE_SPAN, matching
    while True:
        floor = top - span
        found += connection.execute(
            probe.where(articles.c.id > floor)
            .order_by(articles.c.id.desc())
            .limit(RANKED_WINDOW - len(found))
        ).scalars()
        if len(found) >= RANKED_WINDOW or floor < lowest:
            connection.exec_driver_sql("RESET enable_indexscan")
            return found
        share = max(len(found), 1) / span
        span = max(span * 4, int(RANKED_WINDOW / share * 1.25))
        probe = matching.where(articles.c.id <= floor)


def _probe_top(connection: Connection, query: SearchQuery, highest: int) -> int | None:
    """Where the widening starts: the newest id, or with an ``until`` the id of the
    article published last in the date range, since ids follow the time first seen and
    an article is published about when it is first seen (one seen later, a feed's
    backlog say, is still above the floor). None when nothing is published in the range,
    so nothing can match. Read by ix_articles_published, before index scans are off."""
    if query.until is None:
        return highest
    published = articles.c.published
    in_range = [published < query.until]
    if query.since is not None:
        in_range.append(published >= query.since)
    last = select(articles.c.id).where(*in_range).order_by(published.desc()).limit(1)
    found: int | None = connection.execute(last).scalar()
    return found


_PLANS: dict[str, Callable[[Connection, _Request], _Plan]] = {
    "sqlite": _sqlite_plan,
    "postgresql": _postgresql_plan,
}
