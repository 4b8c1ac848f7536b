"""The search page: full-text search over stored articles, with filters; its twin is the
same answer as /api/v1/search. Matches are counted up to the store's COUNT_LIMIT: past it
the page says "1,000+ results" and the JSON has ``total_capped`` true.

Pages run through the store's ranked window (its newest RANKED_WINDOW matches), not through
the count: a capped count says nothing of where the matches end, so past it the pager offers
the next page while there is one more match to show, up to the window's last page, and says "Page 7"
rather than inventing "of 50".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from tickerwire import humanize
from tickerwire.runtime import Runtime
from tickerwire.store.search import RANKED_WINDOW, SearchQuery, SearchStore
from tickerwire.web.parts import SymbolLink
from tickerwire.web.twins import Page, PageRequest

PAGE_SIZE = 20


class SearchError(ValueError):
    """A filter a person typed that we cannot use; the message says which and why."""


class Hit(BaseModel):
    id: int
    title: str
    publisher: str | None
    published: datetime | None
    time_text: str
    snippet: str
    snippet_html: str  # the snippet escaped, with matches in <mark>: safe to inline
    path: str
    score: float


class SearchPage(BaseModel):
    query: str
    publisher: str | None
    symbol: str | None
    since: date | None
    until: date | None
    total: int  # exact up to COUNT_LIMIT; past it COUNT_LIMIT, with total_capped true
    total_capped: bool
    total_text: str  # "7", "1,000+"
    page: int
    pages: int  # pages the count makes; past a capped count, the window's last page
    next_page: int | None  # None on the last page with results
    hits: list[Hit]
    publishers: list[str]
    symbol_match: SymbolLink | None


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SearchError(f"{name} must be a date like 2026-11-24, not {text!r}") from None


def search(
    runtime: Runtime,
    *,
    q: str,
    publisher: str | None = None,
    symbol: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = 1,
) -> SearchPage:
    q = q.strip()[:500]
    if symbol:
        symbol = symbol.strip().upper()
        if symbol not in runtime.registry:
            raise SearchError(f"unknown instrument {symbol!r}")
    first, last = _day(since, "since"), _day(until, "until")
    if first and last and first > last:
        raise SearchError("'since' is after 'until'")
    last_page = RANKED_WINDOW // PAGE_SIZE  # only the ranked window's matches are shown
    page = max(1, min(page, last_page))
    store = SearchStore(runtime.engine)
    now = runtime.now()
    result = store.search(
        SearchQuery(
            text=q,
            publisher=publisher or None,
            symbol=symbol or None,
            since=datetime.combine(first, time(0), tzinfo=UTC) if first else None,
            until=datetime.combine(last, time(0), tzinfo=UTC) + timedelta(days=1) if last else None,
            limit=PAGE_SIZE + 1,  # one more than shown: is there a next page?
            offset=(page - 1) * PAGE_SIZE,
        ),
        now=now,
    )
    zone = runtime.settings.timezone
    exact = q.upper()
    pages = last_page if result.capped else max(1, -(-result.total // PAGE_SIZE))
    more = len(result.hits) > PAGE_SIZE
    return SearchPage(
        query=q,
        publisher=publisher or None,
        symbol=symbol or None,
        since=first,
        until=last,
        total=result.total,
        total_capped=result.capped,
        total_text=f"{result.total:,}" + ("+" if result.capped else ""),
        page=page,
        pages=pages,
        next_page=page + 1 if page < pages and more else None,
        hits=[
            Hit(
                id=h.article_id,
                title=h.title,
                publisher=h.site_name,
                published=h.published,
                time_text=humanize.clock_time(h.published, zone, now) if h.published else "",
                snippet=h.snippet,
                snippet_html=h.marked_snippet(),
                path=f"/article/{h.article_id}",
                score=h.score,
            )
            for h in result.hits[:PAGE_SIZE]
        ],
        publishers=store.publishers(),
        symbol_match=(
            SymbolLink.of(runtime.registry.get(exact)) if exact in runtime.registry else None
        ),
    )


class SearchParams(BaseModel):
    q: str = Field("", max_length=500)
    publisher: str | None = None
    symbol: str | None = None
    since: str | None = None
    until: str | None = None
    page: int = Field(1, ge=1, le=500)


class SearchResults(SearchPage):
    """The answer, or the reader's bad filter beside the unfiltered answer."""

    error: str | None
    pager_query: str = Field(exclude=True)  # the filters as a query string, for page links


def build(request: PageRequest[SearchParams]) -> SearchResults:
    params = request.params
    filters = {
        "publisher": params.publisher,
        "symbol": params.symbol,
        "since": params.since,
        "until": params.until,
    }
    error = None
    try:
        results = search(request.runtime, q=params.q, page=params.page, **filters)
    except SearchError as problem:
        error = str(problem)
        results = search(request.runtime, q=params.q)
    pager = urlencode({"q": params.q, **{k: v for k, v in filters.items() if v}})
    return SearchResults(**dict(results), error=error, pager_query=pager)


def _status(page: SearchResults) -> int:
    return 400 if page.error else 200


PAGE = Page(
    name="search",
    path="/search",
    template="search.html",
    build=build,
    params=SearchParams,
    cached=False,
    status=_status,
)
