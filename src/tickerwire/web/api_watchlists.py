"""The watchlists API: /api/v1/watchlists, read and changed as the member a request
speaks for.

A request speaks for a member by ``Authorization: Bearer <token>`` (a per-member token
made on /account/tokens, kept by its hash) or by the browser's session cookie. With the
cookie, a request that changes anything must also carry the session's form token in
``X-Form-Token`` and must not come from another site, exactly as a form must
(:mod:`tickerwire.web.forms`), so a page elsewhere cannot use a reader's cookie.

Bodies are JSON objects of the documented fields only (an unknown field, ``member_id``
say, refuses the request: nothing is mass-assigned), at most :data:`BODY_MAX_BYTES`.
Another member's list is a 404 worded as for one that does not exist. Every answer is
``private, no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from anyio import from_thread
from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.accounts.tokens import SESSION_COOKIE, token_matches
from tickerwire.accounts.watchlists import ITEMS_MAX, NAME_MAX
from tickerwire.markets.search import QUERY_MAX
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import MemberRow
from tickerwire.store.watchlists import WatchlistRow
from tickerwire.web.forms import FormRefused, refuse_cross_site
from tickerwire.web.pages.watchlists import FollowView, watchlist_cells
from tickerwire.web.parts import Headline, RibbonCell, headline
from tickerwire.web.readers import PRIVATE, reader_of

router = APIRouter(prefix="/api/v1", tags=["watchlists"])
BODY_MAX_BYTES = 8 * 1024
FORM_TOKEN_HEADER = "x-form-token"  # noqa: S105 - a header's name, not a secret
B = TypeVar("B", bound=BaseModel)
T = TypeVar("T")
WatchlistId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewWatchlist(Strict):
    name: str = Field(max_length=NAME_MAX * 2)
    symbols: list[Annotated[str, Field(max_length=20)]] = Field(
        default_factory=list, max_length=ITEMS_MAX
    )


class WatchlistChange(Strict):
    name: str = Field(max_length=NAME_MAX * 2)


class NewItem(Strict):
    symbol: str = Field(max_length=20)


class SearchedItem(Strict):
    yahoo_symbol: str = Field(max_length=QUERY_MAX)


class NewFollow(Strict):
    slug: str = Field(max_length=120)


class WatchlistView(BaseModel):
    id: int
    name: str
    position: int
    symbols: list[str]
    created_at: datetime
    path: str

    @classmethod
    def of(cls, row: WatchlistRow) -> WatchlistView:
        return cls(
            id=row.id,
            name=row.name,
            position=row.position,
            symbols=list(row.symbols),
            created_at=row.created_at,
            path=f"/watchlists/{row.id}",
        )


class WatchlistsResponse(BaseModel):
    watchlists: list[WatchlistView]


class WatchlistDetail(WatchlistView):
    quotes: list[RibbonCell]


class NewsResponse(BaseModel):
    news: list[Headline]


class FollowsResponse(BaseModel):
    follows: list[FollowView]


def _unauthorised() -> HTTPException:
    return HTTPException(
        401,
        "send a token as 'Authorization: Bearer <token>' (make one on /account/tokens) or sign in",
        headers={"www-authenticate": "Bearer", **PRIVATE},
    )


def member_of_request(request: Request) -> MemberRow:
    """The member the request speaks for (a token, else the session cookie), with the
    cookie's form-token check for any request that changes something; else 401 or 403."""
    runtime: Runtime = request.app.state.runtime
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        member = (
            actions.member_of_api_token(runtime, token.strip())
            if scheme.lower() == "bearer"
            else None
        )
        if member is None:
            raise _unauthorised()
        return member
    reader = reader_of(request)
    if reader is None:
        raise _unauthorised()
    if request.method not in ("GET", "HEAD"):
        try:
            refuse_cross_site(request)
        except FormRefused as refused:
            raise HTTPException(403, str(refused), headers=PRIVATE) from None
        if not token_matches(reader.secret, request.headers.get(FORM_TOKEN_HEADER, "")):
            raise HTTPException(
                403,
                f"with the session cookie ({SESSION_COOKIE}), send the page's form token "
                "in X-Form-Token, or use a bearer token",
                headers=PRIVATE,
            )
    return reader.member


Member = Annotated[MemberRow, Depends(member_of_request)]


async def _body(request: Request, model: type[B]) -> B:
    """The request's JSON body as ``model``: within size, only the model's fields."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, "send a JSON body (Content-Type: application/json)")
    declared = request.headers.get("content-length", "")
    too_big = HTTPException(413, f"the body is larger than {BODY_MAX_BYTES // 1024} KiB")
    if declared.isdigit() and int(declared) > BODY_MAX_BYTES:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_MAX_BYTES:
            raise too_big
    try:
        return model.model_validate_json(bytes(body))
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "the body"
        raise HTTPException(422, f"{where}: {problem['msg']}") from None


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of an endpoint that reads ``model`` itself."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def _act(response: Response, act: Callable[[], T]) -> T:
    """Run an action in the thread pool; a refusal is a 400, another's list a 404."""
    response.headers.update(PRIVATE)
    try:
        return await run_in_threadpool(act)
    except actions.NoSuchWatchlist as missing:
        raise HTTPException(404, str(missing), headers=PRIVATE) from None
    except actions.ActionError as refused:
        raise HTTPException(400, str(refused), headers=PRIVATE) from None


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@router.get("/watchlists", response_model=WatchlistsResponse)
async def list_watchlists(request: Request, response: Response, member: Member) -> Any:
    """Your watchlists in your order (a default one on first use)."""
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: WatchlistsResponse(
            watchlists=[WatchlistView.of(w) for w in actions.watchlists_of(runtime, member.id)]
        ),
    )


@router.post(
    "/watchlists",
    response_model=WatchlistView,
    status_code=201,
    openapi_extra=_schema(NewWatchlist),
)
async def create_watchlist(request: Request, response: Response, member: Member) -> Any:
    """Make a watchlist: ``{"name": "Energy", "symbols": ["CL", "GC"]}``."""
    body = await _body(request, NewWatchlist)
    runtime = _runtime(request)
    made = await _act(
        response,
        lambda: WatchlistView.of(
            actions.create_watchlist(runtime, member.id, body.name, body.symbols)
        ),
    )
    response.headers["location"] = f"/api/v1/watchlists/{made.id}"
    return made


def _detail(runtime: Runtime, row: WatchlistRow) -> WatchlistDetail:
    return WatchlistDetail(
        **WatchlistView.of(row).model_dump(), quotes=watchlist_cells(runtime, row.symbols)
    )


@router.get("/watchlists/{watchlist_id}", response_model=WatchlistDetail)
async def get_watchlist(
    request: Request, response: Response, member: Member, watchlist_id: WatchlistId
) -> Any:
    """One of your watchlists, with the latest quote of each instrument."""
    runtime = _runtime(request)
    return await _act(
        response, lambda: _detail(runtime, actions.watchlist_of(runtime, member.id, watchlist_id))
    )


@router.patch(
    "/watchlists/{watchlist_id}",
    response_model=WatchlistView,
    openapi_extra=_schema(WatchlistChange),
)
async def rename_watchlist(
    request: Request, response: Response, member: Member, watchlist_id: WatchlistId
) -> Any:
    """Rename a watchlist: ``{"name": "Metals"}``."""
    body = await _body(request, WatchlistChange)
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: WatchlistView.of(
            actions.rename_watchlist(runtime, member.id, watchlist_id, body.name)
        ),
    )


@router.delete("/watchlists/{watchlist_id}", status_code=204, response_class=Response)
async def delete_watchlist(
    request: Request, response: Response, member: Member, watchlist_id: WatchlistId
) -> Response:
    """Delete a watchlist (not your only one)."""
    runtime = _runtime(request)
    await _act(response, lambda: actions.delete_watchlist(runtime, member.id, watchlist_id))
    return Response(status_code=204, headers=PRIVATE)


@router.post(
    "/watchlists/{watchlist_id}/items",
    response_model=WatchlistView,
    openapi_extra=_schema(NewItem),
)
async def add_item(
    request: Request, response: Response, member: Member, watchlist_id: WatchlistId
) -> Any:
    """Add an instrument at the end: ``{"symbol": "GC"}`` (already there: no change)."""
    body = await _body(request, NewItem)
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: WatchlistView.of(
            actions.add_to_watchlist(runtime, member.id, watchlist_id, body.symbol)
        ),
    )


@router.post(
    "/watchlists/{watchlist_id}/searched-items",
    response_model=WatchlistView,
    openapi_extra=_schema(SearchedItem),
)
async def add_searched_item(
    request: Request, response: Response, member: Member, watchlist_id: WatchlistId
) -> Any:
    """Add a symbol Yahoo's search knows: ``{"yahoo_symbol": "ASML"}``. One the site does
    not track is added to it first (history backfilled) when the site lets this member,
    as from the watchlist page; otherwise a 400 saying "Ask an admin to add ASML"."""
    body = await _body(request, SearchedItem)
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: WatchlistView.of(
            from_thread.run(
                actions.add_searched_instrument_to_watchlist,
                runtime,
                member.id,
                watchlist_id,
                body.yahoo_symbol,
            )
        ),
    )


@router.delete("/watchlists/{watchlist_id}/items/{symbol}", response_model=WatchlistView)
async def remove_item(
    request: Request,
    response: Response,
    member: Member,
    watchlist_id: WatchlistId,
    symbol: Annotated[str, Path(max_length=20)],
) -> Any:
    """Take an instrument off the list (not on it: no change)."""
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: WatchlistView.of(
            actions.remove_from_watchlist(runtime, member.id, watchlist_id, symbol)
        ),
    )


@router.get("/watchlists/{watchlist_id}/news", response_model=NewsResponse)
async def watchlist_news(
    request: Request, response: Response, member: Member, watchlist_id: WatchlistId
) -> Any:
    """The newest articles naming the list's instruments or a topic you follow."""
    runtime = _runtime(request)

    def news() -> NewsResponse:
        now = runtime.now()
        rows = actions.news_for_member(runtime, member.id, watchlist_id)
        return NewsResponse(news=[headline(runtime, r, now) for r in rows])

    return await _act(response, news)


@router.get("/follows", response_model=FollowsResponse)
async def list_follows(request: Request, response: Response, member: Member) -> Any:
    """The topics you follow."""
    runtime = _runtime(request)
    return await _act(
        response,
        lambda: FollowsResponse(
            follows=[FollowView.of(f) for f in actions.follows_of(runtime, member.id)]
        ),
    )


@router.post(
    "/follows", response_model=FollowView, status_code=201, openapi_extra=_schema(NewFollow)
)
async def follow(request: Request, response: Response, member: Member) -> Any:
    """Follow a topic by its slug: ``{"slug": "federal-reserve"}``."""
    body = await _body(request, NewFollow)
    runtime = _runtime(request)
    return await _act(
        response, lambda: FollowView.of(actions.follow_entity(runtime, member.id, body.slug))
    )


@router.delete("/follows/{slug}", status_code=204, response_class=Response)
async def unfollow(
    request: Request, response: Response, member: Member, slug: Annotated[str, Path(max_length=120)]
) -> Response:
    """Stop following a topic."""
    runtime = _runtime(request)
    await _act(response, lambda: actions.unfollow_entity(runtime, member.id, slug))
    return Response(status_code=204, headers=PRIVATE)
