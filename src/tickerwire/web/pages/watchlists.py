"""A member's watchlists: the list of them (with the form that makes one) at /watchlists,
and each list at /watchlists/{id}: its instruments as a ribbon of quote cells, its movers,
the news for it and the forms that change it. Both pages are personal (built for the
signed-in reader, never cached, sent as private) and have their ``.json`` twins.

Every change is a plain HTML form posted here, checked by
:func:`tickerwire.web.forms.checked_form` (not cross-site, within size, only its own
fields, the session's form token), doing one action of :mod:`tickerwire.actions`, then
a redirect back (303) whose ``done`` names a fixed message: no text from an address is
ever shown. A refusal is the same page again with the reason and a 4xx status. A list of
another member's is not found, exactly as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anyio import from_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tickerwire import actions
from tickerwire.markets.search import QUERY_MAX
from tickerwire.runtime import Runtime
from tickerwire.store.watchlists import FollowRow, WatchlistRow
from tickerwire.web.member_forms import Feedback, member_form
from tickerwire.web.movers import Movers, movers
from tickerwire.web.parts import Headline, RibbonCell, headline, ribbon_cell
from tickerwire.web.readers import PRIVATE, Reader
from tickerwire.web.twins import Page, PageNotFound, PageRequest

router = APIRouter(include_in_schema=False)

NAME_FIELDS = frozenset({"name"})
SYMBOL_FIELDS = frozenset({"symbol"})
FOUND_FIELDS = frozenset({"yahoo_symbol"})
NO_FIELDS: frozenset[str] = frozenset()
DONE = {
    "created": "Your new watchlist is made.",
    "renamed": "The watchlist is renamed.",
    "deleted": "The watchlist is deleted.",
    "added": "The instrument is on the list.",
    "added-new": "The instrument is on the site, its history loaded, and on the list.",
    "removed": "The instrument is off the list.",
    "unfollowed": "You no longer follow that topic.",
}
NEWS_SHOWN = 20


class WatchlistSummary(BaseModel):
    id: int
    name: str
    symbols: list[str]
    path: str

    @classmethod
    def of(cls, row: WatchlistRow) -> WatchlistSummary:
        return cls(id=row.id, name=row.name, symbols=list(row.symbols), path=_path(row.id))


class FollowView(BaseModel):
    kind: str
    slug: str
    name: str
    path: str

    @classmethod
    def of(cls, row: FollowRow) -> FollowView:
        return cls(kind=row.kind, slug=row.slug, name=row.name, path=f"/topic/{row.slug}")


class FoundView(BaseModel):
    """A search result with what adding it would record; ``tracked`` is our symbol when
    the site has it already, ``refusal`` why this member may not add it (then no button)."""

    yahoo_symbol: str
    symbol: str
    name: str
    exchange: str
    calendar: str
    currency: str
    precision: int
    tracked: str
    refusal: str | None

    @classmethod
    def of(cls, found: actions.Found, cannot_add: str | None) -> FoundView:
        p = found.proposal
        refusal = None
        if not found.tracked:
            refusal = cannot_add or (
                None if p.calendar else "its exchange is not in our table of market calendars"
            )
        return cls(
            yahoo_symbol=p.provider_symbols.get("yahoo", ""),
            symbol=p.symbol,
            name=p.name,
            exchange=p.exchange,
            calendar=p.calendar,
            currency=p.currency,
            precision=p.precision,
            tracked=found.tracked,
            refusal=refusal,
        )


class SymbolSearch(BaseModel):
    """The symbol search on a list's page (``?find=``): what was asked, what was found,
    or why nothing could be."""

    query: str
    found: list[FoundView]
    refusal: str | None


class WatchlistsPage(Feedback):
    title: str
    watchlists: list[WatchlistSummary]
    follows: list[FollowView]


class WatchlistPage(Feedback):
    title: str
    id: int
    name: str
    symbols: list[str]
    ribbon: list[RibbonCell]
    movers: Movers
    news: list[Headline]
    follows: list[FollowView]
    path: str
    search: SymbolSearch | None = None
    query_max: int = Field(default=QUERY_MAX, exclude=True)


class ListsParams(BaseModel):
    done: str = Field("", max_length=20)


class ListParams(BaseModel):
    id: int = Field(ge=1, le=2**31 - 1)
    done: str = Field("", max_length=20)
    find: str | None = Field(None, max_length=1000)
    """A symbol or a name to search for; beyond :data:`QUERY_MAX` the search says so."""


def _path(watchlist_id: int) -> str:
    return f"/watchlists/{watchlist_id}"


def build_lists(request: PageRequest[ListsParams]) -> WatchlistsPage:
    reader = request.member
    runtime, member = request.runtime, reader.member.id
    return WatchlistsPage(
        title="Your watchlists",
        watchlists=[WatchlistSummary.of(w) for w in actions.watchlists_of(runtime, member)],
        follows=[FollowView.of(f) for f in actions.follows_of(runtime, member)],
        message=DONE.get(request.params.done),
        form_token=reader.form_token,
    )


def watchlist_cells(runtime: Runtime, symbols: tuple[str, ...] | list[str]) -> list[RibbonCell]:
    """The list's instruments as ribbon cells, through the one quote rule; a symbol the
    registry no longer has is left out."""
    now = runtime.now()
    known = [runtime.registry.get(s) for s in symbols if s in runtime.registry]
    quotes = runtime.markets.latest_quotes([i.symbol for i in known])
    return [ribbon_cell(runtime, i, quotes.get(i.symbol), now) for i in known]


def build_list(request: PageRequest[ListParams]) -> WatchlistPage:
    reader = request.member
    runtime, member = request.runtime, reader.member.id
    try:
        found = actions.watchlist_of(runtime, member, request.params.id)
    except actions.NoSuchWatchlist as missing:
        raise PageNotFound(f"You have no watchlist {missing.watchlist_id}.") from None
    news = actions.news_for_member(runtime, member, found.id, NEWS_SHOWN)
    return WatchlistPage(
        title=found.name,
        id=found.id,
        name=found.name,
        symbols=list(found.symbols),
        ribbon=watchlist_cells(runtime, found.symbols),
        movers=movers(runtime, symbols=found.symbols),
        news=[headline(runtime, row, request.now) for row in news],
        follows=[FollowView.of(f) for f in actions.follows_of(runtime, member)],
        path=_path(found.id),
        search=None if request.params.find is None else symbol_search(request),
        message=DONE.get(request.params.done),
        form_token=reader.form_token,
    )


def symbol_search(request: PageRequest[ListParams]) -> SymbolSearch:
    """Yahoo's candidates for ``find`` with what was inferred of each. Pages are built in
    the thread pool; the search is asked on the event loop, where the fetcher lives."""
    runtime, member, query = request.runtime, request.member.member.id, request.params.find or ""
    shown = " ".join(query.split())[:QUERY_MAX]
    try:
        found = from_thread.run(actions.find_instruments, runtime, query)
    except actions.ActionError as refused:
        return SymbolSearch(query=shown, found=[], refusal=_sentence(str(refused)))
    if not found:
        nothing = f"Yahoo's search found nothing we can track for “{shown}”."
        return SymbolSearch(query=shown, found=[], refusal=nothing)
    cannot_add = actions.why_member_cannot_add(runtime, member)
    return SymbolSearch(
        query=shown, found=[FoundView.of(f, cannot_add) for f in found], refusal=None
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


LISTS = Page(
    name="watchlists",
    path="/watchlists",
    template="watchlists.html",
    build=build_lists,
    params=ListsParams,
    cached=False,
    personal=True,
)

LIST = Page(
    name="watchlist",
    path="/watchlists/{id}",
    template="watchlist.html",
    build=build_list,
    params=ListParams,
    cached=False,
    personal=True,
)


# The forms ------------------------------------------------------------------------------


@router.post("/watchlists")
async def create(request: Request) -> Response:
    def act(runtime: Runtime, reader: Reader, form: dict[str, str]) -> str:
        made = actions.create_watchlist(runtime, reader.member.id, form.get("name", ""))
        return f"{_path(made.id)}?done=created"

    return await member_form(request, NAME_FIELDS, act, LISTS)


def _list_id(request: Request) -> int | None:
    raw = request.path_params.get("id", "")
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else None


async def _list_form(
    request: Request,
    fields: frozenset[str],
    act: Callable[[Runtime, int, int, str], str],
    refused: dict[str, Any] | None = None,
) -> Response:
    """A form on one list's page: its id from the path, its one value from the form.
    ``refused`` holds the page's parameters for a refusal, which ``act`` may add to
    before refusing (the search for a symbol the site does not track)."""
    watchlist_id = _list_id(request)
    if watchlist_id is None:
        return Response("no such watchlist", status_code=404, headers=PRIVATE)
    field = next(iter(fields), "")
    shown = refused if refused is not None else {}
    shown["id"] = watchlist_id

    def run(runtime: Runtime, reader: Reader, form: dict[str, str]) -> str:
        return act(runtime, reader.member.id, watchlist_id, form.get(field, ""))

    return await member_form(
        request, fields, run, LIST, shown, missing=(actions.NoSuchWatchlist, LISTS)
    )


@router.post("/watchlists/{id}/rename")
async def rename(request: Request) -> Response:
    def act(runtime: Runtime, member: int, watchlist_id: int, name: str) -> str:
        actions.rename_watchlist(runtime, member, watchlist_id, name)
        return f"{_path(watchlist_id)}?done=renamed"

    return await _list_form(request, NAME_FIELDS, act)


@router.post("/watchlists/{id}/delete")
async def delete(request: Request) -> Response:
    def act(runtime: Runtime, member: int, watchlist_id: int, _value: str) -> str:
        actions.delete_watchlist(runtime, member, watchlist_id)
        return "/watchlists?done=deleted"

    return await _list_form(request, NO_FIELDS, act)


@router.post("/watchlists/{id}/add")
async def add(request: Request) -> Response:
    """A known symbol goes on the list; anything else is refused with the list's page
    showing what Yahoo's symbol search finds for it, each result with a button to confirm."""
    refused: dict[str, Any] = {}

    def act(runtime: Runtime, member: int, watchlist_id: int, symbol: str) -> str:
        wanted = symbol.strip()
        if not wanted:
            raise actions.ActionError("type a symbol or a name to add")
        if wanted.upper() not in runtime.registry:
            actions.watchlist_of(runtime, member, watchlist_id)  # not theirs: a 404, no search
            refused["find"] = wanted[: QUERY_MAX * 2]
            raise actions.ActionError(
                f"unknown instrument {wanted.upper()[:20]}: the site does not track it yet; "
                "see what Yahoo's symbol search found for it below"
            )
        actions.add_to_watchlist(runtime, member, watchlist_id, wanted)
        return f"{_path(watchlist_id)}?done=added"

    return await _list_form(request, SYMBOL_FIELDS, act, refused)


@router.post("/watchlists/{id}/add-found")
async def add_found(request: Request) -> Response:
    """A search result confirmed: on the site (when it may be added) and on the list."""

    def act(runtime: Runtime, member: int, watchlist_id: int, yahoo_symbol: str) -> str:
        before = yahoo_symbol.strip() in {i.symbol_at("yahoo") for i in runtime.registry}
        from_thread.run(
            actions.add_searched_instrument_to_watchlist,
            runtime,
            member,
            watchlist_id,
            yahoo_symbol,
        )
        return f"{_path(watchlist_id)}?done={'added' if before else 'added-new'}"

    return await _list_form(request, FOUND_FIELDS, act)


@router.post("/watchlists/{id}/remove")
async def remove(request: Request) -> Response:
    def act(runtime: Runtime, member: int, watchlist_id: int, symbol: str) -> str:
        actions.remove_from_watchlist(runtime, member, watchlist_id, symbol)
        return f"{_path(watchlist_id)}?done=removed"

    return await _list_form(request, SYMBOL_FIELDS, act)
